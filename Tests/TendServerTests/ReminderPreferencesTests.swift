import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Reminder choices at /my/reminders")
struct ReminderPreferencesTests {
    @Test("The form starts with the participant's own time zone and offers e-mail and text messages")
    func defaults() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            var group = ParticipantFixtures.meetingGroup
            group["timeZone"] = "America/New_York"
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: group, joinedAt: "2026-03-01T10:00:00Z")
            let page = try await participant.get("/my/reminders")
            #expect(page.status == .ok)
            #expect(page.text.contains("value=\"America/New_York\""))
            #expect(page.text.contains("By e-mail"))
            #expect(page.text.contains("By text message"))
            #expect(page.text.contains("Make a calendar link"))
        }
    }

    @Test("Invalid choices come back with each field's own message and everything typed kept")
    func validationKeepsInput() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                joinedAt: "2026-03-01T10:00:00Z")
            try await participant.get("/my/reminders")
            let response = try await participant.post("/my/reminders", ReminderFixtures.form([
                "weekday2": "on", "weekday6": "on", "practiceTime": "25:00", "sms": "on", "phone": "07700 900123",
                "quietStart": "22:00", "quietEnd": "", "timeZone": "Mars/Olympus", "meetingDayBefore": "on",
            ]))
            #expect(response.status == .unprocessableEntity)
            let page = response.text
            #expect(page.contains("<title>Error: Reminders"))
            #expect(page.contains("href=\"#practiceTime\""))
            #expect(page.contains("Enter the time for practice reminders as hours and minutes on the 24-hour clock, like 19:30"))
            #expect(page.contains("href=\"#phone\""))
            #expect(page.contains("Enter the mobile number in international format: + then the country code and number, 8 to 15 digits, like +447700900123"))
            #expect(page.contains("href=\"#quietEnd\""))
            #expect(page.contains("Enter both when quiet hours start and when they end, or leave both empty"))
            #expect(page.contains("href=\"#timeZone\""))
            #expect(page.contains("Enter a time zone name like Europe/London or America/New_York"))
            // Everything typed is still there.
            #expect(page.contains("value=\"25:00\""))
            #expect(page.contains("value=\"07700900123\""))
            #expect(page.contains("value=\"22:00\""))
            #expect(page.contains("value=\"Mars/Olympus\""))
            #expect(page.contains("name=\"weekday2\" type=\"checkbox\" value=\"on\" checked=\"checked\""))
            #expect(page.contains("name=\"weekday6\" type=\"checkbox\" value=\"on\" checked=\"checked\""))
            #expect(!page.contains("name=\"weekday3\" type=\"checkbox\" value=\"on\" checked=\"checked\""))
            #expect(page.contains("name=\"meetingDayBefore\" type=\"checkbox\" value=\"on\" checked=\"checked\""))
            #expect(page.contains("name=\"sms\" type=\"checkbox\" value=\"on\" checked=\"checked\""))
            #expect(try await ReminderPreferenceModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Text messages need a number")
    func smsNeedsNumber() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                joinedAt: "2026-03-01T10:00:00Z")
            try await participant.get("/my/reminders")
            let response = try await participant.post("/my/reminders", ReminderFixtures.form(["sms": "on"]))
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Enter your mobile number for text messages, like +447700900123"))
        }
    }

    @Test("Valid choices are stored for the signed-in participant and shown again")
    func saves() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                joinedAt: "2026-03-01T10:00:00Z")
            try await participant.get("/my/reminders")
            let response = try await participant.post("/my/reminders", ReminderFixtures.form([
                "weekday1": "on", "weekday4": "on", "practiceTime": "07:45", "email": "on", "sms": "on", "phone": "+44 7700 900123",
                "quietStart": "21:30", "quietEnd": "08:00", "meetingDayBefore": "on", "releases": "on",
            ]))
            #expect(response.status == .seeOther)
            #expect(response.location == "/my/reminders?saved=1")
            let user = try await ReminderFixtures.user(email: "sam@example.org", on: app)
            let row = try #require(try await ReminderPreferenceModel.query(on: app.db).first())
            #expect(row.$user.id == user)
            #expect(row.weekdays == "1,4")
            #expect(row.practiceTime == "07:45")
            #expect(row.meetingLeads == "day-before")
            #expect(row.releases)
            #expect(row.byEmail && row.bySMS)
            #expect(row.phone == "+447700900123")
            #expect(row.quietStart == "21:30" && row.quietEnd == "08:00")
            let page = try await participant.get("/my/reminders?saved=1")
            #expect(page.text.contains("Your reminder choices are saved."))
            #expect(page.text.contains("value=\"+447700900123\""))
            #expect(page.text.contains("name=\"meetingHourBefore\" type=\"checkbox\" value=\"on\"/>"))
        }
    }

    @Test("Only participants have reminder choices; signed-out visitors are sent to sign in")
    func access() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            #expect(try await facilitator.get("/my/reminders").status == .forbidden)
            let visitor = Browser(app)
            let response = try await visitor.get("/my/reminders")
            #expect(response.status == .found || response.status == .seeOther)
        }
    }
}
