import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// The group overview and its flags fed by what participants really log at /my/practice, /my/diary and
/// /my/thoughts (the providers installed in ``ActivitySources``), with the group's own thresholds.
@Suite("Practice, diary and thought tool in the group overview")
struct PracticeFlagTests {
    typealias F = ParticipantFixtures

    static let joined = "2026-03-04T09:00:00Z"

    static func overview(_ staff: Browser, _ group: UUID) async throws -> String {
        let page = try await staff.get(F.groupPath(group) + "/overview")
        #expect(page.status == .ok)
        return page.text
    }

    /// Adds a medicine to the participant's list and returns its id.
    static func medicine(_ sam: Browser, _ name: String, on app: Application) async throws -> String {
        try await sam.get("/my/diary/medicines")
        try await sam.post("/my/diary/medicines", ["name": name, "unit": "tablet"])
        return try #require(try await MedicineModel.query(on: app.db).filter(\.$name == name).first()?.id).uuidString.lowercased()
    }

    static func diary(_ sam: Browser, _ fields: [String: String]) async throws {
        try await sam.get("/my/diary")
        let saved = try await sam.post("/my/diary", fields)
        #expect(saved.status == .seeOther, "diary for \(fields["date"] ?? "today"): \(saved.status)")
    }

    @Test("A member who logs nothing for 7 days is flagged; their practice minutes and thought-tool use show")
    func quietForSevenDays() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.joined)
            try await sam.get("/my/practice")
            let practised = try await sam.post("/my/practice", ["exercise": "", "minutes": "12", "date": "2026-03-04"])
            #expect(practised.status == .seeOther)
            try await sam.get("/my/thoughts")
            let thought = try await sam.post("/my/thoughts", ["thought": "I am useless today", "date": "2026-03-04"])
            #expect(thought.status == .seeOther)

            try await F.travel(hand, to: "2026-03-10T12:00:00Z", staff)
            var text = try await Self.overview(staff, group)
            #expect(text.contains("12 minutes"))
            #expect(text.contains("1 record"))
            #expect(text.contains("Logged an entry on 2026-03-04"))
            #expect(!text.contains("not connected"))
            #expect(!text.contains("Flag: No practice or diary"), "six quiet days: not yet")

            try await F.travel(hand, to: "2026-03-11T12:00:00Z", staff)
            text = try await Self.overview(staff, group)
            #expect(text.contains("Flag: No practice or diary."))
            #expect(text.contains("Nothing logged for 7 days; the last entry was on 2026-03-04."))
            #expect(text.contains("0 minutes"), "the practice on 4 March has left the last seven days")
            let records = try await EngagementFlagModel.query(on: app.db).all()
            #expect(records.map(\.kind) == [.quiet])
            #expect(records.first?.since == "2026-03-05")
        }
    }

    @Test("Craving rated higher in three diary entries running raises the rising-craving flag")
    func risingCraving() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.joined)
            try await F.travel(hand, to: "2026-03-08T20:00:00Z", sam, staff)
            for (day, craving) in [("2026-03-05", "2"), ("2026-03-06", "3"), ("2026-03-07", "5")] {
                try await Self.diary(sam, ["date": day, "pain": "4", "craving": craving])
            }
            var text = try await Self.overview(staff, group)
            #expect(!text.contains("Flag: Craving rising"), "two rises are not three")
            try await Self.diary(sam, ["date": "2026-03-08", "pain": "4", "craving": "7"])
            text = try await Self.overview(staff, group)
            #expect(text.contains("Flag: Craving rising."))
            #expect(text.contains("Craving rose in 3 entries running: 2 → 3 → 5 → 7."))
            let record = try #require(try await EngagementFlagModel.query(on: app.db).filter(\.$kind == .risingCraving).first())
            #expect(record.since == "2026-03-06")
        }
    }

    @Test("Doses above the participant's own first week are flagged with the window the group set")
    func dosesAboveBaseline() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.joined)
            try await F.travel(hand, to: "2026-03-10T20:00:00Z", sam, staff)
            let codeine = try await Self.medicine(sam, "Codeine 30 mg", on: app)
            for (day, doses) in [("2026-03-05", "1"), ("2026-03-06", "1"), ("2026-03-09", "3"), ("2026-03-10", "3")] {
                try await Self.diary(sam, ["date": day, "pain": "5", "dose-" + codeine: doses])
            }
            var text = try await Self.overview(staff, group)
            #expect(!text.contains("Flag: Doses above own baseline"), "a seven-day window has no recent week apart from the baseline yet")

            try await staff.get(F.groupPath(group) + "/flag-settings")
            let saved = try await staff.post(F.groupPath(group) + "/flag-settings", [
                "quietDays": "7", "risingCravingEntries": "3", "doseWindowDays": "3", "doseMargin": "0.5", "checkInReplyHours": "48",
            ])
            #expect(saved.status == .seeOther)
            text = try await Self.overview(staff, group)
            #expect(text.contains("Flag: Doses above own baseline."))
            #expect(text.contains("Mean 3 doses a day over the last 3 days, against 1 in the first week of the diary (2026-03-05 to 2026-03-07)."))
            #expect(text.contains("doses rising") || text.contains("doses not enough entries"))
        }
    }

    @Test("An acknowledged diary flag leaves the open list but stays in the record, with its note, after it clears")
    func acknowledgementKeepsRecord() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: Self.joined)
            try await F.travel(hand, to: "2026-03-08T20:00:00Z", sam, staff)
            for (day, craving) in [("2026-03-05", "1"), ("2026-03-06", "2"), ("2026-03-07", "4"), ("2026-03-08", "6")] {
                try await Self.diary(sam, ["date": day, "craving": craving])
            }
            _ = try await Self.overview(staff, group)
            let flag = try #require(try await EngagementFlagModel.query(on: app.db).filter(\.$kind == .risingCraving).first())
            let id = flag.id!.uuidString.lowercased()
            let done = try await staff.post(F.groupPath(group) + "/flags/" + id + "/acknowledge",
                                            ["note-" + id: "Talked it through at the group; Sam has a plan"])
            #expect(done.status == .seeOther)
            var text = try await Self.overview(staff, group)
            #expect(!text.contains("Flag: Craving rising."))
            #expect(text.contains("Talked it through at the group; Sam has a plan"))

            try await F.travel(hand, to: "2026-03-09T20:00:00Z", sam, staff)
            try await Self.diary(sam, ["date": "2026-03-09", "craving": "2"])
            text = try await Self.overview(staff, group)
            #expect(text.contains("Talked it through at the group; Sam has a plan"), "the note stays in the history")
            #expect(text.contains("cleared 9 Mar 2026, 20:00 UTC."))
            let stored = try #require(try await EngagementFlagModel.find(flag.id, on: app.db))
            #expect(stored.acknowledgedAt == F.instant("2026-03-08T20:00:00Z"))
            #expect(stored.note == "Talked it through at the group; Sam has a plan")
            #expect(stored.clearedAt == F.instant("2026-03-09T20:00:00Z"))
        }
    }
}
