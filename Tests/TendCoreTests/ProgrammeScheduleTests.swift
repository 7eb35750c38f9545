import Foundation
import Testing
@testable import TendCore

// Expected instants are worked out by hand from the published clock-change rules, not from our output:
// UK (Europe/London) changes at 01:00 UTC on the last Sunday of March (GMT → BST, +1 h) and of October
// (back); in 2026 those are 29 March and 25 October. The US (America/New_York) changes at 02:00 local on
// the second Sunday of March (EST −5 → EDT −4) and the first Sunday of November; in 2026 those are
// 8 March and 1 November. Brazil (America/Sao_Paulo) began summer time at midnight on 4 November 2018,
// so that midnight did not exist (00:00 −03 → 01:00 −02).

private func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}

private func date(_ text: String) -> LocalDate { LocalDate(text)! }
private func time(_ text: String) -> LocalTime { LocalTime(text)! }
private func zone(_ id: String) -> TimeZone { TimeZone(identifier: id)! }

/// A programme with sessions numbered as given (and, for daily practice, the days of each module).
private func syntheticProgramme(_ delivery: Programme.DeliveryMode, numbers: [Int], days: [Int]? = nil, minutes: Int = 90,
                        versions: [ProgrammeVersion]? = nil) -> Programme {
    let format: Session.Format = delivery == .scheduledGroup ? .group : delivery == .weeklySelfHelp ? .selfHelp : .daily
    let sessions = numbers.enumerated().map { i, n in
        Session(number: n, title: "Unit \(n)", minutes: minutes, format: format, days: days?[i], summary: "s",
                segments: [Segment(kind: .psychoeducation, minutes: minutes)], body: "b")
    }
    return Programme(id: "synthetic", title: "Synthetic", summary: "s", audience: "a", delivery: delivery, arm: .intervention,
                     versions: versions ?? [ProgrammeVersion(id: "all", title: "All", sessionNumbers: numbers)],
                     sessions: sessions, exercises: [], handouts: [], introduction: "i")
}

