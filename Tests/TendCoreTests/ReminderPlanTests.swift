import Foundation
import Testing
@testable import TendCore

// Expected instants are worked out by hand: London goes from GMT to BST at 01:00 UTC on Sunday
// 29 March 2026, so 08:00 on Saturday 28 March is 08:00Z and 08:00 on Sunday 29 March is 07:00Z;
// 01:30 on 29 March does not exist and is read as 02:30 BST (01:30Z).

private func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}

private let london = TimeZone(identifier: "Europe/London")!

private func preference(_ days: Set<Weekday>, _ time: String, quiet: (String, String)? = nil) -> ReminderPreference {
    ReminderPreference(weekdays: days, time: LocalTime(time)!, timeZone: london,
                       quietStart: quiet.map { LocalTime($0.0)! }, quietEnd: quiet.map { LocalTime($0.1)! })
}

/// A weekly group of four 90-minute meetings, Tuesdays 18:30 London time from 17 March 2026 (the third
/// one, 31 March, is the first after the clocks go forward).
private func meetings() throws -> [ScheduledItem] {
    let sessions = (1...4).map { n in
        Session(number: n, title: "Session \(n)", minutes: 90, format: .group, days: nil, summary: "s",
                segments: [Segment(kind: .psychoeducation, minutes: 90)], body: "b")
    }
    let programme = Programme(id: "p", title: "P", summary: "s", audience: "a", delivery: .scheduledGroup, arm: .intervention,
                              versions: [ProgrammeVersion(id: "all", title: "All", sessionNumbers: [1, 2, 3, 4])],
                              sessions: sessions, exercises: [], handouts: [], introduction: "i")
    return try Schedule(programme: programme, plan: .group(GroupPlan(startDate: LocalDate("2026-03-17")!, weekday: .tuesday,
                                                                     time: LocalTime("18:30")!, timeZone: london))).items
}

@Suite("Reminder plan: which reminders fall in a window")
struct ReminderPlanTests {
    @Test("Practice reminders keep their wall-clock time across the March clock change in London")
    func practiceAcrossSpringForward() {
        let choices = ReminderChoices(preference: preference([.saturday, .sunday, .monday], "08:00"))
        let plan = ReminderPlan.occurrences(choices: choices, schedule: [], after: utc("2026-03-27T12:00:00Z"),
                                            through: utc("2026-03-30T12:00:00Z"))
        #expect(plan.map(\.due) == [utc("2026-03-28T08:00:00Z"), utc("2026-03-29T07:00:00Z"), utc("2026-03-30T07:00:00Z")])
        #expect(plan.map(\.deliverAt) == plan.map(\.due))
        #expect(plan.allSatisfy { $0.kind == .practice })
        #expect(plan[1].key(for: "u1") == "practice:u1:20260329T070000Z")
    }

    @Test("A practice time the clocks skip is moved forward by the gap")
    func skippedPracticeTime() {
        let choices = ReminderChoices(preference: preference([.sunday], "01:30"))
        let plan = ReminderPlan.occurrences(choices: choices, schedule: [], after: utc("2026-03-28T00:00:00Z"),
                                            through: utc("2026-03-30T00:00:00Z"))
        #expect(plan.map(\.due) == [utc("2026-03-29T01:30:00Z")])
    }

    @Test("A reminder in the quiet hours goes out when they end; its key keeps the time it was due")
    func quietHours() {
        let choices = ReminderChoices(preference: preference([.monday], "06:30", quiet: ("22:00", "07:30")))
        let plan = ReminderPlan.occurrences(choices: choices, schedule: [], after: utc("2026-03-01T00:00:00Z"),
                                            through: utc("2026-03-03T00:00:00Z"))
        #expect(plan.count == 1)
        #expect(plan.first?.due == utc("2026-03-02T06:30:00Z"))
        #expect(plan.first?.deliverAt == utc("2026-03-02T07:30:00Z"))
        #expect(plan.first?.occurrence == "20260302T063000Z")
    }

