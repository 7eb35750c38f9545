import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Re-scoring stored answers when a definition's scoring rules change")
struct RescoreTests {
    /// PHQ-9 with a different key: the total doubled, under another version.
    static func changedDefinition() throws -> InstrumentDefinition {
        var definition = try QuestionnaireFixtures.definition("phq9")
        definition.version = definition.version + "-doubled"
        definition.scales[0].multiplier = 2
        return definition
    }

    @Test("Scores computed with an older definition are re-scored with the current one, each change audited")
    func rescoresChangedDefinition() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(browser, row, answers: [1, 1, 1, 1, 1, 1, 1, 1, 0])
            let current = try QuestionnaireFixtures.definition("phq9")
            let changed = try Self.changedDefinition()
            #expect(InstrumentFingerprint.of(changed) != InstrumentFingerprint.of(current))

            // The definition is changed: stored scores (from the built-in key) are re-scored with it.
            let library = try InstrumentLibrary(definitions: [changed])
            let result = try await Rescoring.rescore(instrument: "phq9", library: library, on: app.db, now: app.clock.now)
            #expect(result.checked == 1)
            #expect(result.changes == [.init(assignment: row.id!, measure: "phq9.total", old: 8, new: 16)])
            let stored = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(stored.scoreSheet?.score("phq9.total") == 16)
            #expect(stored.scoredWith == changed.version)
            #expect(stored.definitionHash == InstrumentFingerprint.of(changed))
            let audits = try await AuditEventModel.query(on: app.db).filter(\.$action == .questionnaireRescored).all()
            #expect(audits.count == 1)
            #expect(audits.first?.subjectID == row.id)

            // Nothing left to do with the same definition.
            let again = try await Rescoring.rescore(instrument: "phq9", library: library, on: app.db, now: app.clock.now)
            #expect(again.checked == 0 && again.changes.isEmpty)

            // Back to the built-in definition: scored again, with the built-in version.
            let back = try await Rescoring.rescore(instrument: "phq9", on: app.db, now: app.clock.now)
            #expect(back.changes.map(\.new) == [8])
            #expect(try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app).scoredWith == current.version)
        }
    }

    @Test("A definition whose version changed but whose scores do not is re-stamped without an audit event")
    func versionOnlyChange() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(browser, row, answers: [2, 1, 1, 1, 1, 1, 1, 1, 0])
            var renamed = try QuestionnaireFixtures.definition("phq9")
            renamed.version += "-reviewed"
            let result = try await Rescoring.rescore(instrument: "phq9", library: try InstrumentLibrary(definitions: [renamed]),
                                                     on: app.db, now: app.clock.now)
            #expect(result.checked == 1 && result.changes.isEmpty)
            #expect(try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app).scoredWith == renamed.version)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .questionnaireRescored).count() == 0)
        }
    }

    @Test("Re-scoring every instrument (as at start-up) touches only those scored with an earlier definition")
    func rescoreAll() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(browser, row, answers: [1, 1, 1, 1, 1, 1, 1, 1, 0])
            #expect(try await Rescoring.rescoreAll(on: app.db, now: app.clock.now).isEmpty)
            let gad7 = try QuestionnaireFixtures.definition("gad7")
            let library = try InstrumentLibrary(definitions: [try Self.changedDefinition(), gad7])
            let results = try await Rescoring.rescoreAll(library: library, on: app.db, now: app.clock.now)
            #expect(results.map(\.instrument) == ["phq9"])
            #expect(results.first?.changes.map(\.new) == [16])
        }
    }

    @Test("An unknown instrument is refused with the ids that exist")
    func unknownInstrument() async throws {
        try await withTendApp { app in
            await #expect {
                try await Rescoring.rescore(instrument: "nope", on: app.db, now: Date())
            } throws: { error in "\(error)".contains("\"nope\" is not in the library") }
        }
    }
}
