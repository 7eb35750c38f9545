import Fluent
import Foundation
import TendCore
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The download and deletion sections for what participants keep between sessions: each holds exactly
/// the participant's own rows, and a deletion removes them and nobody else's.
@Suite("Practice, diary, thoughts, check-ins and reminders in a participant's own data")
struct PracticeDataExportTests {
    typealias People = ParticipantDataExportTests.TwoParticipants

    /// Everything one participant can keep between sessions, each value naming them (`who`).
    static func fill(_ browser: Browser, who: String, practiceTime: String, app: Application) async throws {
        try await browser.get("/my/practice")
        #expect(try await browser.post("/my/practice", ["exercise": "", "minutes": "10", "note": "\(who) walked"]).status == .seeOther)
        try await browser.get("/my/diary/medicines")
        #expect(try await browser.post("/my/diary/medicines", ["name": "\(who) codeine", "unit": "tablet"]).status == .seeOther)
        let medicine = try #require(try await MedicineModel.query(on: app.db).filter(\.$name == "\(who) codeine").first()?.id)
        try await browser.get("/my/diary")
        #expect(try await browser.post("/my/diary", ["date": "2026-03-01", "pain": "5", "note": "\(who)'s bad night",
                                                      "dose-" + medicine.uuidString.lowercased(): "2"]).status == .seeOther)
        try await browser.get("/my/thoughts")
        #expect(try await browser.post("/my/thoughts", ["thought": "\(who) thought", "date": "2026-03-01"]).status == .seeOther)
        try await browser.get("/my/check-ins")
        #expect(try await browser.post("/my/check-ins", ["message": "\(who) checks in"]).status == .seeOther)
        try await browser.get("/my/reminders")
        #expect(try await browser.post("/my/reminders", ReminderFixtures.form(["weekday1": "on", "practiceTime": practiceTime])).status == .seeOther)
    }

    static func people(_ app: Application) async throws -> People {
        let people = try await ParticipantDataExportTests.twoParticipants(app)
        try await fill(people.sam, who: "Sam", practiceTime: "19:00", app: app)
        try await fill(people.kim, who: "Kim", practiceTime: "07:15", app: app)
        for (code, name) in [("P-SAM", "Sam"), ("P-KIM", "Kim")] {
            let member = try await ParticipantFixtures.memberID(app, code: code)
            try await ParticipantFixtures.write(people.facilitator, ParticipantFixtures.conversationPath(people.group, member), "Reply to \(name)")
        }
        return people
    }

    static func values(_ records: [ExportRecord], _ field: String) -> [String] {
        records.filter { $0.field == field }.map(\.value)
    }

    @Test("Each new section holds exactly the participant's own rows")
    func sectionsHoldOwnRows() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let people = try await Self.people(app)
            let sam = try people.samUser.requireID()
            func rows(_ section: any ParticipantDataSection.Type) async throws -> [ExportRecord] {
                let records = try await section.rows(for: sam, on: app.db)
                #expect(records.allSatisfy { $0.section == section.name })
                #expect(!records.contains { $0.value.contains("Kim") || $0.item.contains("Kim") }, "\(section.name) holds Kim's data")
                return records
            }
            let practice = try await rows(PracticeEntriesDataSection.self)
            #expect(Self.values(practice, "note") == ["Sam walked"])
            #expect(Self.values(practice, "minutes") == ["10"])
            #expect(Self.values(practice, "exercise") == ["my own practice"])
            #expect(Self.values(try await rows(MedicinesDataSection.self), "name") == ["Sam codeine"])
            let diary = try await rows(DiaryEntriesDataSection.self)
            #expect(Self.values(diary, "note") == ["Sam's bad night"])
            #expect(Self.values(diary, "pain") == ["5"])
            let doses = try await rows(DiaryDosesDataSection.self)
            #expect(doses.map(\.field) == ["Sam codeine"] && doses.map(\.value) == ["2 tablet"] && doses.map(\.item) == ["2026-03-01"])
            #expect(Self.values(try await rows(ThoughtRecordsDataSection.self), "thought") == ["Sam thought"])
            let messages = try await rows(CheckInMessagesDataSection.self)
            #expect(Self.values(messages, "message") == ["Sam checks in", "Reply to Sam"])
            #expect(Self.values(messages, "from") == ["you", "your facilitator"])
            let reminders = try await rows(ReminderPreferencesDataSection.self)
            #expect(Self.values(reminders, "practice_time") == ["19:00"])
            #expect(Self.values(reminders, "practice_days") == ["Monday"])
            #expect(!reminders.contains { $0.field.contains("secret") || $0.field.contains("token") })
            let notifications = try await rows(NotificationsDataSection.self)
            let samsNotifications = try await NotificationModel.query(on: app.db).filter(\.$user.$id == sam).all()
            #expect(!samsNotifications.isEmpty)
            #expect(Self.values(notifications, "text").sorted() == samsNotifications.map(\.text).sorted())
            #expect(try await NotificationModel.query(on: app.db).count() > samsNotifications.count, "others have notifications too")

            // The download carries the same rows.
            let csv = try await people.sam.get("/my/data.csv").text
            #expect(csv.contains("practice_entries,2026-03-01 #1,note,Sam walked,"))
            #expect(csv.contains("check_in_messages,"))
            #expect(csv.contains("Reply to Sam"))
            #expect(!csv.contains("Kim"))
        }
    }

    @Test("Carrying out a deletion removes the participant's practice, diary, thoughts, check-ins, reminders and notifications, and no one else's")
    func deletionRemovesOwnRows() async throws {
        try await withTendApp(ReminderFixtures.configure) { app in
            let people = try await Self.people(app)
            let sam = try people.samUser.requireID()
            let kim = try people.kimUser.requireID()
            try await people.sam.get("/my/data")
            try await people.sam.post("/my/data/deletion-request", ["note": "", "password": ParticipantFixtures.password])
            let request = try #require(try await DeletionRequestModel.query(on: app.db).first())
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/admin/deletion-requests")
            let done = try await admin.post("/admin/deletion-requests/\(try request.requireID().uuidString.lowercased())/carry-out",
                                            ["understood": "yes"])
            #expect(done.status == .seeOther)
            let sections: [any ParticipantDataSection.Type] = [
                PracticeEntriesDataSection.self, MedicinesDataSection.self, DiaryEntriesDataSection.self, DiaryDosesDataSection.self,
                ThoughtRecordsDataSection.self, ReminderPreferencesDataSection.self, NotificationsDataSection.self,
            ]
            for section in sections {
                #expect(try await section.rows(for: sam, on: app.db).isEmpty, "\(section.name) left Sam's rows")
                #expect(!(try await section.rows(for: kim, on: app.db).isEmpty), "\(section.name) lost Kim's rows")
            }
            let messages = try await CheckInMessageModel.query(on: app.db).all().map(\.body).sorted()
            #expect(messages == ["Kim checks in", "Reply to Kim"])
            #expect(try await DiaryDoseModel.query(on: app.db).count() == 1)
        }
    }
}
