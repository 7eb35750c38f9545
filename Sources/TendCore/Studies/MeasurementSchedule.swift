import Foundation

/// One participant's dates that timepoints are counted from, as dates in the participant's zone.
public struct ParticipantAnchors: Sendable, Equatable, Codable {
    public var consent: LocalDate?
    public var groupStart: LocalDate?
    /// Session number → the date it is (or was) held.
    public var sessionDates: [Int: LocalDate]
    public var programmeEnd: LocalDate?

    public init(consent: LocalDate? = nil, groupStart: LocalDate? = nil, sessionDates: [Int: LocalDate] = [:],
                programmeEnd: LocalDate? = nil) {
        self.consent = consent
        self.groupStart = groupStart
        self.sessionDates = sessionDates
        self.programmeEnd = programmeEnd
    }

    /// The anchors a delivery schedule gives: the day each session first opens, and the day the last one
    /// opens as the programme's end; `groupStart` defaults to the first item's day.
    public init(consent: LocalDate?, groupStart: LocalDate? = nil, schedule: Schedule) {
        var sessions: [Int: LocalDate] = [:]
        for item in schedule.items where sessions[item.sessionNumber] == nil { sessions[item.sessionNumber] = item.local.date }
        self.init(consent: consent, groupStart: groupStart ?? schedule.items.first?.local.date, sessionDates: sessions,
                  programmeEnd: schedule.items.last?.local.date)
    }

    /// The date of `timepoint`'s anchor, if known.
    public func date(for timepoint: Timepoint) -> LocalDate? {
        switch timepoint.anchor {
        case .consent: return consent
        case .groupStart: return groupStart
        case .session: return timepoint.session.flatMap { sessionDates[$0] }
        case .programmeEnd: return programmeEnd
        }
    }
}

/// Names one measurement: a measure (instrument or observation id) at a timepoint.
public struct MeasurementKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var measure: String
    public var timepoint: String

    public init(measure: String, timepoint: String) {
        self.measure = measure
        self.timepoint = timepoint
    }

    public var description: String { "\(measure)@\(timepoint)" }

    public static func < (a: MeasurementKey, b: MeasurementKey) -> Bool {
        (a.measure, a.timepoint) < (b.measure, b.timepoint)
    }
}

/// When one measurement may be answered: from `opens` to `closes` inclusive, aiming at `due`.
public struct MeasurementWindow: Sendable, Equatable, Codable {
    public var key: MeasurementKey
    public var opens: LocalDate
    public var due: LocalDate
    public var closes: LocalDate

    public init(key: MeasurementKey, opens: LocalDate, due: LocalDate, closes: LocalDate) {
        self.key = key
        self.opens = opens
        self.due = due
        self.closes = closes
    }
}

/// A participant's measurement windows, in schedule order; measurements whose anchor date is not yet
/// known are listed in `unplaced` (never dropped).
public struct MeasurementPlan: Sendable, Equatable, Codable {
    public var windows: [MeasurementWindow]
    public var unplaced: [MeasurementKey]

    public init(windows: [MeasurementWindow], unplaced: [MeasurementKey] = []) {
        self.windows = windows
        self.unplaced = unplaced
    }

    public func window(_ key: MeasurementKey) -> MeasurementWindow? { windows.first { $0.key == key } }

    /// The windows for a participant: for each scheduled measure and each of its timepoints, due =
    /// anchor date + 7 × weeks, opens = due − daysBefore, closes = due + daysAfter. Schedule order;
    /// a measure whose timepoint id is not in the study, or whose anchor is missing, goes to `unplaced`.
    public static func plan(for study: StudyDefinition, anchors: ParticipantAnchors) -> MeasurementPlan {
        var windows: [MeasurementWindow] = []
        var unplaced: [MeasurementKey] = []
        for measure in study.schedule {
            for id in measure.timepoints {
                let key = MeasurementKey(measure: measure.measureID, timepoint: id)
                guard let timepoint = study.timepoint(id), let anchor = anchors.date(for: timepoint) else {
                    unplaced.append(key)
                    continue
                }
                let due = anchor.adding(days: timepoint.offsetDays)
                windows.append(MeasurementWindow(key: key, opens: due.adding(days: -timepoint.daysBefore), due: due,
                                                 closes: due.adding(days: timepoint.daysAfter)))
            }
        }
        return MeasurementPlan(windows: windows, unplaced: unplaced)
    }

