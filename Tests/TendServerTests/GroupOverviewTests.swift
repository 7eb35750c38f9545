import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// A practice log, diary and thought tool as the tables built alongside will supply them: fixed entries
/// per roster member, so the overview's columns and the quiet flag can be checked through the seam.
struct FixedActivityProvider: ActivityProvider {
    var supplies: Set<ActivityKind> = Set(ActivityKind.allCases)
    var entries: [UUID: ActivityContribution]

    func contributions(for memberIDs: [UUID], on db: any Database) async throws -> [UUID: ActivityContribution] {
        entries.filter { memberIDs.contains($0.key) }
    }
}

/// The facilitator's view of a group at a glance.
@Suite("The group at a glance")
struct GroupOverviewTests {
    typealias F = ParticipantFixtures

    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    @Test("Each member's card shows attendance from the register, check-ins waiting and, with no providers, which logs are not connected")
    func attendanceAndCheckIns() async throws {
        try await withTendApp { app in
            app.activitySources = ActivitySources(providers: [])
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            let groupPage = try await staff.get(F.groupPath(group))
            #expect(groupPage.text.contains("href=\"\(F.groupPath(group))/overview\""))
            #expect(groupPage.text.contains("href=\"\(F.groupPath(group))/check-ins\""))
            let saved = try await staff.post(F.groupPath(group) + "/sessions/1/attendance", ["s1-" + member: "attended"])
            #expect(saved.status == .seeOther)
            try await F.write(sam, "/my/check-ins", "A question about the homework")
            try await F.write(sam, "/my/check-ins", "And a second one")
            try await F.travel(hand, to: "2026-03-04T09:30:00Z", staff)

            let page = try await staff.get(F.groupPath(group) + "/overview")
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("At a glance: Tuesday evening group"))
            #expect(text.contains("Attended 1, missed 0, excused 0"))
            #expect(text.contains("2 unread messages; the oldest waiting since 4 Mar 2026, 09:00 UTC."))
            #expect(text.contains("Sent a check-in 4 Mar 2026, 09:00 UTC"))
            #expect(text.contains("Practice log not connected"))
            #expect(text.contains("Pain diary not connected"))
            #expect(text.contains("Thought tool not connected"))
            #expect(text.contains("No open flags."))
            #expect(!text.contains("A question about the homework"), "the overview shows counts, not message text")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .engagementViewed).count() == 1)
        }
    }

    @Test("Practice minutes, the diary trend and thought-tool use come from the providers plugged into the seam")
    func providerColumns() async throws {
        try await withTendApp { app in
            let (staff, group, _, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try #require(try await RosterMemberModel.query(on: app.db).first()?.id)
            func entry(_ date: String, pain: Int, craving: Int, doses: Int) -> DiaryEntry {
                DiaryEntry(date: Self.day(date), pain: pain, craving: craving, doses: [DoseTaken(medicineID: "m", doses: doses)])
            }
            app.activitySources = ActivitySources(providers: [FixedActivityProvider(entries: [member: ActivityContribution(
                practice: [PracticeEntry(date: Self.day("2026-03-05"), minutes: 30),
                           PracticeEntry(date: Self.day("2026-03-16"), minutes: 20),
                           PracticeEntry(date: Self.day("2026-03-18"), minutes: 25)],
                diary: [entry("2026-03-06", pain: 3, craving: 5, doses: 2), entry("2026-03-08", pain: 3, craving: 5, doses: 2),
                        entry("2026-03-13", pain: 6, craving: 5, doses: 1), entry("2026-03-17", pain: 7, craving: 5, doses: 1)],
                thoughtToolDates: [Self.day("2026-03-17"), Self.day("2026-03-02")])])])
            try await F.travel(hand, to: "2026-03-18T12:00:00Z", staff)
            let text = try await staff.get(F.groupPath(group) + "/overview").text
            #expect(text.contains("45 minutes"))
            #expect(text.contains("Pain rising, craving steady, doses falling (this week against last)"))
            #expect(text.contains("1 record"))
            #expect(text.contains("Logged an entry on 2026-03-18"))
            #expect(text.contains("No open flags."))
        }
    }

    @Test("Without a practice log or diary nobody is flagged quiet; with one, ten silent days raise the flag")
    func quietNeedsALog() async throws {
        try await withTendApp { app in
            app.activitySources = ActivitySources(providers: [])
            let (staff, group, _, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            try await F.travel(hand, to: "2026-03-14T12:00:00Z", staff)
            #expect(!(try await staff.get(F.groupPath(group) + "/overview").text.contains("Flag: No practice or diary")))
            let member = try #require(try await RosterMemberModel.query(on: app.db).first()?.id)
            app.activitySources = ActivitySources(providers: [FixedActivityProvider(supplies: [.practice], entries: [
                member: ActivityContribution(practice: [PracticeEntry(date: Self.day("2026-03-04"), minutes: 10)]),
            ])])
            let text = try await staff.get(F.groupPath(group) + "/overview").text
            #expect(text.contains("Flag: No practice or diary."))
            #expect(text.contains("Nothing logged for 10 days; the last entry was on 2026-03-04."))
            #expect(text.contains("Pain diary not connected"), "only the practice log is connected")
        }
    }
}
