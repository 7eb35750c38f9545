import Foundation

/// When a scheduled group meets.
public struct GroupPlan: Codable, Sendable, Equatable {
    /// The first meeting is on the first ``weekday`` on or after this date.
    public var startDate: LocalDate
    public var weekday: Weekday
    /// The wall-clock start time in ``timeZone``, kept the same across clock changes.
    public var time: LocalTime
    public var timeZone: TimeZone
    /// Weeks with no meeting (a bank holiday, say): a meeting that would fall on one of these dates moves
    /// a week later, and every later meeting with it.
    public var skippedDates: [LocalDate]

    public init(startDate: LocalDate, weekday: Weekday, time: LocalTime, timeZone: TimeZone, skippedDates: [LocalDate] = []) {
        self.startDate = startDate
        self.weekday = weekday
        self.time = time
        self.timeZone = timeZone
        self.skippedDates = skippedDates
    }
}

/// When a weekly self-help course releases its modules to one participant.
public struct SelfHelpPlan: Codable, Sendable, Equatable {
    /// When the first module opens.
    public enum FirstModule: String, Codable, Sendable, CaseIterable {
        /// On the first chosen weekday on or after the enrolment date; then one a week.
        case onChosenWeekday = "on-chosen-weekday"
        /// On the enrolment date; the second on the first chosen weekday at least 7 days later; then one a week.
        case onEnrolment = "on-enrolment"
    }

    public var enrolmentDate: LocalDate
    /// The weekday the participant chose for new modules.
    public var weekday: Weekday
    /// The participant's time zone.
    public var timeZone: TimeZone
    /// The wall-clock time a module opens (midnight: at the start of the day).
    public var releaseTime: LocalTime
    public var firstModule: FirstModule

    public init(enrolmentDate: LocalDate, weekday: Weekday, timeZone: TimeZone, releaseTime: LocalTime = .midnight,
                firstModule: FirstModule = .onChosenWeekday) {
        self.enrolmentDate = enrolmentDate
        self.weekday = weekday
        self.timeZone = timeZone
        self.releaseTime = releaseTime
        self.firstModule = firstModule
    }
}

/// When a daily-practice programme opens each day's practice.
public struct DailyPlan: Codable, Sendable, Equatable {
    /// Day 1.
    public var startDate: LocalDate
    /// The participant's time zone.
    public var timeZone: TimeZone
    /// The wall-clock time each day's practice opens (midnight: at the start of the day).
    public var releaseTime: LocalTime

    public init(startDate: LocalDate, timeZone: TimeZone, releaseTime: LocalTime = .midnight) {
        self.startDate = startDate
        self.timeZone = timeZone
        self.releaseTime = releaseTime
    }
}

/// How one participant or group receives a programme; the case must suit the programme's delivery mode.
public enum DeliveryPlan: Codable, Sendable, Equatable {
    case group(GroupPlan)
    case selfHelp(SelfHelpPlan)
    case daily(DailyPlan)

    public var mode: Programme.DeliveryMode {
        switch self {
        case .group: return .scheduledGroup
        case .selfHelp: return .weeklySelfHelp
        case .daily: return .dailyPractice
        }
    }

    public var timeZone: TimeZone {
        switch self {
        case .group(let p): return p.timeZone
        case .selfHelp(let p): return p.timeZone
        case .daily(let p): return p.timeZone
        }
    }
}

/// One dated entry of a schedule: a meeting, a module's release, or one day's practice.
public struct ScheduledItem: Codable, Sendable, Equatable {
    /// 1-based place in the schedule (the week of a weekly programme, the day of a daily one).
    public var position: Int
    /// The session or module it delivers.
    public var sessionNumber: Int
    public var title: String
    public var format: Session.Format
    /// For daily modules: which of the module's days this is (1…days).
    public var dayOfModule: Int?
    /// The wall-clock date and time in the plan's zone.
    public var local: LocalDateTime
    /// When it opens (a meeting's start, a module's release).
    public var opensAt: Date
    /// When a meeting ends (start plus the session's minutes); nil for self-paced material.
    public var endsAt: Date?
    /// How a clock change that day moved the time, if it did.
    public var adjustment: ClockAdjustment

    /// The date and time as someone in `zone` reads it.
    public func local(in zone: TimeZone) -> LocalDateTime { LocalDateTime(opensAt, in: zone) }
}

/// What is open for a participant at one instant.
public struct ScheduleStatus: Sendable, Equatable {
    public var instant: Date
    /// Every item whose time has come, in order. Nothing ever closes again: earlier items stay open.
    public var opened: [ScheduledItem]
    /// The sessions or modules whose material is open, in delivery order (no repeats).
    public var unlockedSessionNumbers: [Int]
    /// The latest opened item (this week's session, today's practice), if any.
    public var current: ScheduledItem?
    /// The first item not yet open, and so when the next thing happens; nil when all are open.
    public var next: ScheduledItem?
    /// A group meeting under way at this instant, if any.
    public var meetingInProgress: ScheduledItem?

    /// True when nothing has opened yet.
    public var notStarted: Bool { opened.isEmpty }
    /// True when every item is open (and, for groups, the last meeting has ended).
    public var finished: Bool
}

/// A schedule that cannot be made: the field, the value and what was expected.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var expected: String

    public init(field: String, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(field) is \(value); expected \(expected)" }
}

