import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// `/my/diary` and `/my/diary/medicines`: one entry a day (saving again updates it), doses by the
/// participant's own medicines, trends, validation that keeps input, and only one's own rows.
@Suite("Pain diary")
struct PainDiaryTests {
    typealias F = ParticipantFixtures

    static let now = "2026-03-17T12:00:00Z"

    static func medicineID(_ name: String, on app: Application) async throws -> String {
        try #require(try await MedicineModel.query(on: app.db).filter(\.$name == name).first()?.id).uuidString.lowercased()
    }

    @Test("Medicines can be added, renamed and removed; bad names come back with a message")
    func medicines() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let diary = try await sam.get("/my/diary")
            #expect(diary.text.contains("add your medicines"))
            try await sam.get("/my/diary/medicines")
            let added = try await sam.post("/my/diary/medicines", ["name": "Codeine 30 mg", "unit": "tablet"])
            #expect(added.location == "/my/diary/medicines?added=1")
            try await sam.post("/my/diary/medicines", ["name": "Ibuprofen", "unit": "tablet"])

            let duplicate = try await sam.post("/my/diary/medicines", ["name": "codeine 30 MG", "unit": ""])
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.text.contains("is already on your list"))
            #expect(duplicate.text.contains("What you count: enter a word like tablet, ml or patch."))
            #expect(duplicate.text.contains("value=\"codeine 30 MG\""))

            let codeine = try await Self.medicineID("Codeine 30 mg", on: app)
            let renamed = try await sam.post("/my/diary/medicines/" + codeine, ["name-" + codeine: "Codeine 15 mg", "unit-" + codeine: "tablet"])
            #expect(renamed.location == "/my/diary/medicines?renamed=1")
            let bad = try await sam.post("/my/diary/medicines/" + codeine, ["name-" + codeine: " ", "unit-" + codeine: "tablet"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("href=\"#name-\(codeine)\""))

            let ibuprofen = try await Self.medicineID("Ibuprofen", on: app)
            let removed = try await sam.post("/my/diary/medicines/\(ibuprofen)/remove", [:])
            #expect(removed.location == "/my/diary/medicines?removed=1")
            let page = try await sam.get("/my/diary")
            #expect(page.text.contains("Codeine 15 mg (number of tablet)"))
            #expect(!page.text.contains("Ibuprofen"))
        }
    }

    @Test("One entry a day: posting again for a date updates that day and says so")
    func upsertPerDay() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await sam.get("/my/diary/medicines")
            try await sam.post("/my/diary/medicines", ["name": "Codeine 30 mg", "unit": "tablet"])
            let codeine = try await Self.medicineID("Codeine 30 mg", on: app)
            let form = try await sam.get("/my/diary")
            #expect(form.text.contains("value=\"2026-03-17\""))

            let first = try await sam.post("/my/diary", ["date": "2026-03-16", "pain": "6", "craving": "3", "dose-" + codeine: "2",
                                                         "note": "Bad night"])
            #expect(first.status == .seeOther)
            #expect(first.location == "/my/diary?saved=2026-03-16")
            let saved = try await sam.get(first.location!)
            #expect(saved.text.contains("Saved your diary for Monday 16 March 2026."))

            let again = try await sam.post("/my/diary", ["date": "2026-03-16", "pain": "4", "mood": "6", "dose-" + codeine: "1"])
            #expect(again.location == "/my/diary?saved=2026-03-16&updated=1")
            let updated = try await sam.get(again.location!)
            #expect(updated.text.contains("Updated your diary for Monday 16 March 2026."))

            #expect(try await DiaryEntryModel.query(on: app.db).count() == 1)
            let row = try #require(try await DiaryEntryModel.query(on: app.db).with(\.$doses).first())
            #expect(row.pain == 4 && row.mood == 6 && row.craving == nil && row.note == nil && row.saves == 2)
            #expect(row.doses.map(\.doses) == [1])

            // Opening the day shows what was written and says that saving updates it.
            let day = try await sam.get("/my/diary?date=2026-03-16")
            #expect(day.text.contains("You already wrote something for Monday 16 March 2026."))
            #expect(day.text.contains("Update this day"))
            #expect(day.text.contains("id=\"pain\" name=\"pain\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" value=\"4\""))

            try await sam.post("/my/diary", ["pain": "5", "craving": "2"])
            let trends = try await sam.get("/my/diary")
            #expect(trends.text.contains("aria-labelledby=\"pain-trend-title pain-trend-desc\""))
            #expect(trends.text.contains("2 entries from 16 Feb to 17 Mar; latest 5 on 17 Mar."))
            #expect(trends.text.contains("1 entries from 16 Feb to 17 Mar; latest 2 on 17 Mar."), "craving was left out on the 16th")
            #expect(trends.text.contains("Doses each day, all medicines together"))
            #expect(trends.text.contains("Pain 5, craving 2"))
        }
    }

    @Test("A bad diary form keeps what was typed, names each field, and stores nothing")
    func validationKeepsInput() async throws {
        try await withTendApp { app in
            let (_, _, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            try await sam.get("/my/diary/medicines")
            try await sam.post("/my/diary/medicines", ["name": "Methadone", "unit": "ml"])
            let methadone = try await Self.medicineID("Methadone", on: app)
            try await sam.get("/my/diary")
            let response = try await sam.post("/my/diary", ["pain": "eleven", "mood": "5", "dose-" + methadone: "-2",
                                                            "note": "Private words", "criticalThought": "I am weak",
                                                            "addToCollection": "yes"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Pain needs to be a whole number from 0 to 10. You entered “eleven”."))
            #expect(response.text.contains("Doses of Methadone needs to be a whole number from 0 to 50. You entered “-2”."))
            #expect(response.text.contains("value=\"eleven\"") && response.text.contains("value=\"-2\""))
            #expect(response.text.contains("Private words</textarea>") && response.text.contains("I am weak</textarea>"))
            #expect(response.text.contains("type=\"checkbox\" value=\"yes\" checked=\"checked\""))
            let nothing = try await sam.post("/my/diary", ["date": "2026-03-17"])
            #expect(nothing.text.contains("Nothing was entered yet: fill in at least one rating, a dose or a few words."))
            #expect(try await DiaryEntryModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Another participant's medicines cannot be renamed or removed, and their diary is not shown")
    func otherParticipants() async throws {
        try await withTendApp { app in
            let (facilitator, group, sam, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.now)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Alex", code: "P-ALEX")
            let alex = try await F.join(app, path, email: "alex@example.org")
            try await sam.get("/my/diary/medicines")
            try await sam.post("/my/diary/medicines", ["name": "Tramadol", "unit": "capsule"])
            let tramadol = try await Self.medicineID("Tramadol", on: app)
            try await sam.get("/my/diary")
            try await sam.post("/my/diary", ["pain": "7", "note": "Sam's diary", "dose-" + tramadol: "2"])

            try await alex.get("/my/diary/medicines")
            #expect(try await alex.post("/my/diary/medicines/" + tramadol, ["name-" + tramadol: "Mine now", "unit-" + tramadol: "x"]).status == .notFound)
            #expect(try await alex.post("/my/diary/medicines/\(tramadol)/remove", [:]).status == .notFound)
            let alexDiary = try await alex.get("/my/diary")
            #expect(!alexDiary.text.contains("Tramadol") && !alexDiary.text.contains("Sam"))
            // Sam's medicine id in Alex's form is not one of Alex's medicines.
            let posted = try await alex.post("/my/diary", ["pain": "3", "dose-" + tramadol: "4"])
            #expect(posted.status == .unprocessableEntity)
            #expect(posted.text.contains("a medicine on your list"))
            let medicine = try #require(try await MedicineModel.query(on: app.db).first())
            #expect(medicine.name == "Tramadol" && medicine.removedAt == nil)
            #expect(try await DiaryEntryModel.query(on: app.db).count() == 1)
        }
    }
}