    @Test("The window is open at the start and closed at the end, so consecutive windows never repeat one")
    func windowEdges() {
        let choices = ReminderChoices(preference: preference([.monday], "08:00"))
        let due = utc("2026-03-02T08:00:00Z")
        #expect(ReminderPlan.occurrences(choices: choices, schedule: [], after: due, through: due.addingTimeInterval(86_400)).isEmpty)
        #expect(ReminderPlan.occurrences(choices: choices, schedule: [], after: due.addingTimeInterval(-1), through: due).map(\.due) == [due])
        #expect(ReminderPlan.occurrences(choices: choices, schedule: [], after: due, through: due).isEmpty)
    }

    @Test("No weekdays, no leads and no releases: nothing is planned")
    func nothingChosen() throws {
        let choices = ReminderChoices(preference: preference([], "08:00"))
        #expect(ReminderPlan.occurrences(choices: choices, schedule: try meetings(), after: utc("2026-03-01T00:00:00Z"),
                                         through: utc("2026-05-01T00:00:00Z")).isEmpty)
    }

    @Test("Meeting reminders an hour and a day before, at the wall-clock time across the clock change")
    func meetingReminders() throws {
        let choices = ReminderChoices(preference: preference([], "08:00"), meetingLeads: [.hourBefore, .dayBefore])
        let plan = ReminderPlan.occurrences(choices: choices, schedule: try meetings(), after: utc("2026-03-29T12:00:00Z"),
                                            through: utc("2026-04-01T00:00:00Z"))
        // The meeting on Tuesday 31 March is at 18:30 BST = 17:30Z.
        #expect(plan.map(\.due) == [utc("2026-03-30T17:30:00Z"), utc("2026-03-31T16:30:00Z")])
        #expect(plan.map(\.occurrence) == ["day-before:20260331T173000Z", "hour-before:20260331T173000Z"])
        #expect(plan.allSatisfy { $0.kind == .meeting && $0.item?.sessionNumber == 3 })
    }

    @Test("A meeting reminder that quiet hours would hold until the meeting has started is dropped")
    func meetingReminderInQuietHoursDropped() throws {
        let choices = ReminderChoices(preference: preference([], "08:00", quiet: ("17:00", "21:00")), meetingLeads: [.hourBefore, .dayBefore])
        let plan = ReminderPlan.occurrences(choices: choices, schedule: try meetings(), after: utc("2026-03-16T00:00:00Z"),
                                            through: utc("2026-03-18T00:00:00Z"))
        // The day-before reminder (Monday 18:30) is held to 21:00, still before the meeting; the hour-before
        // one (Tuesday 17:30) would be held to 21:00, after the meeting began at 18:30.
        #expect(plan.map(\.occurrence) == ["day-before:20260317T183000Z"])
        #expect(plan.first?.deliverAt == utc("2026-03-16T21:00:00Z"))
    }

    @Test("Release reminders when each module opens, and not for meetings")
    func releases() throws {
        let sessions = (1...3).map { n in
            Session(number: n, title: "Module \(n)", minutes: 30, format: .selfHelp, days: nil, summary: "s",
                    segments: [Segment(kind: .psychoeducation, minutes: 30)], body: "b")
        }
        let programme = Programme(id: "s", title: "S", summary: "s", audience: "a", delivery: .weeklySelfHelp, arm: .intervention,
                                  versions: [ProgrammeVersion(id: "all", title: "All", sessionNumbers: [1, 2, 3])],
                                  sessions: sessions, exercises: [], handouts: [], introduction: "i")
        let items = try Schedule(programme: programme, plan: .selfHelp(SelfHelpPlan(enrolmentDate: LocalDate("2026-03-16")!, weekday: .monday,
                                                                                    timeZone: london, releaseTime: LocalTime("09:00")!))).items
        let choices = ReminderChoices(preference: preference([], "08:00"), releases: true)
        let plan = ReminderPlan.occurrences(choices: choices, schedule: items + (try meetings()), after: utc("2026-03-20T00:00:00Z"),
                                            through: utc("2026-04-01T00:00:00Z"))
        // Module 2 on Monday 23 March 09:00 GMT, module 3 on Monday 30 March 09:00 BST (08:00Z).
        #expect(plan.map(\.due) == [utc("2026-03-23T09:00:00Z"), utc("2026-03-30T08:00:00Z")])
        #expect(plan.map { $0.item?.sessionNumber } == [2, 3])
        #expect(plan.allSatisfy { $0.kind == .release })
    }
}