@Suite("Programme schedules: group meetings across daylight-saving changes")
struct ProgrammeGroupScheduleTests {
    @Test("A Sunday 01:30 London group: the spring-forward Sunday moves to 02:30 BST, then 01:30 BST")
    func londonSpringForwardSkippedTime() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2, 3, 4])
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-03-15"), weekday: .sunday, time: time("01:30"), timeZone: zone("Europe/London"))))
        #expect(s.items.map(\.opensAt) == [utc("2026-03-15T01:30:00Z"), utc("2026-03-22T01:30:00Z"), utc("2026-03-29T01:30:00Z"), utc("2026-04-05T00:30:00Z")])
        #expect(s.items.map(\.adjustment) == [.none, .none, .movedForward(seconds: 3600), .none])
        #expect(s.items[2].local.description == "2026-03-29 02:30 +01:00")
        #expect(s.items[3].local.description == "2026-04-05 01:30 +01:00")
        #expect(s.items.map { $0.local.date.weekday } == [.sunday, .sunday, .sunday, .sunday])
    }

    @Test("A Sunday 01:30 London group on the fall-back Sunday meets at the first 01:30 (BST)")
    func londonFallBackRepeatedTime() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2, 3])
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-10-18"), weekday: .sunday, time: time("01:30"), timeZone: zone("Europe/London"))))
        #expect(s.items.map(\.opensAt) == [utc("2026-10-18T00:30:00Z"), utc("2026-10-25T00:30:00Z"), utc("2026-11-01T01:30:00Z")])
        #expect(s.items.map(\.adjustment) == [.none, .firstOfTwo, .none])
        #expect(s.items[1].local.description == "2026-10-25 01:30 +01:00")
        // The 90-minute meeting ends at 02:00 UTC, which is 02:00 GMT on the wall clock.
        #expect(s.items[1].endsAt == utc("2026-10-25T02:00:00Z"))
    }

    @Test("A Tuesday 18:00 New York group keeps 18:00 on the wall clock: 167 hours apart in March, 169 in November")
    func newYorkWeeklyIntervals() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2])
        let spring = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-03-03"), weekday: .tuesday, time: time("18:00"), timeZone: zone("America/New_York"))))
        #expect(spring.items.map(\.opensAt) == [utc("2026-03-03T23:00:00Z"), utc("2026-03-10T22:00:00Z")])
        #expect(spring.items[1].opensAt.timeIntervalSince(spring.items[0].opensAt) == 167 * 3600)
        let autumn = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-10-27"), weekday: .tuesday, time: time("18:00"), timeZone: zone("America/New_York"))))
        #expect(autumn.items.map(\.opensAt) == [utc("2026-10-27T22:00:00Z"), utc("2026-11-03T23:00:00Z")])
        #expect(autumn.items[1].opensAt.timeIntervalSince(autumn.items[0].opensAt) == 169 * 3600)
        #expect(autumn.items.allSatisfy { $0.local.time == time("18:00") })
    }

    @Test("02:30 on the New York spring-forward Sunday does not exist: the meeting moves to 03:30 EDT")
    func newYorkSkippedTime() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2])
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-03-08"), weekday: .sunday, time: time("02:30"), timeZone: zone("America/New_York"))))
        #expect(s.items[0].opensAt == utc("2026-03-08T07:30:00Z"))
        #expect(s.items[0].adjustment == .movedForward(seconds: 3600))
        #expect(s.items[0].local.description == "2026-03-08 03:30 -04:00")
        #expect(s.items[1].opensAt == utc("2026-03-15T06:30:00Z"))
    }

    @Test("A New York group seen from London: 23:00, then 22:00 for the three weeks the clocks disagree, then 23:00")
    func participantTimeZone() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2, 3, 4, 5])
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-03-03"), weekday: .tuesday, time: time("18:00"), timeZone: zone("America/New_York"))))
        let london = s.items.map { $0.local(in: zone("Europe/London")) }
        #expect(london.map(\.time.description) == ["23:00", "22:00", "22:00", "22:00", "23:00"])
        #expect(london.map(\.date.description) == ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24", "2026-03-31"])
        #expect(london.map(\.utcOffsetSeconds) == [0, 0, 0, 0, 3600])
        // Seen from Auckland (UTC+13 until 5 April 2026) the meeting is on Wednesday.
        #expect(s.items[0].local(in: zone("Pacific/Auckland")).description == "2026-03-04 12:00 +13:00")
    }

    @Test("The first meeting is on the first chosen weekday on or after the start date")
    func firstMeeting() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2])
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-01-01"), weekday: .tuesday, time: time("10:00"), timeZone: zone("Europe/London"))))
        #expect(s.items.map(\.local.date.description) == ["2026-01-06", "2026-01-13"])
        let sameDay = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-01-06"), weekday: .tuesday, time: time("10:00"), timeZone: zone("Europe/London"))))
        #expect(sameDay.items[0].local.date == date("2026-01-06"))
    }

    @Test("A skipped week moves that meeting and every later one back a week")
    func skippedWeeks() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2, 3, 4])
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-01-06"), weekday: .tuesday, time: time("10:00"),
                                                                  timeZone: zone("Europe/London"), skippedDates: [date("2026-01-20"), date("2026-01-27")])))
        #expect(s.items.map(\.local.date.description) == ["2026-01-06", "2026-01-13", "2026-02-03", "2026-02-10"])
    }

    @Test("The 8-session version numbers its meetings by content number and skips 5 and 9")
    func versionOrder() throws {
        let versions = [ProgrammeVersion(id: "eight", title: "8", sessionNumbers: [1, 2, 3, 4, 6, 7, 8, 10]),
                        ProgrammeVersion(id: "ten", title: "10", sessionNumbers: Array(1...10))]
        let p = syntheticProgramme(.scheduledGroup, numbers: Array(1...10), versions: versions)
        let plan = DeliveryPlan.group(GroupPlan(startDate: date("2026-01-06"), weekday: .tuesday, time: time("18:00"), timeZone: zone("Europe/London")))
        let eight = try Schedule(programme: p, versionID: "eight", plan: plan)
        #expect(eight.items.map(\.sessionNumber) == [1, 2, 3, 4, 6, 7, 8, 10])
        #expect(eight.items.map(\.position) == Array(1...8))
        #expect(eight.items[4].local.date == date("2026-02-03"))
        let ten = try Schedule(programme: p, versionID: "ten", plan: plan)
        #expect(ten.items.count == 10)
        #expect(ten.items.last?.local.date == date("2026-03-10"))
        // Default version is the first.
        #expect(try Schedule(programme: p, plan: plan).versionID == "eight")
    }

    @Test("Joining late: every session that has met is open, and the next meeting is known")
    func lateEnrolment() throws {
        let versions = [ProgrammeVersion(id: "eight", title: "8", sessionNumbers: [1, 2, 3, 4, 6, 7, 8, 10])]
        let p = syntheticProgramme(.scheduledGroup, numbers: Array(1...10), versions: versions)
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-01-06"), weekday: .tuesday, time: time("18:00"), timeZone: zone("Europe/London"))))
        // Thursday after the fourth meeting (27 January).
        let status = s.status(at: utc("2026-01-29T12:00:00Z"))
        #expect(status.unlockedSessionNumbers == [1, 2, 3, 4])
        #expect(status.current?.sessionNumber == 4)
        #expect(status.next?.sessionNumber == 6)
        #expect(status.next?.opensAt == utc("2026-02-03T18:00:00Z"))
        #expect(!status.finished && !status.notStarted)
        #expect(s.isUnlocked(session: 3, at: utc("2026-01-29T12:00:00Z")))
        #expect(!s.isUnlocked(session: 5, at: utc("2099-01-01T00:00:00Z")), "session 5 is not in the 8-session version")
    }

    @Test("Before, during and after a meeting")
    func meetingStates() throws {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1, 2], minutes: 90)
        let s = try Schedule(programme: p, plan: .group(GroupPlan(startDate: date("2026-01-06"), weekday: .tuesday, time: time("18:00"), timeZone: zone("Europe/London"))))
        let before = s.status(at: utc("2026-01-06T17:59:59Z"))
        #expect(before.notStarted && before.next?.sessionNumber == 1 && before.meetingInProgress == nil)
        let during = s.status(at: utc("2026-01-06T18:00:00Z"))
        #expect(during.unlockedSessionNumbers == [1] && during.meetingInProgress?.sessionNumber == 1)
        #expect(s.status(at: utc("2026-01-06T19:29:59Z")).meetingInProgress?.sessionNumber == 1)
        #expect(s.status(at: utc("2026-01-06T19:30:00Z")).meetingInProgress == nil)
        let lastDuring = s.status(at: utc("2026-01-13T19:00:00Z"))
        #expect(!lastDuring.finished && lastDuring.next == nil)
        let after = s.status(at: utc("2026-01-13T19:30:00Z"))
        #expect(after.finished && after.unlockedSessionNumbers == [1, 2])
    }

    @Test("A plan that does not suit the programme, or an unknown version, is an error naming the field")
    func errors() {
        let p = syntheticProgramme(.scheduledGroup, numbers: [1])
        let daily = DeliveryPlan.daily(DailyPlan(startDate: date("2026-01-01"), timeZone: zone("Europe/London")))
        #expect(throws: ScheduleError.self) { try Schedule(programme: p, plan: daily) }
        do {
            _ = try Schedule(programme: p, versionID: "twelve", plan: .group(GroupPlan(startDate: date("2026-01-01"), weekday: .monday, time: time("10:00"), timeZone: zone("UTC"))))
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "version" && error.value == "\"twelve\"" && error.expected.contains("all"))
        }
    }
}