    /// The plan after an anchor moved. A window already sent to the participant or answered
    /// (`sentOrAnswered`) stays exactly as it was in `old` (even if `new` no longer places it); every other
    /// window is taken from `new`, recomputed. Order: `new`'s order, then kept windows `new` lacks.
    public static func reconcile(old: MeasurementPlan, new: MeasurementPlan,
                                 sentOrAnswered: Set<MeasurementKey>) -> ReconciledPlan {
        var windows: [MeasurementWindow] = []
        var kept: [MeasurementKey] = []
        var recomputed: [MeasurementKey] = []
        var placed = Set<MeasurementKey>()
        for window in new.windows {
            if sentOrAnswered.contains(window.key), let before = old.window(window.key) {
                windows.append(before)
                kept.append(window.key)
            } else {
                windows.append(window)
                if old.window(window.key) != window { recomputed.append(window.key) }
            }
            placed.insert(window.key)
        }
        for before in old.windows where !placed.contains(before.key) && sentOrAnswered.contains(before.key) {
            windows.append(before)
            kept.append(before.key)
            placed.insert(before.key)
        }
        let unplaced = new.unplaced.filter { !placed.contains($0) }
        return ReconciledPlan(plan: MeasurementPlan(windows: windows, unplaced: unplaced), kept: kept, recomputed: recomputed)
    }

    /// Each window's status on `today` given the completions (each a date in the participant's zone).
    /// Completions that match no window are returned in `unmatched`, so nothing answered is lost; of two
    /// completions of one window the first counts.
    public func statuses(completions: [MeasurementCompletion], today: LocalDate) -> MeasurementStatusReport {
        var first: [MeasurementKey: LocalDate] = [:]
        var unmatched: [MeasurementCompletion] = []
        for c in completions {
            guard window(c.key) != nil else {
                unmatched.append(c)
                continue
            }
            if let seen = first[c.key], seen <= c.completedOn { continue }
            first[c.key] = c.completedOn
        }
        let entries = windows.map { w -> MeasurementStatusReport.Entry in
            let status: MeasurementStatus
            if let done = first[w.key] {
                status = done < w.opens ? .completedEarly : (done <= w.closes ? .completedOnTime : .completedLate)
            } else if today < w.opens {
                status = .upcoming
            } else if today <= w.closes {
                status = .due
            } else {
                status = .missed
            }
            return .init(window: w, status: status, completedOn: first[w.key])
        }
        return MeasurementStatusReport(entries: entries, unplaced: unplaced, unmatched: unmatched)
    }
}

/// A plan after ``MeasurementPlan/reconcile(old:new:sentOrAnswered:)``: which windows were kept as sent
/// or answered, and which changed.
public struct ReconciledPlan: Sendable, Equatable {
    public var plan: MeasurementPlan
    public var kept: [MeasurementKey]
    /// Windows whose dates differ from the old plan's (or that are new).
    public var recomputed: [MeasurementKey]
}

/// A measurement answered on a date in the participant's zone.
public struct MeasurementCompletion: Sendable, Equatable, Codable {
    public var key: MeasurementKey
    public var completedOn: LocalDate

    public init(key: MeasurementKey, completedOn: LocalDate) {
        self.key = key
        self.completedOn = completedOn
    }

    /// A completion at `instant`, dated in the participant's `zone`.
    public init(key: MeasurementKey, at instant: Date, in zone: TimeZone) {
        self.init(key: key, completedOn: LocalDateTime(instant, in: zone).date)
    }
}

public enum MeasurementStatus: String, Sendable, Equatable, Codable {
    /// The window has not opened.
    case upcoming
    /// Open now and not answered.
    case due
    case completedEarly = "completed-early"
    case completedOnTime = "completed-on-time"
    case completedLate = "completed-late"
    /// Closed without an answer.
    case missed
}

public struct MeasurementStatusReport: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var window: MeasurementWindow
        public var status: MeasurementStatus
        public var completedOn: LocalDate?
    }

    public var entries: [Entry]
    /// Measurements with no anchor date yet.
    public var unplaced: [MeasurementKey]
    /// Completions of measurements the plan does not hold.
    public var unmatched: [MeasurementCompletion]

    public func status(_ key: MeasurementKey) -> MeasurementStatus? { entries.first { $0.window.key == key }?.status }
}
