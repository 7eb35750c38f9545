import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

/// Study questionnaires are reminded when their window opens and again the day before it closes if
/// still not submitted, through the notifier, never naming the instrument, and never twice.
@Suite("Questionnaire reminders")
struct QuestionnaireReminderTests {
    typealias Q = QuestionnaireFixtures
    typealias F = ParticipantFixtures

    private func run(_ app: Application, at iso: String) async throws -> Int {
        try await QuestionnaireReminders.run(on: app.db, now: F.instant(iso), baseURL: app.tend.baseURL)
    }

    private func notes(_ app: Application, _ user: UserModel) async throws -> [NotificationModel] {
        try await NotificationModel.query(on: app.db).filter(\.$user.$id == user.requireID()).sort(\.$dedupeKey).all()
    }

    @Test("A window that opens is reminded once, in the app, without the instrument's name; reminded_at is set on it alone")
    func openingReminder() async throws {
        try await withTendApp { app in
            let (user, _, _) = try await Q.participant(app, study: Q.study(instruments: ["phq9", "dass21"]))
            #expect(try await run(app, at: "2026-03-02T09:00:00Z") == 1, "both baseline questionnaires in one reminder")
            #expect(try await run(app, at: "2026-03-02T09:10:00Z") == 0, "nothing twice")
            let written = try await notes(app, user)
            #expect(written.count == 1)
            let note = try #require(written.first)
            let id = try user.requireID().uuidString.lowercased()
            #expect(note.dedupeKey == "questionnaire-open:\(id):\(Q.studyID.uuidString.lowercased()):baseline:2026-03-02")
            #expect(note.kind == "questionnaire")
            #expect(note.link == "/")
            #expect(note.text.contains("Monday 9 March"), "says when the questions close: \(note.text)")
            for name in ["PHQ", "phq9", "DASS", "dass21", "depress", "anxiety"] {
                #expect(!note.text.localizedCaseInsensitiveContains(name), "no instrument content: \(name)")
            }
            for instrument in ["phq9", "dass21"] {
                let baseline = try await Q.assignment(user, instrument, at: "baseline", on: app)
                #expect(baseline.remindedAt == F.instant("2026-03-02T09:00:00Z"))
                let post = try await Q.assignment(user, instrument, at: "post", on: app)
                #expect(post.remindedAt == nil, "a window not yet open is not reminded")
            }
        }
    }

    @Test("The day before a window closes, an unsubmitted questionnaire is reminded again; a submitted one is not")
    func closingReminder() async throws {
        try await withTendApp { app in
            let (user, browser, hand) = try await Q.participant(app)
            let other = try await Fixtures.user(.participant, email: "kim@example.org", name: "Kim", on: app)
            try await QuestionnaireAssignments.plan(for: try other.requireID(), study: Q.studyID, definition: Q.study(), anchors: Q.anchors,
                                                    timeZone: Q.london, on: app.db, now: app.clock.now)
            #expect(try await run(app, at: "2026-03-02T09:00:00Z") == 2)
            // Kim answers on the 5th; Pat does not.
            let kimBrowser = try await F.signIn(other, on: app)
            try await F.travel(hand, to: "2026-03-05T09:00:00Z", browser, kimBrowser)
            try await Q.answerAndSubmit(kimBrowser, try await Q.assignment(other, at: "baseline", on: app), answers: Array(repeating: 1, count: 9))
            #expect(try await run(app, at: "2026-03-05T09:00:00Z") == 0, "too early for the closing reminder")
            #expect(try await run(app, at: "2026-03-08T09:00:00Z") == 1, "the day before it closes")
            #expect(try await run(app, at: "2026-03-09T09:00:00Z") == 0, "and only once")
            let pat = try await notes(app, user).map(\.dedupeKey)
            #expect(pat.count == 2)
            #expect(pat.contains { $0.hasPrefix("questionnaire-closing:") && $0.hasSuffix(":baseline:2026-03-09") })
            #expect(try await notes(app, other).map(\.dedupeKey).allSatisfy { $0.hasPrefix("questionnaire-open:") })
            let closing = try #require(try await notes(app, user).first { $0.dedupeKey.hasPrefix("questionnaire-closing:") })
            #expect(closing.text.contains("Monday 9 March"))
            // After the window closed the questionnaire is missed, and nothing more is sent.
            #expect(try await run(app, at: "2026-03-10T09:00:00Z") == 0)
        }
    }

    @Test("A participant who chose e-mail gets it there too, held until their quiet hours end")
    func emailOutOfQuietHours() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, _, _) = try await Q.participant(app)
            let preferences = ReminderPreferenceModel()
            preferences.$user.id = try user.requireID()
            preferences.weekdays = ""
            preferences.practiceTime = "19:00"
            preferences.timeZone = "Europe/London"
            preferences.quietStart = "21:00"
            preferences.quietEnd = "08:00"
            preferences.meetingLeads = ""
            preferences.releases = false
            preferences.byEmail = true
            preferences.bySMS = false
            preferences.unsubscribeSecret = "secret"
            preferences.updatedAt = app.clock.now
            try await preferences.create(on: app.db)
            #expect(try await run(app, at: "2026-03-02T22:30:00Z") == 1)
            let outbox = try await ReminderFixtures.outbox(on: app)
            #expect(outbox.count == 1)
            let mail = try #require(outbox.first)
            #expect(mail.key.hasPrefix("questionnaire-open:") && mail.key.hasSuffix(":email"))
            #expect(mail.nextAttemptAt == F.instant("2026-03-03T08:00:00Z"), "held until 08:00 London time")
            #expect(!mail.body.localizedCaseInsensitiveContains("phq"))
        }
    }

    @Test("A participant who withdrew from the study is not reminded")
    func withdrawnNotReminded() async throws {
        try await withTendApp { app in
            let (user, _, _) = try await Q.participant(app)
            let owner = try await Fixtures.user(.researcher, email: "owner@example.org", on: app)
            let study = try StudyModel(definition: Q.study(), createdByID: owner.requireID())
            study.id = Q.studyID
            try await study.create(on: app.db)
            let screening = StudyScreeningModel(studyID: Q.studyID, number: 1, approachedOn: LocalDate("2026-03-01")!)
            screening.$user.id = try user.requireID()
            screening.exitKind = .withdrawn
            try await screening.create(on: app.db)
            #expect(try await run(app, at: "2026-03-02T09:00:00Z") == 0)
            #expect(try await notes(app, user).isEmpty)
        }
    }

    @Test("The periodic planner pass (serve and worker) sends questionnaire reminders")
    func plannerPassSends() async throws {
        try await withTendApp { app in
            let (user, _, _) = try await Q.participant(app)
            await ReminderPlannerLoop.pass(database: app.db, now: F.instant("2026-03-02T10:00:00Z"), baseURL: app.tend.baseURL,
                                           logger: app.logger, activitySources: app.activitySources)
            #expect(try await notes(app, user).map(\.dedupeKey).contains { $0.hasPrefix("questionnaire-open:") })
        }
    }
}