/// The dates of every session, module or practice day of one programme version under one delivery plan,
/// and what is open at any instant. Pure: the clock is always a parameter.
///
/// Dates are reckoned on the calendar of the plan's time zone, so a weekly meeting keeps its wall-clock
/// time across daylight-saving changes (the interval between two meetings is then 167 or 169 hours).
/// Skipped and repeated wall-clock times follow RFC 5545 §3.3.5 (see ``TimeZone/resolve(_:_:)``).
///
/// - Group: meeting k (k = 1…n in the version's order) is on the first chosen weekday on or after the
///   start date, plus k−1 weeks (skipped dates push it and later ones back a week), at the chosen time.
///   Its material opens when the meeting starts; a participant who joins late finds every earlier
///   session open.
/// - Weekly self-help: module k opens on the chosen weekday of week k at the release time (see
///   ``SelfHelpPlan/FirstModule``); every earlier module stays open.
/// - Daily practice: day d opens at the release time on start date + d − 1; each module is the practice
///   for its `days` consecutive days.
public struct Schedule: Sendable, Equatable {
    public let programmeID: String
    public let versionID: String
    public let plan: DeliveryPlan
    public let items: [ScheduledItem]

    /// - Parameter versionID: nil for the programme's default version.
    public init(programme: Programme, versionID requested: String? = nil, plan: DeliveryPlan) throws(ScheduleError) {
        let version: ProgrammeVersion
        if let requested {
            guard let v = programme.version(requested) else {
                throw ScheduleError(field: "version", value: "\"\(requested)\"",
                                    expected: "a version of \(programme.id): " + programme.versions.map(\.id).joined(separator: ", "))
            }
            version = v
        } else {
            version = programme.defaultVersion
        }
        guard plan.mode == programme.delivery else {
            throw ScheduleError(field: "plan", value: "a \(plan.mode.rawValue) plan",
                                expected: "a \(programme.delivery.rawValue) plan, as \(programme.id) is delivered")
        }
        let sessions = programme.sessions(in: version)
        guard !sessions.isEmpty else {
            throw ScheduleError(field: "version", value: "\"\(version.id)\" with no sessions", expected: "at least one session")
        }
        programmeID = programme.id
        versionID = version.id
        self.plan = plan
        switch plan {
        case .group(let p): items = Schedule.groupItems(sessions, p)
        case .selfHelp(let p): items = Schedule.selfHelpItems(sessions, p)
        case .daily(let p): items = Schedule.dailyItems(sessions, p)
        }
    }

    static func item(position: Int, session: Session, dayOfModule: Int? = nil, date: LocalDate, time: LocalTime,
                     zone: TimeZone, meeting: Bool) -> ScheduledItem {
        let resolved = zone.resolve(date, time)
        return ScheduledItem(position: position, sessionNumber: session.number, title: session.title, format: session.format,
                             dayOfModule: dayOfModule, local: LocalDateTime(resolved.instant, in: zone), opensAt: resolved.instant,
                             endsAt: meeting ? resolved.instant.addingTimeInterval(Double(session.minutes * 60)) : nil,
                             adjustment: resolved.adjustment)
    }

    static func groupItems(_ sessions: [Session], _ p: GroupPlan) -> [ScheduledItem] {
        let skipped = Set(p.skippedDates)
        var date = p.startDate.next(p.weekday)
        var out: [ScheduledItem] = []
        for (index, session) in sessions.enumerated() {
            while skipped.contains(date) { date = date.adding(days: 7) }
            out.append(item(position: index + 1, session: session, date: date, time: p.time, zone: p.timeZone, meeting: true))
            date = date.adding(days: 7)
        }
        return out
    }

    static func selfHelpItems(_ sessions: [Session], _ p: SelfHelpPlan) -> [ScheduledItem] {
        sessions.enumerated().map { index, session in
            let date: LocalDate
            switch p.firstModule {
            case .onChosenWeekday:
                date = p.enrolmentDate.next(p.weekday).adding(days: 7 * index)
            case .onEnrolment:
                date = index == 0 ? p.enrolmentDate : p.enrolmentDate.adding(days: 7).next(p.weekday).adding(days: 7 * (index - 1))
            }
            return item(position: index + 1, session: session, date: date, time: p.releaseTime, zone: p.timeZone, meeting: false)
        }
    }

    static func dailyItems(_ sessions: [Session], _ p: DailyPlan) -> [ScheduledItem] {
        var out: [ScheduledItem] = []
        for session in sessions {
            for day in 1...max(1, session.days ?? 1) {
                let position = out.count + 1
                out.append(item(position: position, session: session, dayOfModule: day, date: p.startDate.adding(days: position - 1),
                                time: p.releaseTime, zone: p.timeZone, meeting: false))
            }
        }
        return out
    }

    /// What is open at `instant`, what is current and what comes next.
    public func status(at instant: Date) -> ScheduleStatus {
        let opened = items.filter { $0.opensAt <= instant }
        var numbers: [Int] = []
        for item in opened where !numbers.contains(item.sessionNumber) { numbers.append(item.sessionNumber) }
        let meeting = items.first { item in item.endsAt.map { item.opensAt <= instant && instant < $0 } ?? false }
        let finished: Bool
        if let last = items.last, last.opensAt <= instant {
            switch plan {
            case .group: finished = last.endsAt.map { instant >= $0 } ?? true
            case .daily(let p): finished = instant >= p.timeZone.startOfDay(last.local.date.adding(days: 1))
            case .selfHelp: finished = true
            }
        } else {
            finished = false
        }
        return ScheduleStatus(instant: instant, opened: opened, unlockedSessionNumbers: numbers, current: opened.last,
                              next: items.first { $0.opensAt > instant }, meetingInProgress: meeting, finished: finished)
    }

    /// The first item that delivers session or module `number`, if the version has it.
    public func firstItem(forSession number: Int) -> ScheduledItem? { items.first { $0.sessionNumber == number } }

    /// True when session or module `number`'s material is open at `instant`.
    public func isUnlocked(session number: Int, at instant: Date) -> Bool {
        firstItem(forSession: number).map { $0.opensAt <= instant } ?? false
    }
}
