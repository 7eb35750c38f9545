import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// A participant who has not chosen yet is reminded of meetings and releases in the app.
@Suite("Reminder defaults until a participant chooses")
struct ReminderDefaultsTests {
    typealias F = ParticipantFixtures

    @Test("Meetings (an hour before) and releases, in the app only; saving choices replaces them")
    func defaultsUntilChosen() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            // The Tuesday group meets at 18:30 London time (GMT in early March).
            let (_, _, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-01T10:00:00Z")
            let user = try await ReminderFixtures.user(email: "sam@example.org", on: app)
            let id = user.uuidString.lowercased()
            #expect(try await ReminderPreferenceModel.query(on: app.db).count() == 0)

            try await ReminderPlanner.run(on: app.db, now: F.instant("2026-03-10T12:00:00Z"), baseURL: app.tend.baseURL)
            let notes = try await ReminderFixtures.notifications(on: app)
            let meeting = try #require(notes.first { $0.dedupeKey.hasPrefix("meeting:\(id):hour-before") })
            #expect(meeting.createdAt == F.instant("2026-03-10T17:30:00Z"))
            #expect(meeting.text == "Your group meets at 18:30 today.")
            #expect(notes.allSatisfy { $0.dedupeKey.hasPrefix("meeting:") || $0.dedupeKey.hasPrefix("release:") })
            #expect(!notes.contains { $0.dedupeKey.hasPrefix("practice:") || $0.dedupeKey.contains("day-before") })
            #expect(try await ReminderFixtures.outbox(on: app).isEmpty, "no e-mail or text without the participant's say")

            // Once Sam chooses (practice on Wednesdays only), the defaults not yet shown go and are not planned again.
            try await F.travel(hand, to: "2026-03-10T12:05:00Z", sam)
            let page = try await sam.get("/my/reminders")
            #expect(page.text.contains("Until you save your choices, Tend reminds you here in the app"))
            let saved = try await sam.post("/my/reminders", ReminderFixtures.form(["weekday3": "on", "practiceTime": "08:00"]))
            #expect(saved.status == .seeOther)
            try await ReminderPlanner.run(on: app.db, now: F.instant("2026-03-10T12:10:00Z"), baseURL: app.tend.baseURL)
            let after = try await ReminderFixtures.notifications(on: app)
            #expect(!after.contains { $0.dedupeKey.hasPrefix("meeting:") && $0.createdAt > F.instant("2026-03-10T12:05:00Z") })
            #expect(after.contains { $0.dedupeKey.hasPrefix("practice:\(id):") })
            #expect(!(try await sam.get("/my/reminders").text.contains("Until you save your choices")))
        }
    }
}
