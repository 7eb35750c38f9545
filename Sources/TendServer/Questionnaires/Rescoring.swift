import Fluent
import Foundation
import TendCore

/// Re-scores stored answers with the current definition. Every stored score carries the definition's
/// version and ``InstrumentFingerprint``; when the fingerprint differs (the scoring rules changed),
/// the answers are scored again, and each assignment whose scores changed gets an audit event.
public enum Rescoring {
    public struct Change: Sendable, Equatable {
        public var assignment: UUID
        public var measure: String
        public var old: Double?
        public var new: Double?
    }

    public struct Result: Sendable, Equatable {
        public var instrument: String
        /// Submitted questionnaires scored with an older definition.
        public var checked: Int
        public var changes: [Change]
    }

    /// Re-scores, for every instrument of `library`, the submitted questionnaires scored with an
    /// earlier definition (what `tend serve` does at start-up). Returns the instruments with any.
    public static func rescoreAll(library: InstrumentLibrary? = nil, on db: any Database, now: Date) async throws -> [Result] {
        let library = try library ?? QuestionnaireScoring.library()
        var results: [Result] = []
        for definition in library.definitions {
            let result = try await rescore(instrument: definition.id, library: library, on: db, now: now)
            if result.checked > 0 { results.append(result) }
        }
        return results
    }

    /// Re-scores every submitted `instrument` questionnaire whose stored fingerprint is not the
    /// current definition's (in `library`, the built-in one by default).
    public static func rescore(instrument: String, library: InstrumentLibrary? = nil, on db: any Database, now: Date) async throws -> Result {
        let library = try library ?? QuestionnaireScoring.library()
        guard let definition = library.instrument(instrument) else {
            throw InstrumentInputError(description: "instrument \"\(instrument)\" is not in the library; expected one of \(library.definitions.map(\.id).joined(separator: ", "))")
        }
        let fingerprint = InstrumentFingerprint.of(definition)
        // Only rows scored with another fingerprint are read, a batch at a time, each batch in its own
        // transaction: a start-up with nothing to do reads nothing, and a large re-scoring never holds the
        // database for long. A re-scored row carries the new fingerprint, so the next batch skips it.
        var checked = 0
        var changes: [Change] = []
        while true {
            let batch = try await db.transaction { db -> (count: Int, changes: [Change]) in
                let rows = try await QuestionnaireAssignmentModel.query(on: db)
                    .filter(\.$instrumentID == instrument).filter(\.$submittedAt != nil)
                    .group(.or) { $0.filter(\.$definitionHash == nil).filter(\.$definitionHash != fingerprint) }
                    .sort(\.$id).limit(batchSize).all()
                var changes: [Change] = []
                for row in rows {
                    let old = row.scoreSheet
                    let new = try QuestionnaireScoring.score(answers: row.answers(count: definition.itemCount), timepoint: row.timepointID,
                                                             definition: definition)
                    var measures: [String] = []
                    for m in (old?.scores.map(\.measure) ?? []) + new.scores.map(\.measure) where !measures.contains(m) { measures.append(m) }
                    let changed = measures.compactMap { measure -> Change? in
                        let before = old?.score(measure), after = new.score(measure)
                        return before == after ? nil : Change(assignment: row.id!, measure: measure, old: before, new: after)
                    }
                    row.setScoreSheet(new)
                    row.scoredWith = definition.version
                    row.definitionHash = fingerprint
                    row.updatedAt = now
                    try await row.save(on: db)
                    for _ in changed {
                        try await AuditLog.record(.questionnaireRescored, actor: nil, subject: .questionnaire(row.id), on: db, at: now)
                    }
                    changes += changed
                }
                return (rows.count, changes)
            }
            checked += batch.count
            changes += batch.changes
            if batch.count < batchSize { break }
        }
        return Result(instrument: instrument, checked: checked, changes: changes)
    }

    /// Rows re-scored per transaction.
    static let batchSize = 500
}
