import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("The iCalendar feed of a participant's meetings and releases")
struct CalendarFeedTests {
    /// The feed's path in the reminders page (`/calendar/<token>.ics`).
    private func feedPath(in page: String) throws -> String {
        let start = try #require(page.range(of: "http://127.0.0.1:8080/calendar/"))
        let rest = page[page.index(start.lowerBound, offsetBy: "http://127.0.0.1:8080".count)...]
        return String(rest[..<rest.firstIndex(of: "\"")!])
    }

    @Test("The secret link serves the group's meetings as text/calendar, across the clock change")
    func feed() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                joinedAt: "2026-03-01T10:00:00Z")
            let before = try await participant.get("/my/reminders")
            #expect(!before.text.contains("/calendar/"))
            let made = try await participant.post("/my/reminders/calendar-link", [:])
            #expect(made.status == .seeOther)
            let path = try feedPath(in: try await participant.get("/my/reminders").text)
            #expect(path.hasSuffix(".ics"))

            let feed = try await Browser(app).get(path)
            #expect(feed.status == .ok)
            #expect(feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let text = feed.text
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 8)
            // 3 March 18:30 GMT; 31 March 18:30 BST.
            #expect(text.contains("DTSTART:20260303T183000Z"))
            #expect(text.contains("DTSTART:20260331T173000Z"))
            #expect(text.contains("LOCATION:https://meet.example.org/room-7"))
            // Without the extension too.
            #expect(try await Browser(app).get(String(path.dropLast(4))).status == .ok)
        }
    }

    @Test("A new link revokes the old; a wrong token is not found")
    func revocation() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                joinedAt: "2026-03-01T10:00:00Z")
            try await participant.get("/my/reminders")
            try await participant.post("/my/reminders/calendar-link", [:])
            let old = try feedPath(in: try await participant.get("/my/reminders").text)
            let page = try await participant.get("/my/reminders")
            #expect(page.text.contains("Make a new link (the old one stops working)"))
            try await participant.post("/my/reminders/calendar-link", [:])
            let new = try feedPath(in: try await participant.get("/my/reminders").text)
            #expect(new != old)
            let visitor = Browser(app)
            #expect(try await visitor.get(old).status == .notFound)
            #expect(try await visitor.get(new).status == .ok)
            #expect(try await visitor.get("/calendar/" + String(repeating: "a", count: 43) + ".ics").status == .notFound)
            #expect(try await visitor.get("/calendar/.ics").status == .notFound)
        }
    }

    @Test("Each participant's link shows only their own group")
    func ownGroupOnly() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let (facilitator, _, sam, _) = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                                   joinedAt: "2026-03-01T10:00:00Z")
            var otherForm = ParticipantFixtures.meetingGroup
            otherForm["name"] = "Thursday group"
            otherForm["weekday"] = "4"
            otherForm["callLink"] = "https://meet.example.org/other-room"
            let other = try await ParticipantFixtures.createGroup(facilitator, otherForm)
            let path = try await ParticipantFixtures.addAndInvite(facilitator, group: other, name: "Kim", code: "P-KIM")
            let kim = try await ParticipantFixtures.join(app, path, email: "kim@example.org")
            for browser in [sam, kim] {
                try await browser.get("/my/reminders")
                try await browser.post("/my/reminders/calendar-link", [:])
            }
            let samFeed = try await Browser(app).get(try feedPath(in: try await sam.get("/my/reminders").text)).text
            let kimFeed = try await Browser(app).get(try feedPath(in: try await kim.get("/my/reminders").text)).text
            #expect(samFeed.contains("room-7") && !samFeed.contains("other-room"))
            #expect(kimFeed.contains("other-room") && !kimFeed.contains("room-7"))
            #expect(kimFeed.contains("DTSTART:20260305T183000Z"))
        }
    }
}