@Suite("Programme schedules: weekly self-help releases")
struct ProgrammeSelfHelpScheduleTests {
    let course = syntheticProgramme(.weeklySelfHelp, numbers: [1, 2, 3, 4], minutes: 60)

    @Test("Modules open at midnight on the chosen weekday, one a week, across the London spring change")
    func weeklyReleases() throws {
        // Enrolled Friday 20 March 2026, chose Sunday.
        let s = try Schedule(programme: course, plan: .selfHelp(SelfHelpPlan(enrolmentDate: date("2026-03-20"), weekday: .sunday, timeZone: zone("Europe/London"))))
        #expect(s.items.map(\.opensAt) == [utc("2026-03-22T00:00:00Z"), utc("2026-03-29T00:00:00Z"), utc("2026-04-04T23:00:00Z"), utc("2026-04-11T23:00:00Z")])
        #expect(s.items.map(\.local.time) == Array(repeating: time("00:00"), count: 4))
        #expect(s.items.allSatisfy { $0.endsAt == nil })
    }

    @Test("Every earlier module stays open: at every hour the open modules are 1…k, k never falls, and k counts the releases passed")
    func earlierModulesStayOpen() throws {
        let s = try Schedule(programme: course, plan: .selfHelp(SelfHelpPlan(enrolmentDate: date("2026-10-14"), weekday: .monday, timeZone: zone("Europe/London"), releaseTime: time("08:00"))))
        let releases = [utc("2026-10-19T07:00:00Z"), utc("2026-10-26T08:00:00Z"), utc("2026-11-02T08:00:00Z"), utc("2026-11-09T08:00:00Z")]
        #expect(s.items.map(\.opensAt) == releases)
        var previous = 0
        var t = utc("2026-10-14T00:00:00Z")
        while t < utc("2026-11-30T00:00:00Z") {
            let status = s.status(at: t)
            let k = status.unlockedSessionNumbers.count
            #expect(status.unlockedSessionNumbers == Array([1, 2, 3, 4].prefix(k)))
            #expect(k >= previous)
            #expect(k == releases.filter { $0 <= t }.count)
            #expect(status.next?.sessionNumber == (k < 4 ? k + 1 : nil))
            previous = k
            t = t.addingTimeInterval(3600)
        }
        #expect(s.status(at: utc("2027-06-01T00:00:00Z")).unlockedSessionNumbers == [1, 2, 3, 4])
        #expect(s.status(at: utc("2027-06-01T00:00:00Z")).finished)
    }

