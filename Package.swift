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
        // The web platform (`tend serve`): HTTP, and one Fluent schema on SQLite and PostgreSQL.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        // Prometheus text exposition for /metrics (counters and histograms, correct label escaping).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        // YAML front matter of programme content files.
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        // Media in an S3-compatible object store: HTTP client and HMAC-SHA256 for Signature Version 4.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // Uploads streamed to storage: the multipart parser and file system API under Vapor, named directly.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        // Markdown of programme sessions, modules, exercises and handouts, rendered once per file.
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
    ],
    targets: [
        // Pure domain: no I/O, no server frameworks.
        .target(name: "TendCore", dependencies: ["CTendMemory"]),
        // Page moves for large score columns (Linux's mremap, which the Swift Glibc module does not expose).
        .target(name: "CTendMemory"),
        // Built-in content (instrument definitions, programmes) and the code that reads it from disk.
        .target(
            name: "TendResources",
            dependencies: [
                "TendCore",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Instruments"), .copy("Programmes"), .copy("Studies")]
        ),
        // The Vapor app: configure(_:), routes, Fluent models and migrations, views, auth, metrics.
        .target(
            name: "TendServer",
            dependencies: [
                "TendCore",
                "TendResources",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Public")]
        ),
        .executableTarget(
            name: "tend",
            dependencies: [
                "TendCore",
                "TendResources",
                "TendServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The static runtime's link arguments export all 70,000 of the executable's symbols, and the runtime
            // looks an address up among them at start-up (dladdr): 1.6 ms of every command. Nothing needs them.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
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
        .testTarget(
            name: "TendServerTests",
            dependencies: [
                "TendCore",
                "TendServer",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
