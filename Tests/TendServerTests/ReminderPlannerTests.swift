import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TendServer

// London goes from GMT to BST at 01:00 UTC on Sunday 29 March 2026: 08:00 on Saturday 28 March is
// 08:00Z, 08:00 on Sunday 29 March is 07:00Z. The Tuesday group meets at 18:30: 17:30Z from 31 March.

@Suite("Reminder planner: what goes in the outbox and the notifications, and when")
struct ReminderPlannerTests {
    private func at(_ iso: String) -> Date { ParticipantFixtures.instant(iso) }

    private func setUp(_ app: Application, _ choices: [String: String]) async throws -> (UUID, Browser, SettableClock) {
        let (_, _, participant, hand) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                              joinedAt: "2026-03-01T10:00:00Z")
        try await participant.get("/my/reminders")
        let response = try await participant.post("/my/reminders", ReminderFixtures.form(choices))
        #expect(response.status == .seeOther)
        return (try await ReminderFixtures.user(email: "sam@example.org", on: app), participant, hand)
    }

    @Test("Practice reminders keep their wall-clock time across the clock change, by e-mail and in the app")
    func acrossClockChange() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, _, _) = try await setUp(app, ["weekday6": "on", "weekday7": "on", "practiceTime": "08:00", "email": "on"])
            let id = user.uuidString.lowercased()
            let written = try await ReminderPlanner.run(on: app.db, now: at("2026-03-28T09:00:00Z"), baseURL: app.tend.baseURL)
            #expect(written == 1)
            let outbox = try await ReminderFixtures.outbox(on: app)
            #expect(outbox.map(\.key) == ["practice:\(id):20260329T070000Z:email"])
            #expect(outbox.first?.dueAt == at("2026-03-29T07:00:00Z"))
            #expect(outbox.first?.nextAttemptAt == at("2026-03-29T07:00:00Z"))
            #expect(outbox.first?.body.contains("http://127.0.0.1:8080/unsubscribe/\(id).practice.") == true)
            let notes = try await ReminderFixtures.notifications(on: app)
            #expect(notes.map(\.dedupeKey) == ["practice:\(id):20260329T070000Z"])
            #expect(notes.first?.createdAt == at("2026-03-29T07:00:00Z"))
        }
    }

    @Test("Running the planner again, or twice at once, writes nothing twice")
    func idempotent() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            _ = try await setUp(app, ["weekday6": "on", "weekday7": "on", "practiceTime": "08:00", "email": "on", "sms": "on",
                                      "phone": "+447700900123"])
            let now = at("2026-03-28T06:00:00Z")
            async let first = ReminderPlanner.run(on: app.db, now: now, baseURL: app.tend.baseURL)
            async let second = ReminderPlanner.run(on: app.db, now: now, baseURL: app.tend.baseURL)
            let together = try await first + second
            #expect(together == 2)
            let outbox = try await ReminderFixtures.outbox(on: app)
            #expect(outbox.count == 4)
            #expect(try await ReminderFixtures.notifications(on: app).count == 2)
            #expect(try await ReminderPlanner.run(on: app.db, now: now.addingTimeInterval(600), baseURL: app.tend.baseURL) == 0)
            #expect(try await ReminderFixtures.outbox(on: app) == outbox)
            #expect(try await ReminderFixtures.notifications(on: app).count == 2)
        }
    }

    @Test("A reminder due in the quiet hours waits until they end; its due time is kept")
    func quietHours() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, _, _) = try await setUp(app, ["weekday7": "on", "practiceTime": "08:00", "email": "on",
                                                     "quietStart": "07:30", "quietEnd": "09:30"])
            let id = user.uuidString.lowercased()
            try await ReminderPlanner.run(on: app.db, now: at("2026-03-28T12:00:00Z"), baseURL: app.tend.baseURL)
            let outbox = try await ReminderFixtures.outbox(on: app)
            #expect(outbox.map(\.key) == ["practice:\(id):20260329T070000Z:email"])
            #expect(outbox.first?.dueAt == at("2026-03-29T07:00:00Z"))
            #expect(outbox.first?.nextAttemptAt == at("2026-03-29T08:30:00Z"))
            #expect(try await ReminderFixtures.notifications(on: app).first?.createdAt == at("2026-03-29T08:30:00Z"))
        }
    }

    @Test("Meeting reminders follow the group's wall-clock time after the clock change")
    func meetingReminders() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, _, _) = try await setUp(app, ["meetingHourBefore": "on", "meetingDayBefore": "on", "email": "on"])
            let id = user.uuidString.lowercased()
            try await ReminderPlanner.run(on: app.db, now: at("2026-03-30T12:00:00Z"), baseURL: app.tend.baseURL)
            // (Saving on 1 March already planned the day-before reminder of the first meeting.)
            let outbox = try await ReminderFixtures.outbox(on: app).filter { $0.key.contains("20260331") }
            #expect(outbox.map(\.key) == ["meeting:\(id):day-before:20260331T173000Z:email",
                                          "meeting:\(id):hour-before:20260331T173000Z:email"])
            #expect(outbox.map(\.dueAt) == [at("2026-03-30T17:30:00Z"), at("2026-03-31T16:30:00Z")])
            let notes = try await ReminderFixtures.notifications(on: app).filter { $0.dedupeKey.contains("20260331") }
            #expect(notes.map(\.text) == ["Your group meets tomorrow, Tuesday 31 March, at 18:30.", "Your group meets at 18:30 today."])
        }
    }

    @Test("Changing choices replaces reminders not yet sent and leaves sent ones alone")
    func recomputeOnChange() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (user, participant, hand) = try await setUp(app, ["weekday6": "on", "weekday7": "on", "practiceTime": "08:00", "email": "on"])
            let id = user.uuidString.lowercased()
            try await ReminderPlanner.run(on: app.db, now: at("2026-03-28T06:00:00Z"), baseURL: app.tend.baseURL)
            #expect(try await ReminderFixtures.outbox(on: app).map(\.key) == [
                "practice:\(id):20260328T080000Z:email", "practice:\(id):20260329T070000Z:email",
            ])
            // Saturday's goes out.
            let sql = app.db as! any SQLDatabase
            try await sql.raw("""
                UPDATE outbox_items SET status = 'sent', sent_at = \(bind: at("2026-03-28T08:00:05Z")), attempts = 1
                WHERE dedupe_key = \(bind: "practice:\(id):20260328T080000Z:email")
                """).run()
            try await ParticipantFixtures.travel(hand, to: "2026-03-28T09:00:00Z", participant)
            try await participant.get("/my/reminders")
            let response = try await participant.post("/my/reminders", ReminderFixtures.form([
                "weekday7": "on", "practiceTime": "10:00", "email": "on",
            ]))
            #expect(response.status == .seeOther)
            let outbox = try await ReminderFixtures.outbox(on: app)
            #expect(outbox.map(\.key) == ["practice:\(id):20260328T080000Z:email", "practice:\(id):20260329T090000Z:email"])
            #expect(outbox.map(\.status) == ["sent", "pending"])
            let notes = try await ReminderFixtures.notifications(on: app)
            #expect(notes.map(\.dedupeKey) == ["practice:\(id):20260328T080000Z", "practice:\(id):20260329T090000Z"])
        }
    }

    @Test("Another participant's choices never plan reminders to this one")
    func separateParticipants() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (sam, _, _) = try await setUp(app, ["weekday7": "on", "practiceTime": "08:00", "email": "on"])
            let second = try await Fixtures.user(.facilitator, email: "second.facilitator@example.org", on: app)
            let facilitator = try await ParticipantFixtures.signIn(second, on: app)
            let group = try await ParticipantFixtures.createGroup(facilitator, ParticipantFixtures.meetingGroup)
            let path = try await ParticipantFixtures.addAndInvite(facilitator, group: group, name: "Kim", code: "P-KIM")
            _ = try await ParticipantFixtures.join(app, path, email: "kim@example.org")
            let kim = try await ReminderFixtures.user(email: "kim@example.org", on: app)
            try await ReminderPlanner.run(on: app.db, now: at("2026-03-28T12:00:00Z"), baseURL: app.tend.baseURL)
            let rows = try await OutboxItemModel.query(on: app.db).all()
            #expect(rows.count == 1)
            #expect(rows.allSatisfy { $0.recipient == "sam@example.org" && $0.dedupeKey.contains(sam.uuidString.lowercased()) })
            #expect(try await NotificationModel.query(on: app.db).filter(\.$user.$id == kim).count() == 0)
        }
    }
}
