import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// `/my/practice`: a participant logs practice, sees it in their history, changes and deletes it; bad
/// input comes back with everything typed and a message per field; nobody reaches another's entries.
@Suite("Practice log")
struct PracticeLogTests {
    typealias F = ParticipantFixtures

    /// Tuesday 17 March 2026, midday in London (GMT): a participant of the weekly group.
    static let now = "2026-03-17T12:00:00Z"

    @Test("A logged practice shows in the week's minutes, the days practised and the recent entries")
    func logAndSee() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let home = try await sam.get("/")
            #expect(home.text.contains("Between sessions"))
            #expect(home.text.contains("href=\"/my/practice\""))
            let empty = try await sam.get("/my/practice")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("value=\"2026-03-17\""), "the date defaults to today in the participant's zone")
            #expect(empty.text.contains("<option value=\"breathing-meditation\">Breathing meditation</option>"))
            #expect(empty.text.contains("Something else: a practice of my own"))

            let saved = try await sam.post("/my/practice", ["exercise": "breathing-meditation", "minutes": "15", "feeling": "7",
                                                            "note": "Calmer after", "date": "2026-03-17"])
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/my/practice?saved=1")
            try await sam.post("/my/practice", ["exercise": "", "minutes": "10", "date": "2026-03-16"])

            let page = try await sam.get("/my/practice?saved=1")
            #expect(page.text.contains("Saved. Thank you for making time for this."))
            #expect(page.text.contains("In the last 7 days you practised on 2 days."))
            #expect(page.text.contains("All together: 25 minutes."))
            #expect(page.text.contains("Your longest run so far: 2 days in a row."))
            #expect(page.text.contains("Week of 16 Mar: 25 minutes"), "the chart describes the week for screen readers")
            #expect(page.text.contains("<strong>Tuesday 17 March 2026</strong>: Breathing meditation"))
            #expect(page.text.contains("15 minutes, felt 7 out of 10"))
            #expect(page.text.contains("Calmer after"))
            #expect(page.text.contains("A practice of your own"))
            #expect(!page.text.lowercased().contains("streak"))
            #expect(try await PracticeEntryModel.query(on: app.db).count() == 2)
        }
    }

    @Test("A bad field re-renders the form with everything typed and a message per field; nothing is stored")
    func validationKeepsInput() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await sam.get("/my/practice")
            let response = try await sam.post("/my/practice", ["exercise": "breathing-meditation", "minutes": "lots", "feeling": "12",
                                                               "note": "Kept <note>", "date": "2026-03-20"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("<title>Error: Your practice"))
            #expect(response.text.contains("Minutes needs to be a whole number from 1 to 240. You entered “lots”."))
            #expect(response.text.contains("How it felt needs to be a whole number from 0 to 10. You entered “12”."))
            #expect(response.text.contains("Date needs to be today (2026-03-17) or an earlier day. You entered 2026-03-20."))
            #expect(response.text.contains("href=\"#minutes\""))
            #expect(response.text.contains("value=\"lots\"") && response.text.contains("value=\"12\"") && response.text.contains("value=\"2026-03-20\""))
            #expect(response.text.contains("Kept &lt;note&gt;</textarea>"))
            #expect(response.text.contains("<option value=\"breathing-meditation\" selected=\"selected\">"))
            let empty = try await sam.post("/my/practice", ["exercise": "not-in-programme", "minutes": ""])
            #expect(empty.text.contains("Minutes: enter a whole number from 1 to 240."))
            #expect(empty.text.contains("Practice needs to be one of the exercises in your programme, or your own practice."))
            #expect(try await PracticeEntryModel.query(on: app.db).count() == 0)
        }
    }

    @Test("An entry can be changed and deleted by its owner")
    func editAndDelete() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await sam.get("/my/practice")
            try await sam.post("/my/practice", ["exercise": "", "minutes": "5"])
            let id = try #require(try await PracticeEntryModel.query(on: app.db).first()?.id).uuidString.lowercased()
            let edit = try await sam.get("/my/practice/" + id)
            #expect(edit.status == .ok)
            #expect(edit.text.contains("value=\"5\""))
            let bad = try await sam.post("/my/practice/" + id, ["exercise": "", "minutes": "0", "date": "2026-03-17"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await PracticeEntryModel.query(on: app.db).first()?.minutes == 5)
            let changed = try await sam.post("/my/practice/" + id, ["exercise": "arriving", "minutes": "20", "date": "2026-03-15"])
            #expect(changed.location == "/my/practice?changed=1")
            let row = try #require(try await PracticeEntryModel.query(on: app.db).first())
            #expect(row.minutes == 20 && row.exerciseID == "arriving" && row.date == "2026-03-15")
            try await sam.get("/my/practice/" + id)
            let deleted = try await sam.post("/my/practice/" + id + "/delete", [:])
            #expect(deleted.location == "/my/practice?deleted=1")
            #expect(try await PracticeEntryModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Another participant's entry id gives 404 for viewing, changing and deleting")
    func otherParticipantsEntries() async throws {
        try await withTendApp { app in
            let (facilitator, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Alex", code: "P-ALEX")
            let alex = try await F.join(app, path, email: "alex@example.org")
            try await sam.get("/my/practice")
            try await sam.post("/my/practice", ["exercise": "", "minutes": "12", "note": "Sam's own note"])
            let id = try #require(try await PracticeEntryModel.query(on: app.db).first()?.id).uuidString.lowercased()
            try await alex.get("/my/practice")
            #expect(try await alex.get("/my/practice/" + id).status == .notFound)
            #expect(try await alex.post("/my/practice/" + id, ["exercise": "", "minutes": "1"]).status == .notFound)
            #expect(try await alex.post("/my/practice/" + id + "/delete", [:]).status == .notFound)
            #expect(try await alex.get("/my/practice/not-an-id").status == .notFound)
            let alexPage = try await alex.get("/my/practice")
            #expect(!alexPage.text.contains("Sam&#39;s own note") && !alexPage.text.contains("Sam's own note"))
            let row = try #require(try await PracticeEntryModel.query(on: app.db).first())
            #expect(row.minutes == 12)
        }
    }

    @Test("Staff roles cannot use a participant's pages; a participant on no roster finds nothing there")
    func staffCannotUse() async throws {
        try await withTendApp { app in
            let paths = ["/my/practice", "/my/diary", "/my/diary/medicines", "/my/thoughts", "/my/thoughts/\(UUID().uuidString.lowercased())"]
            for role in [Role.facilitator, .researcher, .admin] {
                let staff = try await Fixtures.signedIn(role, on: app)
                for path in paths {
                    #expect(try await staff.get(path).status == .forbidden, "\(role) GET \(path)")
                }
                #expect(try await staff.post("/my/practice", ["minutes": "10"]).status == .forbidden)
                #expect(try await staff.post("/my/diary", ["pain": "3"]).status == .forbidden)
                #expect(try await staff.post("/my/thoughts", ["thought": "x"]).status == .forbidden)
            }
            let loner = try await Fixtures.signedIn(.participant, on: app)
            #expect(try await loner.get("/my/practice").status == .notFound)
            #expect(try await loner.post("/my/diary", ["pain": "3"]).status == .notFound)
            let anonymous = Browser(app)
            #expect(try await anonymous.get("/my/diary").status == .found)
            #expect(try await PracticeEntryModel.query(on: app.db).count() == 0)
            #expect(try await DiaryEntryModel.query(on: app.db).count() == 0)
            #expect(try await ThoughtRecordModel.query(on: app.db).count() == 0)
        }
    }
}
