import Foundation
import Testing
@testable import TendServer

/// Stored answers and score sheets read without `Codable` give exactly what `JSONDecoder` gives, for the
/// text Tend writes and for any other text (which then goes to the decoder).
@Suite struct StoredJSONTests {
    let decoder = JSONDecoder()

    private func decoded(_ text: String) -> QuestionnaireScoreSheet? {
        try? decoder.decode(QuestionnaireScoreSheet.self, from: Data(text.utf8))
    }

    @Test func scoreSheetsTheEncoderWritesReadAsTheDecoderReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        let words = ["phq9.total", "scs-sf.self-kindness", "too many items missing (3 of 9)", "quote \" and \\ slash /",
                     "line\nbreak", "é中\u{1F600}", "", "\u{01}"]
        for round in 0..<400 {
            let scores = (0..<(round % 4)).map { k in
                QuestionnaireScoreSheet.Score(
                    measure: words.randomElement(using: &generator)!,
                    score: [Double.random(in: -50...50, using: &generator), 2.67, 11.0 / 3.0, 0, 27][k % 5],
                    band: k % 2 == 0 ? nil : words.randomElement(using: &generator),
                    proratedItems: (0..<(round % 3)).map { $0 + k })
            }
            let missing = (0..<(round % 2)).map { _ in
                QuestionnaireScoreSheet.Missing(measure: words.randomElement(using: &generator)!, reason: words.randomElement(using: &generator)!)
            }
            let sheet = QuestionnaireScoreSheet(scores: scores, missing: missing)
            let encoder = JSONEncoder()
            if round % 3 == 0 { encoder.outputFormatting = [.sortedKeys, .prettyPrinted] }
            let text = String(decoding: try encoder.encode(sheet), as: UTF8.self)
            let read = try #require(StoredJSON.scoreSheet(text, decoder: decoder))
            #expect(read == sheet && read == decoded(text), "\(text)")
            #expect(read.scores.map(\.score.bitPattern) == sheet.scores.map(\.score.bitPattern))
        }
    }

    static let otherTexts = [
        #"{"scores":[],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":1,"proratedItems":[]}],"missing":[],"extra":{"x":[1,2]}}"#,
        #"{"scores":[{"measure":"m","score":1,"band":null,"proratedItems":[]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":1,"band":3,"proratedItems":[]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":1,"proratedItems":[2.0]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":1,"proratedItems":[2.5]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":1e400,"proratedItems":[]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":"1","proratedItems":[]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","proratedItems":[]}],"missing":[]}"#,
        #"{"scores":[{"measure":"m","score":1}],"missing":[]}"#,
        #"{"scores":[],"missing":[{"measure":"m"}]}"#,
        #"{"scores":[]}"#,
        #"{"scores":[],"missing":[],"scores":[{"measure":"m","score":1,"proratedItems":[]}]}"#,
        #"{"scores":[{"measure":"m","measure":"n","score":1,"proratedItems":[]}],"missing":[]}"#,
        #"{"scores":[],"missing":[]} trailing"#,
        #"[]"#, "", "null", #"{"scores":null,"missing":[]}"#,
    ]

    @Test func otherTextReadsAsTheDecoderReadsIt() {
        for text in Self.otherTexts {
            #expect(StoredJSON.scoreSheet(text, decoder: decoder) == decoded(text), "\(text)")
        }
    }

    @Test func theDashboardsScorePairsAreTheDecodersToo() throws {
        let encoded = try [
            QuestionnaireScoreSheet(scores: [.init(measure: "phq9.total", score: 11.0 / 3.0, band: "mild", proratedItems: [2])],
                                    missing: [.init(measure: "phq9.x", reason: "too many items missing")]),
            QuestionnaireScoreSheet(scores: [], missing: []),
        ].map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        for text in encoded + Self.otherTexts + [#"{"scores":[{"measure":"m","score":2}]}"#] {
            let pairs = StudyDashboardData.scorePairs(text, decoder: decoder)
            let expected = try? decoder.decode(StudyDashboardData.ScoresOnly.self, from: Data(text.utf8))
            #expect(pairs?.map(\.measure) == expected?.scores.map(\.measure), "\(text)")
            #expect(pairs?.map(\.score.bitPattern) == expected?.scores.map(\.score.bitPattern), "\(text)")
        }
    }

    @Test func answersReadAsTheDecoderReadsThem() {
        let texts = ["[]", "[0,1,null,3]", "[ 4 , null ]", "[2.0]", "[2.5]", "[\"1\"]", "[true]", "[1e2]", "[-0]",
                     "[99999999999999999999]", "[1,]", "{}", "", "null", "[null,null]"]
        for text in texts {
            let expected = try? decoder.decode([Int?].self, from: Data(text.utf8))
            #expect(StoredJSON.answers(text, decoder: decoder) == expected, "\(text)")
        }
    }
}
