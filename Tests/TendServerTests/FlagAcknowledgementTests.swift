import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Flags: raised by the rules, recorded when first seen, acknowledged with a note, and each group's
/// thresholds.
@Suite("Engagement flags and their acknowledgement")
struct FlagAcknowledgementTests {
    typealias F = ParticipantFixtures

    static func overview(_ browser: Browser, _ group: UUID) async throws -> String {
        let page = try await browser.get(F.groupPath(group) + "/overview")
        #expect(page.status == .ok)
        return page.text
    }

    static func flags(_ app: Application) async throws -> [EngagementFlagModel] {
        try await EngagementFlagModel.query(on: app.db).sort(\.$firstSeenAt, .ascending).all()
    }

    @Test("A check-in left unanswered for 48 hours raises a flag, recorded when first seen")
    func unansweredCheckInFlagged() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            try await F.write(sam, "/my/check-ins", "Is anyone there?")
            try await F.travel(hand, to: "2026-03-06T08:30:00Z", staff)
            #expect(!(try await Self.overview(staff, group).contains("Flag: Check-in waiting")), "47½ hours: not yet")
            #expect(try await Self.flags(app).isEmpty)

            try await F.travel(hand, to: "2026-03-06T09:30:00Z", staff)
            let text = try await Self.overview(staff, group)
            #expect(text.contains("Flag: Check-in waiting for a reply."))
            #expect(text.contains("A check-in has waited 48 hours for a reply."))
            #expect(text.contains("First seen 6 Mar 2026, 09:30 UTC."))
            #expect(text.contains("1 open flag."))
            let records = try await Self.flags(app)
            #expect(records.count == 1)
            #expect(records.first?.kind == .checkInWaiting)
            #expect(records.first?.since == "2026-03-04")
            #expect(records.first?.firstSeenAt == F.instant("2026-03-06T09:30:00Z"))

