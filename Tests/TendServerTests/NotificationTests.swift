import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Notifications: the one entry point, the list and the unread count")
struct NotificationTests {
    private func at(_ iso: String) -> Date { ParticipantFixtures.instant(iso) }

    @Test("Someone with no choices is notified in the app only, once per key")
    func inAppOnly() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let staff = try await Fixtures.user(.facilitator, on: app)
            let id = try #require(staff.id)
            let now = at("2026-03-02T10:00:00Z")
            let first = try await Notifier.notify(user: id, kind: "check-in", subject: "A new check-in", text: "A participant sent a check-in.",
                                                  link: "/groups", dedupeKey: "check-in:1", on: app.db, now: now, baseURL: app.tend.baseURL)
            #expect(first == .init(inApp: true, email: false, sms: false))
            let again = try await Notifier.notify(user: id, kind: "check-in", subject: "A new check-in", text: "A participant sent a check-in.",
                                                  link: "/groups", dedupeKey: "check-in:1", on: app.db, now: now, baseURL: app.tend.baseURL)
            #expect(again == .init(inApp: false, email: false, sms: false))
            #expect(try await NotificationModel.query(on: app.db).count() == 1)
            #expect(try await OutboxItemModel.query(on: app.db).count() == 0)
        }
    }

    @Test("A participant who chose e-mail and texts gets both, with no unsubscribe link for what is not a reminder")
    func chosenChannels() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                joinedAt: "2026-03-01T10:00:00Z")
            try await participant.get("/my/reminders")
            try await participant.post("/my/reminders", ReminderFixtures.form(["email": "on", "sms": "on", "phone": "+447700900123"]))
            let user = try await ReminderFixtures.user(email: "sam@example.org", on: app)
            let delivery = try await Notifier.notify(user: user, kind: "check-in", subject: "Your facilitator replied",
                                                     text: "Your facilitator replied to your check-in.", link: "/", dedupeKey: "check-in:reply:7",
                                                     on: app.db, now: at("2026-03-02T10:00:00Z"), baseURL: app.tend.baseURL)
            #expect(delivery == .init(inApp: true, email: true, sms: true))
            let rows = try await OutboxItemModel.query(on: app.db).sort(\.$dedupeKey).all()
            #expect(rows.map(\.dedupeKey) == ["check-in:reply:7:email", "check-in:reply:7:sms"])
            #expect(rows.map(\.recipient) == ["sam@example.org", "+447700900123"])
            #expect(rows.allSatisfy { $0.body.contains("Open Tend: http://127.0.0.1:8080/") && !$0.body.contains("unsubscribe") })
        }
    }

    @Test("The list shows one's own notifications that are due, marks them read, and the home page counts the unread")
    func listAndCount() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, hand) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                   joinedAt: "2026-03-02T10:00:00Z")
            let sam = try await ReminderFixtures.user(email: "sam@example.org", on: app)
            let other = try #require(try await Fixtures.user(.participant, email: "kim@example.org", on: app).id)
            let now = at("2026-03-02T10:00:00Z")
            let base = app.tend.baseURL
            try await Notifier.notify(user: sam, kind: "release", subject: "s", text: "Something new is open for you in Tend.",
                                      link: "/my/welcome", dedupeKey: "n1", on: app.db, now: now, baseURL: base)
            try await Notifier.notify(user: sam, kind: "practice", subject: "s", text: "Tomorrow's reminder.", link: nil,
                                      dedupeKey: "n2", on: app.db, now: now, showAt: at("2026-03-03T10:00:00Z"), baseURL: base)
            try await Notifier.notify(user: other, kind: "practice", subject: "s", text: "Kim's own reminder.", link: nil,
                                      dedupeKey: "n3", on: app.db, now: now, baseURL: base)
            let home = try await participant.get("/")
            #expect(home.text.contains("Notifications (1 new)"))
            let list = try await participant.get("/my/notifications")
            #expect(list.status == .ok)
            #expect(list.text.contains("New: </strong><a href=\"/my/welcome\">Something new is open for you in Tend.</a>"))
            #expect(!list.text.contains("Tomorrow&#39;s reminder."))
            #expect(!list.text.contains("Kim&#39;s own reminder."))
            #expect(try await participant.get("/").text.contains("Notifications</a>"))
            #expect(!(try await participant.get("/my/notifications").text.contains("New: ")))
            try await ParticipantFixtures.travel(hand, to: "2026-03-03T10:00:00Z", participant)
            #expect(try await participant.get("/").text.contains("Notifications (1 new)"))
            #expect(try await participant.get("/my/notifications").text.contains("Tomorrow&#39;s reminder.") )
        }
    }
}
