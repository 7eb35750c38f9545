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

    @Test("In the service evaluation, pre falls before the group starts and post after its last session, from the group's own schedule")
    func groupScheduleAnchorsPost() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let answers = ["q-age": "44", "q-self-critical": "yes", "q-group-format": "yes", "q-online-access": "yes",
                           "q-severe-mental-health": "no", "q-can-attend-most": "yes", "q-severe-cognitive": "no"]
            let (study, _, participant) = try await S.consentingParticipant(
                app, staff: researcher, template: "compassionate-living-pain-evaluation", answers: answers)
            let definition = try await S.definition(study, on: app)
            let arm = try #require(definition.arms.first?.programme)
            let facilitator = try await Fixtures.user(.facilitator, on: app)
            let plan = GroupPlan(startDate: LocalDate("2026-03-10")!, weekday: .tuesday, time: LocalTime("18:30")!,
                                 timeZone: TimeZone(identifier: "Europe/London")!)
            let group = GroupModel(name: "Tuesday group", programmeID: arm.id, versionID: arm.version, plan: plan,
                                   callLink: "https://example.org/call", facilitatorID: facilitator.id!)
            try await group.create(on: app.db)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get(S.path(study))
            let saved = try await admin.post(S.path(study) + "/arm-groups", ["arm-group": group.id!.uuidString.lowercased()])
            #expect(saved.status == .seeOther)
            try await S.consentToAll(participant, definition)
            #expect(try await StudyAllocationModel.query(on: app.db).first()?.groupID == group.id)

            let programme = try #require(ParticipantController.Course(group: group)?.programme)
            let schedule = try Schedule(programme: programme, versionID: arm.version, plan: .group(plan))
            let lastSession = try #require(schedule.items.last?.local.date)
            let rows = try await QuestionnaireAssignmentModel.query(on: app.db).all()
            let pre = rows.filter { $0.timepointID == "pre" }
            let post = rows.filter { $0.timepointID == "post" }
            #expect(!pre.isEmpty && pre.count == post.count, "every measure is asked before and after")
            #expect(pre.allSatisfy { $0.opensOn == "2026-02-24" && $0.closesOn == "2026-03-10" }, "the two weeks before the first session")
            #expect(post.allSatisfy { $0.opensOn == lastSession.description && $0.closesOn == lastSession.adding(days: 14).description },
                    "from the last session (\(lastSession)) for two weeks")
            #expect(lastSession > LocalDate("2026-05-01")!, "a ten-session weekly group ends in May")
        }
    }
}
