import Foundation
import Testing
@testable import TendCore

private func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}

@Suite("Programme calendar: local dates, weekdays and wall-clock resolution")
struct ProgrammeCalendarTests {
    @Test("LocalDate agrees with Foundation's Gregorian calendar on every day from 1899 to 2101")
    func datesAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = LocalDate("1899-01-01")!.daysSinceEpoch
        let end = LocalDate("2101-12-31")!.daysSinceEpoch
        var mismatches = 0
        for days in start...end {
            let d = LocalDate(daysSinceEpoch: days)
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            // Foundation numbers weekdays Sunday 1 … Saturday 7; ISO Monday 1 … Sunday 7.
            let iso = (c.weekday! + 5) % 7 + 1
            if d.year != c.year || d.month != c.month || d.day != c.day || d.weekday.rawValue != iso || d.daysSinceEpoch != days {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("Known dates and weekdays")
    func knownDates() {
        #expect(LocalDate("1970-01-01")!.daysSinceEpoch == 0)
        #expect(LocalDate("1970-01-01")!.weekday == .thursday)
        #expect(LocalDate("2000-02-29")!.weekday == .tuesday)
        #expect(LocalDate("2026-03-29")!.weekday == .sunday)
        #expect(LocalDate("1969-12-31")!.daysSinceEpoch == -1)
        #expect(LocalDate("2026-03-27")!.next(.sunday) == LocalDate("2026-03-29"))
        #expect(LocalDate("2026-03-29")!.next(.sunday) == LocalDate("2026-03-29"))
        #expect(LocalDate("2026-12-28")!.adding(days: 7) == LocalDate("2027-01-04"))
    }

    @Test("Impossible dates and times are refused", arguments: ["2026-02-29", "2026-13-01", "2026-04-31", "26-01-01", "2026-1-1", "x"])
    func badDates(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test("Times parse on the 24-hour clock")
    func times() {
        #expect(LocalTime("01:30") == LocalTime(hour: 1, minute: 30))
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("12:60") == nil)
        #expect(LocalTime("9:5") == nil)
        #expect(Weekday(name: "tue") == .tuesday && Weekday(name: "Sunday") == .sunday && Weekday(name: "funday") == nil)
    }

    @Test("Away from clock changes, resolving a wall-clock time agrees with Foundation", arguments: ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"])
    func resolveAgreesWithFoundation(_ id: String) {
        let tz = TimeZone(identifier: id)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        var disagreements = 0
        var checked = 0
        // Every day of 2026 at 07:45 and 19:10 (never inside a change in these zones).
        for offset in 0..<365 {
            let d = LocalDate("2026-01-01")!.adding(days: offset)
            for t in [LocalTime(hour: 7, minute: 45)!, LocalTime(hour: 19, minute: 10)!] {
                let ours = tz.resolve(d, t)
                let theirs = calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: t.hour, minute: t.minute))!
                if ours.instant != theirs || ours.adjustment != .none { disagreements += 1 }
                let back = LocalDateTime(ours.instant, in: tz)
                if back.date != d || back.time != t { disagreements += 1 }
                checked += 1
            }
        }
        #expect(checked == 730)
        #expect(disagreements == 0)
    }

    @Test("Every minute of the London spring-forward night: times in the gap move forward an hour, others are exact")
    func gapMinutes() {
        let tz = TimeZone(identifier: "Europe/London")!
        let day = LocalDate("2026-03-29")!
        for minutes in stride(from: 0, to: 4 * 60, by: 1) {
            let t = LocalTime(hour: minutes / 60, minute: minutes % 60)!
            let r = tz.resolve(day, t)
            if t.hour == 1 {
                #expect(r.adjustment == .movedForward(seconds: 3600))
                #expect(r.instant == utc("2026-03-29T00:00:00Z").addingTimeInterval(Double(minutes * 60)))
            } else {
                #expect(r.adjustment == .none)
                #expect(LocalDateTime(r.instant, in: tz).time == t)
            }
        }
    }

    @Test("Every minute of the London fall-back night: 01:00–01:59 happen twice and resolve to the first (BST)")
    func overlapMinutes() {
        let tz = TimeZone(identifier: "Europe/London")!
        let day = LocalDate("2026-10-25")!
        for minutes in stride(from: 0, to: 4 * 60, by: 1) {
            let t = LocalTime(hour: minutes / 60, minute: minutes % 60)!
            let r = tz.resolve(day, t)
            #expect(r.adjustment == (t.hour == 1 ? .firstOfTwo : .none))
            let offset = t.hour < 2 ? 3600 : 0
            #expect(r.instant == utc("2026-10-25T00:00:00Z").addingTimeInterval(Double(minutes * 60 - offset)))
        }
    }
}