    @Test("Enrolling on the chosen weekday after the release time: module 1 is already open")
    func lateOnReleaseDay() throws {
        let s = try Schedule(programme: course, plan: .selfHelp(SelfHelpPlan(enrolmentDate: date("2026-03-30"), weekday: .monday, timeZone: zone("Europe/London"), releaseTime: time("09:00"))))
        #expect(s.items[0].opensAt == utc("2026-03-30T08:00:00Z"))
        let status = s.status(at: utc("2026-03-30T11:00:00Z"))
        #expect(status.unlockedSessionNumbers == [1])
        #expect(status.next?.opensAt == utc("2026-04-06T08:00:00Z"))
    }

    @Test("First module on enrolment: module 2 on the first chosen weekday at least a week later")
    func firstModuleOnEnrolment() throws {
        // Enrolled Wednesday 25 March, chose Monday: module 1 that day, then Mondays 6, 13 and 20 April.
        let s = try Schedule(programme: course, plan: .selfHelp(SelfHelpPlan(enrolmentDate: date("2026-03-25"), weekday: .monday, timeZone: zone("Europe/London"), firstModule: .onEnrolment)))
        #expect(s.items.map(\.local.date.description) == ["2026-03-25", "2026-04-06", "2026-04-13", "2026-04-20"])
        // Enrolled on a Monday: the next module is exactly a week later.
        let monday = try Schedule(programme: course, plan: .selfHelp(SelfHelpPlan(enrolmentDate: date("2026-03-30"), weekday: .monday, timeZone: zone("Europe/London"), firstModule: .onEnrolment)))
        #expect(monday.items.map(\.local.date.description) == ["2026-03-30", "2026-04-06", "2026-04-13", "2026-04-20"])
    }

