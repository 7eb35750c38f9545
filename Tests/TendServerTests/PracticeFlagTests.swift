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

/// Flags recorded by the reminder planner's periodic pass, and two syncs racing on one occurrence.
@Suite("Flags recorded without anyone opening the overview")
struct FlagSweepTests {
    typealias F = ParticipantFixtures

    @Test("The planner's pass records a flag when it arises; the overview later shows it first seen then")
    func periodicPassRecordsFlags() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: PracticeFlagTests.joined)
            try await F.travel(hand, to: "2026-03-08T20:00:00Z", sam, staff)
            for (day, craving) in [("2026-03-05", "1"), ("2026-03-06", "3"), ("2026-03-07", "5"), ("2026-03-08", "6")] {
                try await PracticeFlagTests.diary(sam, ["date": day, "craving": craving])
            }
            #expect(try await EngagementFlagModel.query(on: app.db).count() == 0, "nobody has looked yet")
            await ReminderPlannerLoop.pass(database: app.db, now: F.instant("2026-03-08T20:10:00Z"), baseURL: app.tend.baseURL,
                                           logger: app.logger, activitySources: app.activitySources)
            let recorded = try await EngagementFlagModel.query(on: app.db).all()
            #expect(recorded.map(\.kind) == [.risingCraving])
            #expect(recorded.first?.firstSeenAt == F.instant("2026-03-08T20:10:00Z"))

            try await F.travel(hand, to: "2026-03-09T09:00:00Z", staff)
            let text = try await PracticeFlagTests.overview(staff, group)
            #expect(text.contains("Flag: Craving rising."))
            #expect(text.contains("First seen 8 Mar 2026, 20:10 UTC."))
            #expect(try await EngagementFlagModel.query(on: app.db).count() == 1)
        }
    }

    @Test("A second insert of the same occurrence is ignored and the stored row returned")
    func duplicateInsertIgnored() async throws {
        try await withTendApp { app in
            let (_, group, _, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: PracticeFlagTests.joined)
            let member = try #require(try await RosterMemberModel.query(on: app.db).first()?.id)
            let diary = [(5, 1), (6, 2), (7, 3), (8, 4)].map { DiaryEntry(date: LocalDate("2026-03-0\($0.0)")!, craving: $0.1) }
            let raised = EngagementRules.flags(for: ParticipantActivity(enrolledOn: LocalDate("2026-03-01")!, diary: diary),
                                               today: LocalDate("2026-03-20")!, now: F.instant("2026-03-20T09:00:00Z"))
            #expect(raised.map(\.kind) == [.quiet, .risingCraving])
            let flag = raised[0]
            let first = try await FlagRecorder.insert(
                EngagementFlagModel(groupID: group, memberID: member, flag: flag, occurrence: 1, firstSeenAt: F.instant("2026-03-11T09:00:00Z")),
                on: app.db)
            let second = try await FlagRecorder.insert(
                EngagementFlagModel(groupID: group, memberID: member, flag: flag, occurrence: 1, firstSeenAt: F.instant("2026-03-11T09:00:01Z")),
                on: app.db)
            #expect(first.id != nil && second.id == first.id)
            #expect(second.firstSeenAt == F.instant("2026-03-11T09:00:00Z"))
            #expect(try await EngagementFlagModel.query(on: app.db).count() == 1)

            // Two overview syncs at once for the same raised flag end with one stored occurrence. (SQLite takes
            // one writer at a time and refuses the second transaction instead, so this part runs on PostgreSQL.)
            guard ProcessInfo.processInfo.environment["TEND_TEST_POSTGRES_URL"] != nil else { return }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<2 {
                    tasks.addTask {
                        _ = try await FlagRecorder.sync(groupID: group, raised: [member: raised], now: F.instant("2026-03-20T10:00:00Z"),
                                                        on: app.db)
                    }
                }
                try await tasks.waitForAll()
            }
            #expect(try await EngagementFlagModel.query(on: app.db).filter(\.$kind == .risingCraving).count() == 1)
        }
    }
}
