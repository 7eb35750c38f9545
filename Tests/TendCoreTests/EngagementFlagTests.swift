import Foundation
import Testing
@testable import TendCore

@Suite("Engagement flags")
struct EngagementFlagTests {
    private func day(_ text: String) -> LocalDate { LocalDate(text)! }
    private let noon = Date(timeIntervalSince1970: 1_795_464_000)

    @Test("quiet is raised on the seventh day without practice or diary, counted from the last entry")
    func quiet() {
        let activity = ParticipantActivity(enrolledOn: day("2026-11-01"), practice: [PracticeEntry(date: day("2026-11-10"), minutes: 10)],
                                           diary: [DiaryEntry(date: day("2026-11-08"), pain: 5)])
        #expect(EngagementRules.flags(for: activity, today: day("2026-11-16"), now: noon).isEmpty)
        let flags = EngagementRules.flags(for: activity, today: day("2026-11-17"), now: noon)
        #expect(flags.map(\.kind) == [.quiet])
        #expect(flags.first?.since == day("2026-11-11"))
        #expect(flags.first?.key == "quiet/2026-11-11")
    }

    @Test("quiet counts from enrolment when nothing was ever logged")
    func quietSinceJoining() {
        let activity = ParticipantActivity(enrolledOn: day("2026-11-20"))
        #expect(EngagementRules.flags(for: activity, today: day("2026-11-25"), now: noon).isEmpty)
        #expect(EngagementRules.flags(for: activity, today: day("2026-11-26"), now: noon).map(\.kind) == [.quiet])
    }

    private func cravings(_ values: [Int]) -> [DiaryEntry] {
        values.enumerated().map { DiaryEntry(date: day("2026-11-20").adding(days: $0.offset), craving: $0.element) }
    }

    @Test("craving rising three entries running needs three rises in a row")
    func risingCraving() {
        let rules = FlagThresholds.standard
        #expect(EngagementRules.risingCraving(cravings([2, 3, 5, 6]), thresholds: rules)?.since == day("2026-11-21"))
        #expect(EngagementRules.risingCraving(cravings([2, 3, 3, 6]), thresholds: rules) == nil)
        #expect(EngagementRules.risingCraving(cravings([3, 5, 6]), thresholds: rules) == nil)
        #expect(EngagementRules.risingCraving(cravings([9, 1, 2, 3, 4]), thresholds: rules)?.detail == "Craving rose in 3 entries running: 1 → 2 → 3 → 4.")
        #expect(EngagementRules.risingCraving(cravings([9, 1, 2, 3]), thresholds: rules) == nil)
        #expect(EngagementRules.risingCraving(cravings([1, 2, 3]), thresholds: FlagThresholds(risingCravingEntries: 2)) != nil)
    }

    @Test("doses are compared with the participant's own first week of the diary")
    func dosesAboveBaseline() {
        let baseline = (0..<7).map { DiaryEntry(date: day("2026-11-01").adding(days: $0), doses: [DoseTaken(medicineID: "c", doses: 2)]) }
        let recent = ["2026-11-14", "2026-11-16", "2026-11-18", "2026-11-20"].map {
            DiaryEntry(date: day($0), doses: [DoseTaken(medicineID: "c", doses: 3)])
        }
        let flag = EngagementRules.dosesAboveBaseline(baseline + recent, today: day("2026-11-20"), thresholds: .standard)
        #expect(flag?.since == day("2026-11-14"))
        #expect(flag?.detail == "Mean 3 doses a day over the last 7 days, against 2 in the first week of the diary (2026-11-01 to 2026-11-07).")
        // Three diary days out of seven are too few to judge.
        #expect(EngagementRules.dosesAboveBaseline(baseline + recent.dropFirst(), today: day("2026-11-20"), thresholds: .standard) == nil)
        // A margin of one dose a day is not exceeded by a rise of exactly one.
        #expect(EngagementRules.dosesAboveBaseline(baseline + recent, today: day("2026-11-20"), thresholds: FlagThresholds(doseMargin: 1)) == nil)
        // The recent window may not overlap the baseline.
        #expect(EngagementRules.dosesAboveBaseline(baseline, today: day("2026-11-10"), thresholds: .standard) == nil)
    }

