// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tend",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TendCore", targets: ["TendCore"]),
        .executable(name: "tend", targets: ["tend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        // Pure domain: no I/O, no server frameworks.
        .target(name: "TendCore"),
        // Built-in content (instrument definitions) and the code that reads it from the bundle.
        .target(
            name: "TendResources",
            dependencies: [
                "TendCore",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Instruments"), .copy("Programmes")]
        ),
        .executableTarget(
            name: "tend",
            dependencies: [
                "TendCore",
                "TendResources",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TendCoreTests",
            dependencies: [
                "TendCore",
                "TendResources",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Resources")]
        ),
    ]
)
