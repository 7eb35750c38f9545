import Crypto
import Foundation
import TendCore
import TendResources

/// The scores of one submitted questionnaire, as stored with it.
struct QuestionnaireScoreSheet: Codable, Sendable, Equatable {
    struct Score: Codable, Sendable, Equatable {
        /// `"<instrument>.<scale>"`.
        var measure: String
        var score: Double
        var band: String?
        /// Items filled in by proration.
        var proratedItems: [Int]
    }

    struct Missing: Codable, Sendable, Equatable {
        var measure: String
        var reason: String
    }

    var scores: [Score]
    var missing: [Missing]

    func score(_ measure: String) -> Double? { scores.first { $0.measure == measure }?.score }
}

/// Scoring of one set of answers with TendCore's ``InstrumentScorer`` (the same code `tend score` runs
/// on a file), so a score on the server always equals the scorer's on the same answers.
enum QuestionnaireScoring {
    /// The instruments the server scores with.
    /// The built-in instruments, read from their resource files once per process (not on every page view).
    static func library() throws -> InstrumentLibrary { try builtInLibrary.get() }
    private static let builtInLibrary = Result { try InstrumentCatalog.builtIn() }

    /// The answers as a one-row CSV document for the scorer: item k in column `item<k>`, blank when unanswered.
    static func document(answers: [Int?], timepoint: String, definition: InstrumentDefinition) throws -> CSVDocument {
        let header = ["participant", "timepoint"] + (1...definition.itemCount).map { "item\($0)" }
        let cells = ["p", csvField(timepoint)] + (0..<definition.itemCount).map { k in
            k < answers.count ? answers[k].map(String.init) ?? "" : ""
        }
        return try CSVDocument(parsing: header.joined(separator: ",") + "\n" + cells.joined(separator: ",") + "\n")
    }

    private static func csvField(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func score(answers: [Int?], timepoint: String, definition: InstrumentDefinition) throws -> QuestionnaireScoreSheet {
        let report = try InstrumentScorer.score(document: document(answers: answers, timepoint: timepoint, definition: definition),
                                                instrument: definition)
        return QuestionnaireScoreSheet(
            scores: report.scores.map { .init(measure: $0.measure, score: $0.score, band: $0.band, proratedItems: $0.proratedItems) },
            missing: report.missingScores.map { .init(measure: $0.measure, reason: $0.reason) })
    }
}

/// A hash of everything in a definition that decides a score: the version, the response range, the
/// reverse keys and each scale's items, rule, multiplier and missing-item rule. Norms, bands' wording
/// and citations do not change a score and are left out.
public enum InstrumentFingerprint {
    public static func of(_ definition: InstrumentDefinition) -> String {
        var text = "id=\(definition.id);version=\(definition.version);items=\(definition.itemCount)"
        text += ";range=\(definition.responseRange.min)..\(definition.responseRange.max)"
        text += ";reverse=\(definition.reverseKeyed.map(String.init).joined(separator: ","))"
        for scale in definition.scales {
            let missing = scale.missing
            text += ";scale=\(scale.id)|items=\(scale.items.map(String.init).joined(separator: ","))|rule=\(scale.rule.rawValue)"
            text += "|multiplier=\(scale.multiplier)|reverse=\(scale.appliesReverseKeys)|family=\(scale.family ?? "")"
            text += "|missing=\(missing.method.rawValue),\(missing.maxMissing),\(missing.mustBeAnswered.map(String.init).joined(separator: "+")),\(missing.atLeastOneAnsweredPer ?? "")"
        }
        let digest = SHA256.hash(data: Data(text.utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
