import Foundation
import Testing
@testable import TendCore

/// `JSONText` reads exactly RFC 8259 JSON: what `JSONEncoder` writes reads back to the same values, and
/// every text that is not JSON is refused.
@Suite struct JSONTextTests {
    @Test func valuesOfEveryKindAreRead() throws {
        let value = try #require(JSONText.parse(#" { "a" : [1, -0.5e-3, 0, true, false, null, "x\"y\\z\/\n\t\u00e9\ud83d\ude00"], "b": {}, "c": [] } "#))
        let members = try #require(value.members)
        #expect(members["b"] == .object([]) && members["c"] == .array([]))
        let a = try #require(members["a"]?.array)
        #expect(a == [.number("1"), .number("-0.5e-3"), .number("0"), .bool(true), .bool(false), .null,
                      .string("x\"y\\z/\n\té\u{1F600}")])
        #expect(a[0].int == 1 && a[0].double == 1 && a[1].double == -0.0005 && a[1].int == nil)
        #expect(JSONText.parse("12")?.int == 12 && JSONText.parse("\"plain\"")?.string == "plain")
    }

    @Test func textThatIsNotJSONIsRefused() {
        let refused = ["", " ", "[1,]", "{\"a\":1,}", "[01]", "+1", "1.", ".5", "1e", "-", "--1", "[1 2]", "{\"a\" 1}",
                       "{a:1}", "'x'", "\"tab\there\"", "\"line\nbreak\"", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"",
                       "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"open", "[1", "{", "tru", "nul", "[true false]", "1 2",
                       "[1]x", "NaN", "Infinity", "\u{FEFF}1", String(repeating: "[", count: 65) + String(repeating: "]", count: 65)]
        for text in refused { #expect(JSONText.parse(text) == nil, "\(text.debugDescription)") }
        // 64 levels are read.
        #expect(JSONText.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) != nil)
    }

    @Test func numbersConvertAsTheStandardLibraryReadsThem() {
        #expect(JSONText.parse("1e400")?.double == nil)
        #expect(JSONText.parse("2.0")?.int == nil && JSONText.parse("2.0")?.double == 2)
        #expect(JSONText.parse("99999999999999999999")?.int == nil)
        #expect(JSONText.parse("-0")?.int == 0)
        #expect(JSONText.parse("0.1")?.double == 0.1 && JSONText.parse("2.6700000000000004")?.double == 2.6700000000000004)
    }

    @Test func aRepeatedKeyHasNoMembersByKey() {
        #expect(JSONText.parse(#"{"a":1,"a":2}"#)?.members == nil)
        #expect(JSONText.parse(#"{"a":1,"b":2}"#)?.members?.count == 2)
    }

    private struct Sample: Codable, Equatable {
        var text: String
        var number: Double
        var whole: Int
        var flags: [Bool]
        var nested: [String: [Int?]]
    }

    @Test func whatTheEncoderWritesReadsBack() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}",
                                          "é", "\u{2028}", "\u{FFFF}", "\u{1F600}", "中"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for round in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &generator) { text.unicodeScalars.append(alphabet.randomElement(using: &generator)!) }
            let number = [Double.random(in: -1e6...1e6, using: &generator), 1e-300, 123456789.125, 2.67, -0.0][round % 5]
            let sample = Sample(text: text, number: number, whole: Int.random(in: Int.min...Int.max, using: &generator),
                                flags: (0..<(round % 4)).map { _ in Bool.random(using: &generator) },
                                nested: [text: [nil, round, -round], "k": []])
            if round % 2 == 1 { encoder.outputFormatting.insert(.prettyPrinted) } else { encoder.outputFormatting.remove(.prettyPrinted) }
            let json = String(decoding: try encoder.encode(sample), as: UTF8.self)
            let members = try #require(JSONText.parse(json)?.members, "\(json)")
            #expect(members["text"]?.string == text)
            #expect(members["number"]?.double?.bitPattern == number.bitPattern, "\(json)")
            #expect(members["whole"]?.int == sample.whole)
            #expect(members["flags"]?.array == sample.flags.map(JSONText.Value.bool))
            let nested = try #require(members["nested"]?.members)
            #expect(nested[text]?.array == [.null, .number("\(round)"), .number("\(-round)")])
        }
    }
}
