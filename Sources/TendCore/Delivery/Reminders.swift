import Foundation

/// When a participant wants to be reminded to practise, and the hours they want left alone.
public struct ReminderPreference: Codable, Sendable, Equatable {
    /// The days a practice reminder is sent; empty means no practice reminders.
    public var weekdays: Set<Weekday>
    public var time: LocalTime
    public var timeZone: TimeZone
    /// Quiet hours, start to end on the wall clock; may cross midnight (22:00 to 07:00). Nil for none.
    public var quietStart: LocalTime?
    public var quietEnd: LocalTime?

    public init(weekdays: Set<Weekday>, time: LocalTime, timeZone: TimeZone, quietStart: LocalTime? = nil, quietEnd: LocalTime? = nil) {
        self.weekdays = weekdays
        self.time = time
        self.timeZone = timeZone
        self.quietStart = quietStart
        self.quietEnd = quietEnd
    }

    /// Whether the wall-clock `time` falls in the quiet hours (start included, end excluded).
    public func isQuiet(_ time: LocalTime) -> Bool {
        guard let start = quietStart, let end = quietEnd, start != end else { return false }
        return start < end ? (time >= start && time < end) : (time >= start || time < end)
    }

    /// The instant a message due at `due` may go out: `due` itself, or the end of the quiet hours it falls in
    /// (in the participant's zone, across daylight-saving changes).
    public func deliveryTime(for due: Date) -> Date {
        let local = LocalDateTime(due, in: timeZone)
        guard isQuiet(local.time), let end = quietEnd else { return due }
        let endDate = local.time < end ? local.date : local.date.adding(days: 1)
        return max(due, timeZone.resolve(endDate, end).instant)
    }

    /// The next practice reminder strictly after `instant`, already moved out of quiet hours; nil when no
    /// weekday is chosen.
    public func nextPracticeReminder(after instant: Date) -> Date? {
        guard !weekdays.isEmpty else { return nil }
        let today = LocalDateTime(instant, in: timeZone).date
        for offset in 0...7 {
            let day = today.adding(days: offset)
            guard weekdays.contains(day.weekday) else { continue }
            let due = timeZone.resolve(day, time).instant
            if due > instant { return deliveryTime(for: due) }
        }
        return nil
    }
}

/// How the outbox retries a failed delivery: exponential back-off with a cap, then the dead-letter state.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: TimeInterval
    public var factor: Double
    public var maximumDelay: TimeInterval
    /// Attempts in all (the first send included) before an item is dead-lettered.
    public var maximumAttempts: Int

    public init(firstDelay: TimeInterval = 30, factor: Double = 2, maximumDelay: TimeInterval = 6 * 3600, maximumAttempts: Int = 8) {
        self.firstDelay = firstDelay
        self.factor = factor
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    public static let standard = RetryPolicy()

    /// What to do after `failedAttempts` failures (1 after the first): retry after a delay of
    /// `min(firstDelay × factor^(failedAttempts − 1), maximumDelay)`, or give up.
    public func next(afterFailedAttempts failedAttempts: Int) -> RetryDecision {
        guard failedAttempts < maximumAttempts else { return .deadLetter }
        let delay = firstDelay * pow(factor, Double(max(failedAttempts - 1, 0)))
        return .retry(after: min(delay, maximumDelay))
    }
}

public enum RetryDecision: Sendable, Equatable {
    case retry(after: TimeInterval)
    case deadLetter
}