    @Test("A release time skipped by the clock change opens at the first minute that exists")
    func releaseInGap() throws {
        let s = try Schedule(programme: course, plan: .selfHelp(SelfHelpPlan(enrolmentDate: date("2026-03-22"), weekday: .sunday, timeZone: zone("Europe/London"), releaseTime: time("01:15"))))
        #expect(s.items[1].opensAt == utc("2026-03-29T01:15:00Z"))
        #expect(s.items[1].local.description == "2026-03-29 02:15 +01:00")
        #expect(s.items[1].adjustment == .movedForward(seconds: 3600))
    }
}

@Suite("Programme schedules: daily practice")
struct ProgrammeDailyScheduleTests {
    // Five teaching modules of 2 days, then the combined practice for 11 days: 21 days.
    let course = syntheticProgramme(.dailyPractice, numbers: [1, 2, 3, 4, 5, 6], days: [2, 2, 2, 2, 2, 11], minutes: 15)

    @Test("21 days, each opening at local midnight, across the London spring change")
    func days() throws {
        let s = try Schedule(programme: course, plan: .daily(DailyPlan(startDate: date("2026-03-27"), timeZone: zone("Europe/London"))))
        #expect(s.items.count == 21)
        #expect(s.items.map(\.sessionNumber) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5] + Array(repeating: 6, count: 11))
        #expect(s.items.map(\.dayOfModule!) == [1, 2, 1, 2, 1, 2, 1, 2, 1, 2] + Array(1...11))
        #expect(s.items[2].opensAt == utc("2026-03-29T00:00:00Z"))
        #expect(s.items[3].opensAt == utc("2026-03-29T23:00:00Z"))
        // Day 3 lasts 23 hours.
        #expect(s.items[3].opensAt.timeIntervalSince(s.items[2].opensAt) == 23 * 3600)
        let lateOnDay3 = s.status(at: utc("2026-03-29T22:59:00Z"))
        #expect(lateOnDay3.unlockedSessionNumbers == [1, 2])
        #expect(lateOnDay3.current?.position == 3)
        #expect(lateOnDay3.next?.position == 4)
        let day11 = s.status(at: utc("2026-04-06T09:00:00Z"))
        #expect(day11.current?.sessionNumber == 6 && day11.current?.dayOfModule == 1)
        #expect(day11.unlockedSessionNumbers == [1, 2, 3, 4, 5, 6])
        #expect(!day11.finished)
        // Day 21 is 16 April; the course has finished when 17 April begins (BST).
        #expect(!s.status(at: utc("2026-04-16T22:59:00Z")).finished)
        #expect(s.status(at: utc("2026-04-16T23:00:00Z")).finished)
    }

    @Test("A skipped midnight: the day opens at the first instant that exists (São Paulo, 4 November 2018)")
    func skippedMidnight() throws {
        let s = try Schedule(programme: course, plan: .daily(DailyPlan(startDate: date("2018-11-03"), timeZone: zone("America/Sao_Paulo"))))
        #expect(s.items[0].opensAt == utc("2018-11-03T03:00:00Z"))
        #expect(s.items[1].opensAt == utc("2018-11-04T03:00:00Z"))
        #expect(s.items[1].local.description == "2018-11-04 01:00 -02:00")
        #expect(s.items[1].adjustment == .movedForward(seconds: 3600))
        #expect(s.items[2].opensAt == utc("2018-11-05T02:00:00Z"))
    }
}
