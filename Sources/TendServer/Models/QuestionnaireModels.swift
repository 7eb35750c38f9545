import Fluent
import Foundation
import TendCore

/// One questionnaire a participant is asked to fill in for a study: an instrument at a timepoint, with
/// its window (dates in the participant's zone), the answers given so far and, once submitted, the
/// scores and the scoring key they were computed with.
final class QuestionnaireAssignmentModel: Model, StoredQuestionnaire, @unchecked Sendable {
    static let schema = "questionnaire_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    /// The study, as a plain id (no foreign key).
    @Field(key: "study_id") var studyID: UUID
    @Field(key: "instrument_id") var instrumentID: String
    @Field(key: "timepoint_id") var timepointID: String
    /// IANA zone the window's dates are in.
    @Field(key: "time_zone") var timeZone: String
    /// `YYYY-MM-DD`, inclusive.
    @Field(key: "opens_on") var opensOn: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "closes_on") var closesOn: String
    /// A ``MeasurementStatus`` raw value.
    @Field(key: "status") var status: String
    /// JSON array, item k at index k − 1, `null` for unanswered.
    @Field(key: "answers") var answersJSON: String
    /// JSON ``QuestionnaireScoreSheet``, once submitted.
    @OptionalField(key: "scores") var scoresJSON: String?
    /// The definition's version the scores were computed with.
    @OptionalField(key: "scored_with") var scoredWith: String?
    /// ``InstrumentFingerprint`` of the definition the scores were computed with.
    @OptionalField(key: "definition_hash") var definitionHash: String?
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    /// When a reminder about it was sent (its window then stays as it was if an anchor moves).
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var key: MeasurementKey { MeasurementKey(measure: instrumentID, timepoint: timepointID) }

    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }

    var window: MeasurementWindow? {
        guard let opens = LocalDate(opensOn), let due = LocalDate(dueOn), let closes = LocalDate(closesOn) else { return nil }
        return MeasurementWindow(key: key, opens: opens, due: due, closes: closes)
    }

    var isSubmitted: Bool { submittedAt != nil }

    func setAnswers(_ answers: [Int?]) {
        answersJSON = String(decoding: (try? JSONEncoder().encode(answers)) ?? Data("[]".utf8), as: UTF8.self)
    }

    var scoreSheet: QuestionnaireScoreSheet? { decodedScoreSheet() }

    func setScoreSheet(_ sheet: QuestionnaireScoreSheet) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        scoresJSON = String(decoding: (try? encoder.encode(sheet)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// What a study's questionnaires are checked with on submission, written by
/// ``QuestionnaireAssignments/plan(for:study:definition:anchors:timeZone:on:now:)``.
final class QuestionnaireStudySettingsModel: Model, @unchecked Sendable {
    static let schema = "questionnaire_study_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "study_id") var studyID: UUID
    /// The timepoint reliable deterioration is measured from.
    @OptionalField(key: "baseline_timepoint") var baselineTimepoint: String?
    /// JSON array of ``RiskItemRule``.
    @Field(key: "risk_items") var riskItemsJSON: String
    /// Hours an unacknowledged alert waits before it is escalated to the admins.
    @Field(key: "escalation_hours") var escalationHours: Double

    init() {}

    var riskItems: [RiskItemRule] {
        (try? JSONDecoder().decode([RiskItemRule].self, from: Data(riskItemsJSON.utf8))) ?? []
    }
}

/// Item wording for one instrument, imported from a FHIR Questionnaire (Tend ships none).
final class WordingPackModel: Model, @unchecked Sendable {
    static let schema = "wording_packs"

    @ID(key: .id) var id: UUID?
    @Field(key: "instrument_id") var instrumentID: String
    @OptionalField(key: "source") var source: String?
    /// JSON ``WordingPack``.
    @Field(key: "pack") var packJSON: String
    @Field(key: "imported_at") var importedAt: Date

    init() {}

    var pack: WordingPack? { try? JSONDecoder().decode(WordingPack.self, from: Data(packJSON.utf8)) }
}

/// A safety alert raised by TendCore's ``SafetyRules`` on a submitted questionnaire: open until a
/// facilitator acknowledges it with a note, escalated to the admins when left too long.
final class SafetyAlertModel: Model, @unchecked Sendable {
    static let schema = "alerts"

    @ID(key: .id) var id: UUID?
    /// ``SafetyAlert/key`` scoped to the study: the same finding re-checked gives the same key.
    @Field(key: "alert_key") var key: String
    @Parent(key: "user_id") var user: UserModel
    @OptionalField(key: "study_id") var studyID: UUID?
    @OptionalParent(key: "assignment_id") var assignment: QuestionnaireAssignmentModel?
    /// A ``SafetyAlert/Kind`` raw value.
    @Field(key: "kind") var kind: String
    @Field(key: "measure") var measure: String
    @Field(key: "timepoint") var timepoint: String
    @Field(key: "value") var value: Double
    @Field(key: "threshold") var threshold: Double
    /// TendCore's explanation (scores and thresholds, never answer wording).
    @Field(key: "detail") var detail: String
    @Field(key: "raised_at") var raisedAt: Date
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalParent(key: "acknowledged_by") var acknowledgedBy: UserModel?
    /// The facilitator's note on acknowledging (kept here, never logged).
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?

    init() {}

    var alertKind: SafetyAlert.Kind? { SafetyAlert.Kind(rawValue: kind) }
}

/// The stored columns a questionnaire's status, answers and scores are read from, whether they come as a
/// whole model or as a plain row (the exports read hundreds of thousands without building models).
protocol StoredQuestionnaire {
    /// A ``MeasurementStatus`` raw value.
    var status: String { get }
    /// JSON array, item k at index k − 1, `null` for unanswered.
    var answersJSON: String { get }
    /// JSON ``QuestionnaireScoreSheet``, once submitted.
    var scoresJSON: String? { get }
}

extension StoredQuestionnaire {
    var measurementStatus: MeasurementStatus { MeasurementStatus(rawValue: status) ?? .upcoming }

    /// The answers, padded or cut to `count` items.
    func answers(count: Int, decoder: JSONDecoder = JSONDecoder()) -> [Int?] {
        let decoded = StoredJSON.answers(answersJSON, decoder: decoder) ?? []
        return (0..<count).map { $0 < decoded.count ? decoded[$0] : nil }
    }

    /// The stored scores, when there are any that read.
    func decodedScoreSheet(decoder: JSONDecoder = JSONDecoder()) -> QuestionnaireScoreSheet? {
        scoresJSON.flatMap { StoredJSON.scoreSheet($0, decoder: decoder) }
    }
}

/// Stored answers and score sheets read as `JSONDecoder` reads them, but without its machinery when the
/// text has the shape Tend writes (``JSONText``): exports and dashboards read them by the hundred
/// thousand. Any other text (a number where an integer belongs, a repeated key, a missing field) goes to
/// `JSONDecoder` itself, so the outcome is always the decoder's.
enum StoredJSON {
    static func answers(_ text: String, decoder: JSONDecoder) -> [Int?]? {
        if let items = JSONText.parse(text)?.array {
            var out: [Int?] = []
            out.reserveCapacity(items.count)
            for item in items {
                if item == .null { out.append(nil) } else if let v = item.int { out.append(v) } else { break }
            }
            if out.count == items.count { return out }
        }
        return try? decoder.decode([Int?].self, from: Data(text.utf8))
    }

    static func scoreSheet(_ text: String, decoder: JSONDecoder) -> QuestionnaireScoreSheet? {
        if let value = JSONText.parse(text), let sheet = QuestionnaireScoreSheet(json: value) { return sheet }
        return try? decoder.decode(QuestionnaireScoreSheet.self, from: Data(text.utf8))
    }
}

extension QuestionnaireScoreSheet {
    /// The sheet from a parsed value with exactly the fields its `Codable` form needs (other keys are
    /// ignored, as the decoder ignores them); nil for anything else.
    init?(json: JSONText.Value) {
        guard let top = json.members, let scores = top["scores"]?.array, let missing = top["missing"]?.array else { return nil }
        var sheet = QuestionnaireScoreSheet(scores: [], missing: [])
        sheet.scores.reserveCapacity(scores.count)
        for item in scores {
            guard let fields = item.members, let measure = fields["measure"]?.string, let score = fields["score"]?.double,
                  let prorated = fields["proratedItems"]?.array else { return nil }
            var band: String? = nil
            if let b = fields["band"], b != .null {
                guard let text = b.string else { return nil }
                band = text
            }
            let items = prorated.compactMap(\.int)
            guard items.count == prorated.count else { return nil }
            sheet.scores.append(Score(measure: measure, score: score, band: band, proratedItems: items))
        }
        for item in missing {
            guard let fields = item.members, let measure = fields["measure"]?.string, let reason = fields["reason"]?.string else { return nil }
            sheet.missing.append(Missing(measure: measure, reason: reason))
        }
        self = sheet
    }
}