    @Test("a check-in is flagged once it has waited two days for a staff reply")
    func checkInWaiting() {
        let t0 = noon
        let messages = [CheckInMessage(author: .participant, sentAt: t0), CheckInMessage(author: .staff, sentAt: t0 + 3600),
                        CheckInMessage(author: .participant, sentAt: t0 + 7200), CheckInMessage(author: .participant, sentAt: t0 + 9000)]
        #expect(EngagementRules.checkInWaiting(messages, now: t0 + 7200 + 47 * 3600, thresholds: .standard) == nil)
        let flag = EngagementRules.checkInWaiting(messages, now: t0 + 7200 + 48 * 3600, thresholds: .standard)
        #expect(flag?.kind == .checkInWaiting)
        #expect(flag?.since == day("2026-11-23"))
        #expect(EngagementRules.checkInWaiting(messages + [CheckInMessage(author: .staff, sentAt: t0 + 10_000)],
                                               now: t0 + 100 * 3600, thresholds: .standard) == nil)
    }

    @Test("thresholds outside their ranges are refused field by field")
    func thresholds() {
        guard case .failure(let problems) = FlagThresholds(quietDays: 0, risingCravingEntries: 1, doseWindowDays: 7, doseMargin: -1,
                                                           checkInReplyHours: 48).validated()
        else { Issue.record("expected problems"); return }
        #expect(problems.problems.map(\.field) == ["quietDays", "risingCravingEntries", "doseMargin"])
        #expect((try? FlagThresholds.standard.validated().get()) == .standard)
    }
}

@Suite("Calendar feed and reminders")
struct DeliveryScheduleTests {
    @Test("iCalendar text is escaped and long lines are folded at 75 octets without splitting a character")
    func icalendar() {
        #expect(ICalendarFeed.escape("a,b;c\\d\nx") == "a\\,b\\;c\\\\d\\nx")
        let folded = ICalendarFeed.fold(String(repeating: "a", count: 100))
        #expect(folded == String(repeating: "a", count: 75) + "\r\n " + String(repeating: "a", count: 25))
        let accents = ICalendarFeed.fold("SUMMARY:" + String(repeating: "é", count: 40))
        for line in accents.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75) }
        #expect(accents.replacingOccurrences(of: "\r\n ", with: "") == "SUMMARY:" + String(repeating: "é", count: 40))
        #expect(ICalendarFeed.utc(Date(timeIntervalSince1970: 1_795_467_909)) == "20261123T210509Z")
    }

    @Test("a feed has one event per session with UTC times and CRLF line ends")
    func feed() {
        let start = Date(timeIntervalSince1970: 1_795_719_600)
        let text = ICalendarFeed.render(name: "My sessions", events: [CalendarEvent(uid: "g1-s3@tend", start: start, end: start + 5400,
                                                                                     summary: "Session 3, group", location: "https://call.example/abc")],
                                        stamp: Date(timeIntervalSince1970: 1_795_467_909))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.contains("DTSTART:20261126T190000Z"))
        #expect(lines.contains("DTEND:20261126T203000Z"))
        #expect(lines.contains("SUMMARY:Session 3\\, group"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("a reminder due in quiet hours goes out when they end, across the clocks going forward")
    func quietHours() {
        let london = TimeZone(identifier: "Europe/London")!
        let preference = ReminderPreference(weekdays: [.monday], time: LocalTime("19:00")!, timeZone: london,
                                            quietStart: LocalTime("22:00"), quietEnd: LocalTime("07:00"))
        // 23:30 GMT on Saturday 28 March 2026; quiet hours end at 07:00 BST on the 29th, 06:00 UTC.
        #expect(preference.deliveryTime(for: Date(timeIntervalSince1970: 1_774_740_600)) == Date(timeIntervalSince1970: 1_774_764_000))
        #expect(preference.isQuiet(LocalTime("06:59")!) && !preference.isQuiet(LocalTime("07:00")!) && preference.isQuiet(LocalTime("22:00")!))
    }

    @Test("the next practice reminder is the next chosen weekday at the chosen time")
    func nextReminder() {
        let london = TimeZone(identifier: "Europe/London")!
        let preference = ReminderPreference(weekdays: [.monday, .thursday], time: LocalTime("19:00")!, timeZone: london)
        // Monday 23 November 2026 20:00 GMT: Monday's 19:00 has passed, so Thursday 26th at 19:00.
        #expect(preference.nextPracticeReminder(after: Date(timeIntervalSince1970: 1_795_464_000)) == Date(timeIntervalSince1970: 1_795_719_600))
        #expect(ReminderPreference(weekdays: [], time: .midnight, timeZone: london).nextPracticeReminder(after: .now) == nil)
    }

    @Test("retries back off exponentially up to a cap, then dead-letter")
    func retryPolicy() {
        let policy = RetryPolicy.standard
        #expect((1...4).map { policy.next(afterFailedAttempts: $0) } == [.retry(after: 30), .retry(after: 60), .retry(after: 120), .retry(after: 240)])
        #expect(policy.next(afterFailedAttempts: 8) == .deadLetter)
        #expect(RetryPolicy(maximumAttempts: 20).next(afterFailedAttempts: 11) == .retry(after: 21_600))
    }
}
