import Foundation

/// A calendar date with no time zone (proleptic Gregorian), such as a group's start date.
public struct LocalDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil when the date does not exist (month 13, 30 February, …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` after 1970-01-01 (negative before it).
    public init(daysSinceEpoch days: Int) {
        // H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO 4).
        let iso = ((daysSinceEpoch % 7 + 7) % 7 + 3) % 7 + 1
        return Weekday(rawValue: iso)!
    }

    /// The first date on or after this one that falls on `weekday`.
    public func next(_ weekday: Weekday) -> LocalDate {
        adding(days: (weekday.rawValue - self.weekday.rawValue + 7) % 7)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public var description: String { zeroPadded(year, 4) + "-" + zeroPadded(month, 2) + "-" + zeroPadded(day, 2) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a date; expected YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A day of the week, numbered as ISO 8601 does (Monday 1 … Sunday 7).
public enum Weekday: Int, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public var description: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][rawValue - 1]
    }

    /// Parses an English weekday name or its first three letters, in any case.
    public init?(name: String) {
        let n = name.lowercased()
        guard let match = Weekday.allCases.first(where: { $0.description.lowercased() == n || $0.description.lowercased().prefix(3) == n }) else { return nil }
        self = match
    }
}

/// A wall-clock time of day with no time zone.
public struct LocalTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    /// Nil unless 0 ≤ hour ≤ 23 and 0 ≤ minute ≤ 59.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour clock).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    public static let midnight = LocalTime(hour: 0, minute: 0)!

    var secondsIntoDay: Int { hour * 3600 + minute * 60 }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.secondsIntoDay < b.secondsIntoDay }

    public var description: String { zeroPadded(hour, 2) + ":" + zeroPadded(minute, 2) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = LocalTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a time; expected HH:MM"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A date and wall-clock time in a named zone, as a participant reads it.
public struct LocalDateTime: Hashable, Codable, Sendable, CustomStringConvertible {
    public var date: LocalDate
    public var time: LocalTime
    /// The zone's offset from UTC at that instant, in seconds (3600 for British Summer Time).
    public var utcOffsetSeconds: Int

    public init(date: LocalDate, time: LocalTime, utcOffsetSeconds: Int) {
        self.date = date
        self.time = time
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The local date and time of `instant` in `zone` (seconds are dropped).
    public init(_ instant: Date, in zone: TimeZone) {
        let offset = zone.secondsFromGMT(for: instant)
        let wall = Int((instant.timeIntervalSince1970).rounded(.down)) + offset
        let days = Int((Double(wall) / 86_400).rounded(.down))
        let seconds = wall - days * 86_400
        self.init(date: LocalDate(daysSinceEpoch: days), time: LocalTime(hour: seconds / 3600, minute: (seconds % 3600) / 60)!,
                  utcOffsetSeconds: offset)
    }

    /// `2026-03-29 02:30 +01:00`.
    public var description: String {
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        let a = abs(utcOffsetSeconds)
        return "\(date) \(time) \(sign)\(zeroPadded(a / 3600, 2)):\(zeroPadded((a % 3600) / 60, 2))"
    }
}

/// Where a wall-clock time lands when a zone's clocks change that day.
public enum ClockAdjustment: Codable, Sendable, Equatable {
    /// The time exists once: no adjustment.
    case none
    /// The time was skipped when the clocks went forward; it is moved forward by the gap (01:30 on the
    /// day London goes from GMT to BST becomes 02:30 BST), as RFC 5545 §3.3.5 prescribes.
    case movedForward(seconds: Int)
    /// The time happens twice when the clocks go back; the first occurrence is used (RFC 5545 §3.3.5).
    case firstOfTwo
}

/// A wall-clock time resolved to an instant in a zone.
public struct ResolvedTime: Sendable, Equatable {
    public var instant: Date
    public var adjustment: ClockAdjustment
}

public extension TimeZone {
    /// The instant at which the wall clock in this zone shows `time` on `date`.
    ///
    /// Skipped times (clocks going forward) are read with the offset in force before the change, which
    /// moves them forward by the gap; repeated times (clocks going back) resolve to their first occurrence.
    /// This is the rule of RFC 5545 (iCalendar) §3.3.5 and of java.time's `ZonedDateTime.of`.
    func resolve(_ date: LocalDate, _ time: LocalTime) -> ResolvedTime {
        let wall = Double(date.daysSinceEpoch * 86_400 + time.secondsIntoDay)
        let probes: [Double] = [-86_400, -43_200, 0, 43_200, 86_400]
        let offsets = Set(probes.map { secondsFromGMT(for: Date(timeIntervalSince1970: wall + $0)) })
        let valid = offsets.map { wall - Double($0) }
            .filter { secondsFromGMT(for: Date(timeIntervalSince1970: $0)) == Int(wall - $0) }
            .sorted()
        if let first = valid.first {
            return ResolvedTime(instant: Date(timeIntervalSince1970: first), adjustment: valid.count > 1 ? .firstOfTwo : .none)
        }
        // In a gap: use the offset before the change.
        let before = secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400))
        let instant = wall - Double(before)
        let after = secondsFromGMT(for: Date(timeIntervalSince1970: instant))
        return ResolvedTime(instant: Date(timeIntervalSince1970: instant), adjustment: .movedForward(seconds: after - before))
    }

    /// The first instant of `date` in this zone (midnight, or the first minute after a skipped midnight).
    func startOfDay(_ date: LocalDate) -> Date { resolve(date, .midnight).instant }
}

/// `n` in decimal with leading zeros up to `width` digits (what `%0*d` gives, without Foundation's formatter).
func zeroPadded(_ n: Int, _ width: Int) -> String {
    let digits = String(n.magnitude)
    let sign = n < 0 ? "-" : ""
    let padding = width - sign.count - digits.count
    return padding > 0 ? sign + String(repeating: "0", count: padding) + digits : sign + digits
}
