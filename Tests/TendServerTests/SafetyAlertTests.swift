import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Safety alerts on submitted questionnaires")
struct SafetyAlertTests {
    /// A facilitator's group with Sam in it, and Sam's questionnaires planned in the test study.
    static func enrolledParticipant(_ app: Application, study: StudyDefinition = QuestionnaireFixtures.study())
        async throws -> (facilitator: Browser, group: UUID, participant: Browser, user: UserModel, clock: SettableClock) {
        let (facilitator, group, participant, hand) = try await ParticipantFixtures.enrolled(
            app, group: ParticipantFixtures.meetingGroup, joinedAt: "2026-03-02T09:00:00Z")
        let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first())
        try await QuestionnaireAssignments.plan(for: try user.requireID(), study: QuestionnaireFixtures.studyID, definition: study,
                                                anchors: QuestionnaireFixtures.anchors, timeZone: QuestionnaireFixtures.london,
                                                on: app.db, now: app.clock.now)
        return (facilitator, group, participant, user, hand)
    }

    static func alertMessages(on db: any Database) async throws -> [OutboxItemModel] {
        try await OutboxItemModel.query(on: db).all().filter { $0.dedupeKey.hasPrefix("safety-alert:") }
    }

    @Test("PHQ-9 item 9 above 0 stores an alert, e-mails the facilitator without answers, and shows the participant where to get urgent help")
    func phq9Item9() async throws {
        try await withTendApp({ $0.urgentHelp = "Call the crisis line on 0800 000 000 or go to your nearest emergency department." }) { app in
            let (_, _, participant, user, _) = try await Self.enrolledParticipant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: [1, 1, 1, 1, 1, 1, 1, 1, 2])
            let done = try await participant.get(QuestionnaireFixtures.path(row))
            #expect(done.text.contains("If you need help now"))
            #expect(done.text.contains("Call the crisis line on 0800 000 000"))

            let alerts = try await SafetyAlertModel.query(on: app.db).all()
            #expect(alerts.count == 1)
            let alert = try #require(alerts.first)
            #expect(alert.kind == SafetyAlert.Kind.phq9Item9.rawValue)
            #expect(alert.measure == "phq9.item9")
            #expect(alert.value == 2)
            #expect(alert.key.hasPrefix(QuestionnaireFixtures.studyID.uuidString.lowercased() + "|"))

            let messages = try await Self.alertMessages(on: app.db)
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message.recipient == "facilitator@example.org")
            #expect(message.channel == .email)
            #expect(message.body.contains("/alerts"))
            #expect(!message.body.contains("Sam") && !message.body.contains("item 9") && !message.body.contains("PHQ"))
        }
    }

    @Test("A questionnaire that raises nothing shows no urgent-help panel and sends nothing")
    func noAlert() async throws {
        try await withTendApp { app in
            let (_, _, participant, user, _) = try await Self.enrolledParticipant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: [1, 1, 1, 1, 1, 1, 1, 1, 0])
            let done = try await participant.get(QuestionnaireFixtures.path(row))
            #expect(!done.text.contains("If you need help now"))
            #expect(try await SafetyAlertModel.query(on: app.db).count() == 0)
            #expect(try await Self.alertMessages(on: app.db).isEmpty)
        }
    }

    @Test("The default urgent-help text points to emergency services and the care team")
    func defaultUrgentHelp() async throws {
        try await withTendApp { app in
            let (_, _, participant, user, _) = try await Self.enrolledParticipant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: [0, 0, 0, 0, 0, 0, 0, 0, 1])
            let done = try await participant.get(QuestionnaireFixtures.path(row))
            #expect(done.text.contains("local emergency services"))
            #expect(done.text.contains("care team"))
        }
    }

    @Test("DASS-21 in the extremely severe band and a study risk item raise alerts")
    func dassAndStudyRiskItem() async throws {
        try await withTendApp { app in
            let study = QuestionnaireFixtures.study(instruments: ["dass21"], riskItems: [RiskItemRule(instrument: "dass21", item: 21, atOrAbove: 2)])
            let (_, _, participant, user, _) = try await Self.enrolledParticipant(app, study: study)
            let row = try await QuestionnaireFixtures.assignment(user, "dass21", at: "baseline", on: app)
            var answers = Array(repeating: 0, count: 21)
            for item in [3, 5, 10, 13, 16, 17, 21] { answers[item - 1] = 3 }   // depression items: 2 × 21 = 42
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: answers)
            let kinds = Set(try await SafetyAlertModel.query(on: app.db).all().map { "\($0.kind) \($0.measure)" })
            #expect(kinds.contains("extremely-severe dass21.depression"))
            #expect(kinds.contains("risk-item dass21.item21"))
        }
    }

    @Test("Reliable deterioration against the participant's baseline, with the study sample's baseline SD")
    func reliableDeterioration() async throws {
        try await withTendApp { app in
            let (_, _, participant, user, hand) = try await Self.enrolledParticipant(app)
            // Ten other participants' baselines give the study's baseline SD.
            let definition = try QuestionnaireFixtures.definition("phq9")
            for n in 0..<10 {
                let other = try await Fixtures.user(.participant, email: "b\(n)@example.org", on: app)
                try await QuestionnaireAssignments.plan(for: try other.requireID(), study: QuestionnaireFixtures.studyID,
                                                        definition: QuestionnaireFixtures.study(), anchors: QuestionnaireFixtures.anchors,
                                                        timeZone: QuestionnaireFixtures.london, on: app.db, now: app.clock.now)
                let row = try await QuestionnaireFixtures.assignment(other, at: "baseline", on: app)
                let answers: [Int?] = (0..<9).map { $0 < 8 ? n % 4 : 0 }
                row.setAnswers(answers)
                row.setScoreSheet(try QuestionnaireScoring.score(answers: answers, timepoint: "baseline", definition: definition))
                row.submittedAt = app.clock.now
                row.status = MeasurementStatus.completedOnTime.rawValue
                try await row.save(on: app.db)
            }
            let baseline = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, baseline, answers: [0, 0, 0, 0, 0, 0, 0, 0, 0])
            try await ParticipantFixtures.travel(hand, to: "2026-04-28T09:00:00Z", participant)
            let post = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, post, answers: [3, 3, 3, 3, 3, 3, 3, 3, 0])
            let alerts = try await SafetyAlertModel.query(on: app.db).all()
            let deterioration = try #require(alerts.first { $0.kind == SafetyAlert.Kind.reliableDeterioration.rawValue })
            #expect(deterioration.measure == "phq9.total")
            #expect(deterioration.timepoint == "post")
            #expect(deterioration.value > 1.96)
        }
    }

    @Test("The facilitator sees the group's open alerts and acknowledges one with a required note, kept and not logged")
    func acknowledge() async throws {
        try await withTendApp { app in
            let (facilitator, group, participant, user, _) = try await Self.enrolledParticipant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: [0, 0, 0, 0, 0, 0, 0, 0, 1])
            let alert = try #require(try await SafetyAlertModel.query(on: app.db).first())
            let alertsPath = "/groups/\(group.uuidString.lowercased())/alerts"
            let groupPage = try await facilitator.get("/groups/\(group.uuidString.lowercased())")
            #expect(groupPage.text.contains(alertsPath))
            let page = try await facilitator.get(alertsPath)
            #expect(page.status == .ok)
            #expect(page.text.contains("Sam"))
            #expect(page.text.contains("PHQ-9 item 9"))
            let acknowledge = alertsPath + "/\(alert.id!.uuidString.lowercased())/acknowledge"

            let empty = try await facilitator.post(acknowledge, ["note": "   "])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Enter a note of what was done about this alert"))
            #expect(empty.text.contains("href=\"#note-\(alert.id!.uuidString.lowercased())\""))

            let note = "Phoned Sam, safety plan reviewed."
            let done = try await facilitator.post(acknowledge, ["note": note])
            #expect(done.status == .seeOther)
            let stored = try #require(try await SafetyAlertModel.find(alert.id, on: app.db))
            #expect(stored.note == note)
            #expect(stored.acknowledgedAt != nil)
            let after = try await facilitator.get(alertsPath)
            #expect(after.text.contains("There are no open alerts."))
            let events = try await AuditEventModel.query(on: app.db).all()
            #expect(events.contains { $0.action == .safetyAlertAcknowledged && $0.subjectID == alert.id })
            #expect(events.contains { $0.action == .safetyAlertsViewed })
        }
    }

    @Test("Another facilitator cannot see or acknowledge the group's alerts")
    func otherFacilitator() async throws {
        try await withTendApp { app in
            let (_, group, participant, user, _) = try await Self.enrolledParticipant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: [0, 0, 0, 0, 0, 0, 0, 0, 1])
            let alert = try #require(try await SafetyAlertModel.query(on: app.db).first())
            let other = try await Fixtures.user(.facilitator, email: "other-facilitator@example.org", on: app)
            let browser = try await ParticipantFixtures.signIn(other, on: app)
            let alertsPath = "/groups/\(group.uuidString.lowercased())/alerts"
            #expect(try await browser.get(alertsPath).status == .forbidden)
            #expect(try await browser.post(alertsPath + "/\(alert.id!.uuidString.lowercased())/acknowledge", ["note": "x"]).status == .forbidden)
            #expect(try await participant.get(alertsPath).status != .ok)
        }
    }

    @Test("An alert left unacknowledged past 24 hours is escalated and the admins are told, once")
    func escalation() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.user(.admin, on: app)
            let (_, _, participant, user, hand) = try await Self.enrolledParticipant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await QuestionnaireFixtures.answerAndSubmit(participant, row, answers: [0, 0, 0, 0, 0, 0, 0, 0, 1])
            let base = app.tend.baseURL
            hand.set(ParticipantFixtures.instant("2026-03-03T08:00:00Z"))
            #expect(try await SafetyAlerts.escalate(now: app.clock.now, baseURL: base, on: app.db) == 0)
            hand.set(ParticipantFixtures.instant("2026-03-03T10:00:00Z"))
            #expect(try await SafetyAlerts.escalate(now: app.clock.now, baseURL: base, on: app.db) == 1)
            #expect(try await SafetyAlerts.escalate(now: app.clock.now, baseURL: base, on: app.db) == 0)
            let alert = try #require(try await SafetyAlertModel.query(on: app.db).first())
            #expect(alert.escalatedAt != nil)
            let escalations = try await Self.alertMessages(on: app.db).filter { $0.dedupeKey.contains(":escalated:") }
            #expect(escalations.map(\.recipient) == [admin.email])
        }
    }
}
