import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

/// A small study measuring PHQ-9 (and DASS-21) at baseline and after the programme, and participants
/// planned into it.
enum QuestionnaireFixtures {
    static let studyID = UUID(uuidString: "5A1D0000-0000-4000-8000-000000000001")!
    static let london = TimeZone(identifier: "Europe/London")!

    /// Baseline: due on the consent date, open that day and 7 days after. Post: due at programme end,
    /// open that day and 7 days after.
    static func study(instruments: [String] = ["phq9"], riskItems: [RiskItemRule] = []) -> StudyDefinition {
        StudyDefinition(
            id: "questionnaire-test", title: "Questionnaire test study", publicTitle: "A study of wellbeing",
            design: .singleArm, arms: [StudyArm(id: "all", name: "Everyone", role: .active)],
            timepoints: [
                Timepoint(id: "baseline", kind: .baseline, anchor: .consent, daysBefore: 0, daysAfter: 7),
                Timepoint(id: "post", kind: .post, anchor: .programmeEnd, daysBefore: 0, daysAfter: 7),
            ],
            schedule: instruments.map { ScheduledMeasure(instrument: $0, timepoints: ["baseline", "post"]) },
            riskItems: riskItems)
    }

    static let anchors = ParticipantAnchors(consent: LocalDate("2026-03-02")!, programmeEnd: LocalDate("2026-04-27")!)

    static func definition(_ id: String) throws -> InstrumentDefinition {
        try #require(try QuestionnaireScoring.library().instrument(id))
    }

    /// A participant account (not in any group), signed in on 2 March 2026 at 09:00 London time, with
    /// the study's questionnaires planned.
    static func participant(_ app: Application, email: String = "pat@example.org", study: StudyDefinition = study())
        async throws -> (user: UserModel, browser: Browser, clock: SettableClock) {
        let hand = ParticipantFixtures.clock(app, at: "2026-03-02T09:00:00Z")
        let user = try await Fixtures.user(.participant, email: email, name: "Pat", on: app)
        try await QuestionnaireAssignments.plan(for: try user.requireID(), study: studyID, definition: study, anchors: anchors,
                                                timeZone: london, on: app.db, now: app.clock.now)
        let browser = try await ParticipantFixtures.signIn(user, on: app)
        return (user, browser, hand)
    }

    static func assignment(_ user: UserModel, _ instrument: String = "phq9", at timepoint: String, on app: Application)
        async throws -> QuestionnaireAssignmentModel {
        try #require(try await QuestionnaireAssignmentModel.query(on: app.db)
            .filter(\.$user.$id == user.requireID()).filter(\.$instrumentID == instrument)
            .filter(\.$timepointID == timepoint).first())
    }

    static func path(_ row: QuestionnaireAssignmentModel) -> String { "/my/questionnaires/" + row.id!.uuidString.lowercased() }

    /// Answers every item through the pages, one screen at a time, then submits.
    static func answerAndSubmit(_ browser: Browser, _ row: QuestionnaireAssignmentModel, answers: [Int]) async throws {
        let path = path(row)
        try await browser.get(path)
        for (index, value) in answers.enumerated() {
            let response = try await browser.post(path, ["item": String(index + 1), "answer": String(value), "move": "next"])
            #expect(response.status == .seeOther, "item \(index + 1): \(response.status)")
            try await browser.get(response.location ?? path)
        }
        let submitted = try await browser.post(path + "/submit", [:])
        #expect(submitted.status == .seeOther)
    }

    /// The scorer's own result on the same answers, as `tend score` would compute it from a file.
    static func scorerScore(_ answers: [Int?], definition: InstrumentDefinition, measure: String) throws -> Double? {
        let header = "participant,timepoint," + (1...definition.itemCount).map { "item\($0)" }.joined(separator: ",")
        let row = "p1,baseline," + answers.map { $0.map(String.init) ?? "" }.joined(separator: ",")
        let report = try InstrumentScorer.score(document: try CSVDocument(parsing: header + "\n" + row + "\n"), instrument: definition)
        return report.scores.first { $0.measure == measure }?.score
    }
}
