import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The practice log, the diary, the thought tool, the check-in form and a facilitator's check-in reply autosave: each page carries the
/// form's key and the script, a saved draft comes back into the empty form, and a successful send
/// deletes the draft and tells the script to forget the device's copy.
@Suite("Autosave on the forms between sessions")
struct AutosaveFormsTests {
    typealias F = ParticipantFixtures

    static let now = "2026-03-17T12:00:00Z"

    static func drafts(_ key: String, on app: Application) async throws -> Int {
        try await DraftModel.query(on: app.db).filter(\.$formKey == key).count()
    }

    /// Opens `page`, checks it autosaves under `key`, saves `fields` as a draft and returns the page again.
    static func draftRoundTrip(_ browser: Browser, page: String, key: String, _ fields: [String: String]) async throws -> String {
        let first = try await browser.get(page)
        #expect(first.status == .ok)
        #expect(first.text.contains("data-autosave=\"\(key)\""), "\(page) autosaves under \(key)")
        #expect(first.text.contains("src=\"\(Autosave.script)\""), "\(page) loads the script")
        let saved = try await browser.post("/my/drafts/" + key, fields)
        #expect(saved.status == .ok)
        return try await browser.get(page).text
    }

    /// Posts the real form and checks the draft is gone and the clearing cookie is set.
    static func sendClears(_ browser: Browser, app: Application, action: String, key: String, _ fields: [String: String]) async throws {
        #expect(try await Self.drafts(key, on: app) == 1)
        let sent = try await browser.post(action, fields)
        #expect(sent.status == .seeOther, "\(action): \(sent.status)")
        #expect(try await Self.drafts(key, on: app) == 0, "the draft of \(key) is deleted once the form is accepted")
        #expect(sent.headers.setCookie?["tend_autosave_clear"]?.string.contains(key) == true)
    }

    @Test("The practice log keeps a draft and clears it once the practice is saved")
    func practiceLog() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let page = try await Self.draftRoundTrip(sam, page: "/my/practice", key: PracticeController.draftKey,
                                                     ["minutes": "25", "note": "Breathing on the bus", "date": "2026-03-16"])
            #expect(page.contains(">Breathing on the bus</textarea>"))
            #expect(page.contains("value=\"25\""))
            #expect(page.contains("value=\"2026-03-16\""))
            try await Self.sendClears(sam, app: app, action: "/my/practice", key: PracticeController.draftKey,
                                      ["exercise": "", "minutes": "25", "note": "Breathing on the bus", "date": "2026-03-16"])
            #expect(!(try await sam.get("/my/practice").text.contains("value=\"25\"")))
        }
    }

    @Test("The diary keeps a draft for its day and clears it once the day is saved")
    func diary() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let page = try await Self.draftRoundTrip(sam, page: "/my/diary", key: DiaryController.draftKey,
                                                     ["date": "2026-03-15", "pain": "6", "note": "Woke at four"])
            #expect(page.contains(">Woke at four</textarea>"))
            #expect(page.contains("value=\"6\""))
            #expect(page.contains("value=\"2026-03-15\""), "the day the draft was typed for")
            #expect(!(try await sam.get("/my/diary?date=2026-03-14").text.contains("Woke at four")), "not on another day")
            try await Self.sendClears(sam, app: app, action: "/my/diary", key: DiaryController.draftKey,
                                      ["date": "2026-03-15", "pain": "6", "note": "Woke at four"])
            let saved = try #require(try await DiaryEntryModel.query(on: app.db).first())
            #expect(saved.date == "2026-03-15" && saved.note == "Woke at four")
        }
    }

    @Test("The thought tool keeps a draft and clears it once the record is saved")
    func thoughtTool() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let page = try await Self.draftRoundTrip(sam, page: "/my/thoughts", key: ThoughtController.draftKey,
                                                     ["thought": "I let everyone down", "caring": "You did your best"])
            #expect(page.contains(">I let everyone down</textarea>"))
            #expect(page.contains(">You did your best</textarea>"))
            try await Self.sendClears(sam, app: app, action: "/my/thoughts", key: ThoughtController.draftKey,
                                      ["thought": "I let everyone down", "caring": "You did your best", "date": "2026-03-17"])
            #expect(!(try await sam.get("/my/thoughts").text.contains(">You did your best</textarea>")))
        }
    }

    @Test("The check-in form keeps a draft and clears it once the message is sent")
    func checkIn() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let page = try await Self.draftRoundTrip(sam, page: "/my/check-ins", key: CheckInController.draftKey,
                                                     [CheckInPages.fieldID: "Half a message about my week"])
            #expect(page.contains(">Half a message about my week</textarea>"))
            try await Self.sendClears(sam, app: app, action: "/my/check-ins", key: CheckInController.draftKey,
                                      [CheckInPages.fieldID: "Half a message about my week, finished"])
            let mine = try await sam.get("/my/check-ins").text
            #expect(mine.contains("Half a message about my week, finished"))
            #expect(!mine.contains(">Half a message about my week</textarea>"))
        }
    }

    @Test("A facilitator's reply keeps a draft per member and clears it once the reply is sent")
    func checkInReply() async throws {
        try await withTendApp { app in
            let (staff, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await F.write(sam, "/my/check-ins", "A hard week")
            let member = try await F.memberID(app, code: "P-SAM")
            let key = CheckInController.replyDraftKey(try #require(UUID(uuidString: member)))
            let conversation = F.conversationPath(group, member)
            let page = try await Self.draftRoundTrip(staff, page: conversation, key: key,
                                                     [CheckInPages.fieldID: "Thank you for writing. Half a reply"])
            #expect(page.contains(">Thank you for writing. Half a reply</textarea>"))
            // Another member's conversation does not show this draft.
            let alex = try await F.addAndInvite(staff, group: group, name: "Alex", code: "P-ALEX")
            #expect(!alex.isEmpty)
            let other = try await staff.get(F.conversationPath(group, try await F.memberID(app, code: "P-ALEX"))).text
            #expect(!other.contains("Half a reply"))
            // A reply that fails validation keeps its text and the draft.
            let blank = try await staff.post(conversation, [CheckInPages.fieldID: "   "])
            #expect(blank.status == .unprocessableEntity)
            #expect(try await Self.drafts(key, on: app) == 1)
            try await Self.sendClears(staff, app: app, action: conversation, key: key,
                                      [CheckInPages.fieldID: "Thank you for writing. Shall we talk on Tuesday?"])
            let after = try await staff.get(conversation).text
            #expect(after.contains("Shall we talk on Tuesday?"))
            #expect(!after.contains(">Thank you for writing. Half a reply</textarea>"))
        }
    }
}
