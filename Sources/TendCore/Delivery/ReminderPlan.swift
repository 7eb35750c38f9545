import Foundation

/// The kinds of reminder a participant can choose, each one switched on or off on its own (and each
/// with its own unsubscribe link).
public enum ReminderKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Their own practice, on the weekdays and at the time they chose.
    case practice
    /// Before each group meeting.
    case meeting
    /// When a new module, session or day's practice opens.
    case release

    public var description: String {
        switch self {
        case .practice: return "practice reminders"
        case .meeting: return "group meeting reminders"
        case .release: return "reminders when something new opens"
        }
    }
}

/// How long before a group meeting its reminder is due.
public enum MeetingLead: String, Codable, Sendable, CaseIterable {
    /// One hour before the start.
    case hourBefore = "hour-before"
    /// The day before, at the meeting's wall-clock time (24 hours before, or 23 or 25 across a clock change).
    case dayBefore = "day-before"
}

/// Which reminders a participant wants, and when (the practice days and time, quiet hours and zone are
/// in ``ReminderPreference``).
public struct ReminderChoices: Codable, Sendable, Equatable {
    /// Practice reminders on `preference.weekdays` at `preference.time`; empty weekdays means none.
    public var preference: ReminderPreference
    /// The reminders before each group meeting; empty means none.
    public var meetingLeads: Set<MeetingLead>
    /// A reminder when each module, session or day's practice opens.
    public var releases: Bool

    public init(preference: ReminderPreference, meetingLeads: Set<MeetingLead> = [], releases: Bool = false) {
        self.preference = preference
        self.meetingLeads = meetingLeads
        self.releases = releases
    }

    public func wants(_ kind: ReminderKind) -> Bool {
        switch kind {
        case .practice: return !preference.weekdays.isEmpty
        case .meeting: return !meetingLeads.isEmpty
        case .release: return releases
        }
    }
}

/// One reminder a participant is due to get.
public struct ReminderOccurrence: Sendable, Equatable {
    public var kind: ReminderKind
    /// Names this occurrence among the participant's reminders of its kind, stable however often it is
    /// planned: `20260302T183000Z` (practice: the instant it is due), `day-before:20260303T183000Z`
    /// (meeting: the lead and the meeting's start), `20260309T000000Z` (release: when it opens).
    public var occurrence: String
    /// When it is meant for.
    public var due: Date
    /// When it may go out: `due`, or the end of the quiet hours it falls in.
    public var deliverAt: Date
    /// The meeting or release it is about (nil for practice).
    public var item: ScheduledItem?

    /// `practice:<participant>:20260302T183000Z`: the dedupe key of this occurrence for `participant`.
    public func key(for participant: String) -> String { "\(kind.rawValue):\(participant):\(occurrence)" }
}

/// Which reminders fall in a window, for one participant: a pure function of their choices, their
/// schedule and the window, so any number of planners running it at any time agree on the result.
public enum ReminderPlan {
    /// Every reminder due in `(after, through]`, soonest first.
    ///
    /// - Practice: each chosen weekday at the chosen wall-clock time in the participant's zone (a time the
    ///   clocks skip moves forward by the gap; a repeated one is used once, RFC 5545 §3.3.5).
    /// - Meetings: each item with an end (a meeting) whose reminder per chosen lead is due in the window.
    /// - Releases: each item without an end (a module or day opening) that opens in the window.
    ///
    /// Each is then moved out of the quiet hours (``ReminderPreference/deliveryTime(for:)``). A meeting
    /// reminder that quiet hours would push to the meeting's start or later is dropped: it would come too late.
    public static func occurrences(choices: ReminderChoices, schedule: [ScheduledItem], after: Date, through: Date) -> [ReminderOccurrence] {
        guard through > after else { return [] }
        let preference = choices.preference
        let zone = preference.timeZone
        var out: [ReminderOccurrence] = []
        func add(_ kind: ReminderKind, _ occurrence: String, due: Date, item: ScheduledItem?) {
            guard due > after, due <= through else { return }
            out.append(ReminderOccurrence(kind: kind, occurrence: occurrence, due: due,
                                          deliverAt: preference.deliveryTime(for: due), item: item))
        }
        if !preference.weekdays.isEmpty {
            let first = LocalDateTime(after, in: zone).date.adding(days: -1)
            let last = LocalDateTime(through, in: zone).date.adding(days: 1)
            var day = first
            while day <= last {
                if preference.weekdays.contains(day.weekday) {
                    let due = zone.resolve(day, preference.time).instant
                    add(.practice, ICalendarFeed.utc(due), due: due, item: nil)
                }
                day = day.adding(days: 1)
            }
        }
        for item in schedule {
            if item.endsAt != nil {
                for lead in MeetingLead.allCases where choices.meetingLeads.contains(lead) {
                    let due: Date
                    switch lead {
                    case .hourBefore:
                        due = item.opensAt.addingTimeInterval(-3600)
                    case .dayBefore:
                        let local = LocalDateTime(item.opensAt, in: zone)
                        due = zone.resolve(local.date.adding(days: -1), local.time).instant
                    }
                    guard preference.deliveryTime(for: due) < item.opensAt else { continue }
                    add(.meeting, lead.rawValue + ":" + ICalendarFeed.utc(item.opensAt), due: due, item: item)
                }
            } else if choices.releases {
                add(.release, ICalendarFeed.utc(item.opensAt), due: item.opensAt, item: item)
            }
        }
        return out.sorted { ($0.deliverAt, $0.due, $0.kind.rawValue) < ($1.deliverAt, $1.due, $1.kind.rawValue) }
    }
}
