import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Allocation is where a participant's questionnaires are planned from the study's schedule.
@Suite("Questionnaires planned at allocation")
struct StudyQuestionnairePlanTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    @Test("Consenting in the online painkillers trial plans the baseline and post windows; baseline (anchored on consent) shows on the home page at once")
    func consentPlansQuestionnaires() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let answers = ["q-age": "44", "q-pain-months": "30", "q-takes-painkillers": "yes", "q-online-access": "yes"]
            let (study, _, participant) = try await S.consentingParticipant(
                app, staff: researcher, template: "compassionate-mind-painkillers-trial", answers: answers)
            let definition = try await S.definition(study, on: app)
            try await S.consentToAll(participant, definition)
            #expect(try await StudyAllocationModel.query(on: app.db).count() == 1)

            let rows = try await QuestionnaireAssignmentModel.query(on: app.db).all()
            let baseline = rows.filter { $0.timepointID == "baseline" }
            let expectedBaseline = Set(definition.schedule.filter { $0.timepoints.contains("baseline") }.compactMap(\.instrument))
            #expect(Set(baseline.map(\.instrumentID)) == expectedBaseline)
            #expect(!baseline.isEmpty)
            for row in baseline {
                #expect(row.studyID == study)
                #expect(row.opensOn == "2026-03-05", "the window opens on the consent day")
                #expect(row.closesOn == "2026-03-12", "and closes 7 days later")
            }
            let home = try await participant.get("/")
            #expect(home.text.contains("Questionnaires to fill in"))
        }
    }
}
