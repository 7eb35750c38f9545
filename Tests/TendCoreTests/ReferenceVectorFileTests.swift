import Foundation
import Testing

/// The reference files are present, readable and non-empty, so that the parameterised reference-vector
/// tests cannot pass by running over zero cases.
@Suite("Reference vectors: the files load")
struct ReferenceVectorFileTests {
    @Test("every reference file decodes and has uniquely named cases", arguments: ReferenceVectors.files)
    func fileLoads(_ name: String) throws {
        let file = try ReferenceVectors.load(name)
        #expect(!file.cases.isEmpty, "\(name).json has no cases")
        #expect(Set(file.cases.map(\.name)).count == file.cases.count, "\(name).json has duplicate case names")
        #expect(file.generator == "crosscheck/gen_\(name).py", "\(name).json generator \(file.generator)")
        #expect(ReferenceVectors.cases(name).count == file.cases.count)
    }

    @Test("numbers parse to the double Python wrote (shortest round-trip representation)")
    func numbersRoundTrip() throws {
        let json = #"[0.1, 1e-300, 5e-324, 1.7976931348623157e308, -0.30000000000000004, 0.0045140098029739515]"#
        let values = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).doubles)
        #expect(values == [0.1, 1e-300, 5e-324, 1.7976931348623157e308, -0.30000000000000004, 0.0045140098029739515])
        let mixed = try JSONDecoder().decode(JSONValue.self, from: Data(#"[true, 1, null, "x"]"#.utf8))
        #expect(mixed == .array([.bool(true), .number(1), .null, .string("x")]))
    }
}