            try await F.travel(hand, to: "2026-03-06T11:00:00Z", staff)
            _ = try await Self.overview(staff, group)
            #expect(try await Self.flags(app).first?.firstSeenAt == F.instant("2026-03-06T09:30:00Z"), "first seen stays")
        }
    }

    @Test("Acknowledging needs a note; it stays acknowledged while the check-in waits, and a new wait raises a new flag")
    func acknowledgeWithNote() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            try await F.write(sam, "/my/check-ins", "Is anyone there?")
            try await F.travel(hand, to: "2026-03-06T09:30:00Z", staff, sam)
            _ = try await Self.overview(staff, group)
            let flag = try #require(try await Self.flags(app).first).id!.uuidString.lowercased()
            let action = F.groupPath(group) + "/flags/" + flag + "/acknowledge"

            let empty = try await staff.post(action, ["note-" + flag: "  "])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Write a short note on what you did or decided about this flag"))
            #expect(empty.text.contains("href=\"#note-\(flag)\""))
            let long = String(repeating: "n", count: 1001)
            let tooLong = try await staff.post(action, ["note-" + flag: long])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(tooLong.text.contains("Note must be 1000 characters or fewer; this one has 1001"))
            #expect(tooLong.text.contains(long), "the note typed is kept")
            #expect(try await Self.flags(app).first?.acknowledgedAt == nil)

            let done = try await staff.post(action, ["note-" + flag: "Rang Sam, who is fine; replying today"])
            #expect(done.status == .seeOther)
            #expect(done.location == F.groupPath(group) + "/overview#member-" + member)
            var text = try await Self.overview(staff, group)
            #expect(text.contains("No open flags."))
            #expect(text.contains("Flag history (1)"))
            #expect(text.contains("Rang Sam, who is fine; replying today"))
            #expect(text.contains("acknowledged 6 Mar 2026, 09:30 UTC by Test Facilitator; still holds."))
            let events = try await AuditEventModel.query(on: app.db).filter(\.$action == .flagAcknowledged).all()
            #expect(events.count == 1)
            #expect(events.first?.subjectID?.uuidString.lowercased() == member)

            try await F.travel(hand, to: "2026-03-07T10:00:00Z", staff, sam)
            text = try await Self.overview(staff, group)
            #expect(!text.contains("Flag: Check-in waiting"), "the same wait stays acknowledged")
            #expect(try await Self.flags(app).count == 1)

            try await F.write(staff, F.conversationPath(group, member), "Sorry for the wait, here now")
            text = try await Self.overview(staff, group)
            #expect(text.contains("cleared 7 Mar 2026, 10:00 UTC."))

            try await F.travel(hand, to: "2026-03-07T11:00:00Z", staff, sam)
            try await F.write(sam, "/my/check-ins", "Thanks, one more thing")
            try await F.travel(hand, to: "2026-03-09T12:00:00Z", staff)
            text = try await Self.overview(staff, group)
            #expect(text.contains("Flag: Check-in waiting for a reply."), "the condition came back: a new flag")
            let records = try await Self.flags(app)
            #expect(records.count == 2)
            #expect(records.map(\.since) == ["2026-03-04", "2026-03-07"])
        }
    }

    @Test("A flag is keyed by member, kind and the day its condition began: back on the same day after clearing, it opens again")
    func sameDayRecurrence() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let member = try await F.memberID(app, code: "P-SAM")
            try await staff.get(F.groupPath(group) + "/flag-settings")
            let saved = try await staff.post(F.groupPath(group) + "/flag-settings", [
                "quietDays": "7", "risingCravingEntries": "3", "doseWindowDays": "7", "doseMargin": "0", "checkInReplyHours": "1",
            ])
            #expect(saved.status == .seeOther)
            try await F.write(sam, "/my/check-ins", "First")
            try await F.travel(hand, to: "2026-03-04T10:05:00Z", staff, sam)
            _ = try await Self.overview(staff, group)
            let first = try #require(try await Self.flags(app).first)
            let id = first.id!.uuidString.lowercased()
            try await staff.post(F.groupPath(group) + "/flags/\(id)/acknowledge", ["note-" + id: "Seen"])
            try await F.write(staff, F.conversationPath(group, member), "Reply")
            _ = try await Self.overview(staff, group)
            #expect(try await Self.flags(app).first?.clearedAt == F.instant("2026-03-04T10:05:00Z"))
            hand.set(F.instant("2026-03-04T10:10:00Z"))
            try await F.write(sam, "/my/check-ins", "Second")
            try await F.travel(hand, to: "2026-03-04T11:15:00Z", staff)
            let text = try await Self.overview(staff, group)
            #expect(text.contains("Flag: Check-in waiting for a reply."))
            let records = try await Self.flags(app)
            #expect(records.map(\.occurrence) == [1, 2])
            #expect(records.map(\.since) == ["2026-03-04", "2026-03-04"])
            #expect(records[0].acknowledgedAt != nil && records[0].clearedAt != nil)
            #expect(records[1].isOpen)
        }
    }

    @Test("A flag is acknowledged only through its own group, and a second acknowledgement changes nothing")
    func acknowledgeOnlyInItsGroup() async throws {
        try await withTendApp { app in
            let (staff, group, sam, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let otherGroup = try await F.createGroup(staff, F.selfHelpGroup)
            try await F.write(sam, "/my/check-ins", "Hello?")
            try await F.travel(hand, to: "2026-03-06T09:30:00Z", staff)
            _ = try await Self.overview(staff, group)
            let flag = try #require(try await Self.flags(app).first).id!.uuidString.lowercased()
            let wrong = try await staff.post(F.groupPath(otherGroup) + "/flags/\(flag)/acknowledge", ["note-" + flag: "Wrong group"])
            #expect(wrong.status == .notFound)
            #expect(try await Self.flags(app).first?.acknowledgedAt == nil)

            let action = F.groupPath(group) + "/flags/\(flag)/acknowledge"
            #expect(try await staff.post(action, ["note-" + flag: "First note"]).status == .seeOther)
            #expect(try await staff.post(action, ["note-" + flag: "Second note"]).status == .seeOther)
            #expect(try await Self.flags(app).first?.note == "First note")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .flagAcknowledged).count() == 1)
        }
    }

    @Test("Thresholds are checked field by field, with what was typed kept, and saved per group")
    func thresholdsValidated() async throws {
        try await withTendApp { app in
            let (staff, group, _, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-04T09:00:00Z")
            let path = F.groupPath(group) + "/flag-settings"
            let form = try await staff.get(path)
            #expect(form.status == .ok)
            #expect(form.text.contains("value=\"48\""), "the standard thresholds are shown")
            let bad = try await staff.post(path, [
                "quietDays": "0", "risingCravingEntries": "three", "doseWindowDays": "", "doseMargin": "-1", "checkInReplyHours": "400",
            ])
            #expect(bad.status == .unprocessableEntity)
            let text = bad.text
            #expect(text.contains("Quiet days must be 1 to 60 days (you entered 0)"))
            #expect(text.contains("Rising craving entries must be a whole number, like 7 (you entered “three”)"))
            #expect(text.contains("Enter dose comparison window as a whole number"))
            #expect(text.contains("Dose margin must be 0 to 20 doses a day (you entered -1.0)"))
            #expect(text.contains("Check-in wait must be 1 to 336 hours (you entered 400)"))
            #expect(text.contains("value=\"three\""))
            #expect(text.contains("value=\"400\""))
            #expect(try await GroupFlagSettingsModel.query(on: app.db).count() == 0)

            let good = try await staff.post(path, [
                "quietDays": "5", "risingCravingEntries": "4", "doseWindowDays": "10", "doseMargin": "1.5", "checkInReplyHours": "24",
            ])
            #expect(good.status == .seeOther)
            let stored = try #require(try await GroupFlagSettingsModel.query(on: app.db).first())
            #expect(stored.thresholds == FlagThresholds(quietDays: 5, risingCravingEntries: 4, doseWindowDays: 10, doseMargin: 1.5,
                                                        checkInReplyHours: 24))
            let overview = try await Self.overview(staff, group)
            #expect(overview.contains("a check-in waiting 24 hours for a reply"))
            #expect(try await staff.get(path).text.contains("value=\"1.5\""))
        }
    }
}
