import Foundation

/// The thresholds behind a group's flags. Each group may set its own; these defaults follow the
/// programme descriptions (a week without any practice or diary, three rising craving ratings in a row,
/// doses above the person's own first week, a check-in left for two days).
public struct FlagThresholds: Codable, Sendable, Equatable {
    /// Days without any practice or diary entry before "quiet" is flagged.
    public var quietDays: Int
    /// How many diary entries in a row must each rate craving higher than the one before.
    public var risingCravingEntries: Int
    /// The length of the baseline and of the recent window compared with it, in days.
    public var doseWindowDays: Int
    /// Recent mean daily doses must exceed the baseline mean by more than this (0 flags any rise).
    public var doseMargin: Double
    /// Hours a participant's check-in may wait for a reply.
    public var checkInReplyHours: Int

    public init(quietDays: Int = 7, risingCravingEntries: Int = 3, doseWindowDays: Int = 7, doseMargin: Double = 0,
                checkInReplyHours: Int = 48) {
        self.quietDays = quietDays
        self.risingCravingEntries = risingCravingEntries
        self.doseWindowDays = doseWindowDays
        self.doseMargin = doseMargin
        self.checkInReplyHours = checkInReplyHours
    }

    public static let standard = FlagThresholds()

    /// Checks a group's settings: each problem names the field and the range expected.
    public func validated() -> Result<FlagThresholds, FieldProblems> {
        var problems = FieldProblems()
        if !(1...60).contains(quietDays) { problems.add("quietDays", value: "\(quietDays)", expected: "1 to 60 days") }
        if !(2...10).contains(risingCravingEntries) {
            problems.add("risingCravingEntries", value: "\(risingCravingEntries)", expected: "2 to 10 entries")
        }
        if !(3...28).contains(doseWindowDays) { problems.add("doseWindowDays", value: "\(doseWindowDays)", expected: "3 to 28 days") }
        if !(doseMargin >= 0 && doseMargin <= 20) { problems.add("doseMargin", value: "\(doseMargin)", expected: "0 to 20 doses a day") }
        if !(1...336).contains(checkInReplyHours) {
            problems.add("checkInReplyHours", value: "\(checkInReplyHours)", expected: "1 to 336 hours")
        }
        return problems.isEmpty ? .success(self) : .failure(problems)
    }
}

/// A check-in message as the flag rules see it: who wrote it and when.
public struct CheckInMessage: Codable, Sendable, Equatable {
    public enum Author: String, Codable, Sendable { case participant, staff }
    public var author: Author
    public var sentAt: Date

    public init(author: Author, sentAt: Date) {
        self.author = author
        self.sentAt = sentAt
    }
}

/// What the rules know of one participant.
public struct ParticipantActivity: Sendable {
    /// The participant's local date when they joined (quiet days are not counted before it).
    public var enrolledOn: LocalDate
    public var practice: [PracticeEntry]
    public var diary: [DiaryEntry]
    public var checkIns: [CheckInMessage]

    public init(enrolledOn: LocalDate, practice: [PracticeEntry] = [], diary: [DiaryEntry] = [], checkIns: [CheckInMessage] = []) {
        self.enrolledOn = enrolledOn
        self.practice = practice
        self.diary = diary
        self.checkIns = checkIns
    }
}

/// Something a facilitator should look at. The ``key`` identifies the occurrence, so an acknowledged flag
/// stays acknowledged while the same situation lasts and a new occurrence raises a new flag.
public struct EngagementFlag: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case quiet = "quiet"
        case risingCraving = "rising-craving"
        case dosesAboveBaseline = "doses-above-baseline"
        case checkInWaiting = "check-in-waiting"

        public var title: String {
            switch self {
            case .quiet: return "No practice or diary"
            case .risingCraving: return "Craving rising"
            case .dosesAboveBaseline: return "Doses above own baseline"
            case .checkInWaiting: return "Check-in waiting for a reply"
            }
        }
    }

    public var kind: Kind
    /// The day the situation began (for a check-in, the day it was sent, UTC).
    public var since: LocalDate
    /// A plain sentence with the numbers behind the flag.
    public var detail: String

    public var key: String { "\(kind.rawValue)/\(since)" }
}

/// The flag rules (pure): given what a participant has logged and the time now, which flags are raised.
public enum EngagementRules {
    /// Every flag raised for `activity` on the participant's local date `today` at instant `now`.
    public static func flags(for activity: ParticipantActivity, today: LocalDate, now: Date,
                             thresholds: FlagThresholds = .standard) -> [EngagementFlag] {
        [quiet(activity, today: today, thresholds: thresholds),
         risingCraving(activity.diary, thresholds: thresholds),
         dosesAboveBaseline(activity.diary, today: today, thresholds: thresholds),
         checkInWaiting(activity.checkIns, now: now, thresholds: thresholds)].compactMap { $0 }
    }

    /// No practice and no diary entry on any of the last `quietDays` days (today included), counting only
    /// days since enrolment.
    static func quiet(_ activity: ParticipantActivity, today: LocalDate, thresholds: FlagThresholds) -> EngagementFlag? {
        let last = (activity.practice.map(\.date) + activity.diary.map(\.date)).filter { $0 <= today }.max()
        let quietFrom = last.map { $0.adding(days: 1) } ?? activity.enrolledOn
        let quietDays = today.daysSinceEpoch - quietFrom.daysSinceEpoch + 1
        guard quietDays >= thresholds.quietDays else { return nil }
        let detail = last.map { "Nothing logged for \(quietDays) days; the last entry was on \($0)." }
            ?? "Nothing logged in the \(quietDays) days since joining on \(activity.enrolledOn)."
        return EngagementFlag(kind: .quiet, since: quietFrom, detail: detail)
    }

    /// The last `risingCravingEntries` diary entries with a craving rating each rate it higher than the
    /// entry before them (so three rising entries need four ratings: a baseline and three rises).
    static func risingCraving(_ diary: [DiaryEntry], thresholds: FlagThresholds) -> EngagementFlag? {
        let rated = diary.enumerated().filter { $0.element.craving != nil }
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        let needed = thresholds.risingCravingEntries + 1
        guard rated.count >= needed else { return nil }
        let tail = Array(rated.suffix(needed))
        for i in 1..<tail.count where tail[i].craving! <= tail[i - 1].craving! { return nil }
        let values = tail.map { String($0.craving!) }.joined(separator: " → ")
        return EngagementFlag(kind: .risingCraving, since: tail[1].date,
                              detail: "Craving rose in \(thresholds.risingCravingEntries) entries running: \(values).")
    }

    /// Mean daily doses (all medicines) over the last `doseWindowDays` days with diary entries, against the
    /// participant's own baseline: the first `doseWindowDays` days from their first diary entry. Both
    /// windows must have entries on at least half their days, and must not overlap.
    static func dosesAboveBaseline(_ diary: [DiaryEntry], today: LocalDate, thresholds: FlagThresholds) -> EngagementFlag? {
        let window = thresholds.doseWindowDays
        guard let first = diary.map(\.date).min() else { return nil }
        let baselineEnd = first.adding(days: window - 1)
        let recentStart = today.adding(days: -(window - 1))
        guard recentStart > baselineEnd else { return nil }
        func mean(from start: LocalDate, through end: LocalDate) -> Double? {
            let days = Dictionary(grouping: diary.filter { $0.date >= start && $0.date <= end }, by: \.date)
            guard days.count * 2 >= window else { return nil }
            let total = days.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.totalDoses } }
            return Double(total) / Double(days.count)
        }
        guard let baseline = mean(from: first, through: baselineEnd), let recent = mean(from: recentStart, through: today),
              recent > baseline + thresholds.doseMargin else { return nil }
        let detail = "Mean \(format(recent)) doses a day over the last \(window) days, against \(format(baseline)) in the first week of the diary (\(first) to \(baselineEnd))."
        return EngagementFlag(kind: .dosesAboveBaseline, since: recentStart, detail: detail)
    }

    /// The earliest participant message with no staff message after it, once it has waited
    /// `checkInReplyHours`.
    static func checkInWaiting(_ messages: [CheckInMessage], now: Date, thresholds: FlagThresholds) -> EngagementFlag? {
        let lastReply = messages.filter { $0.author == .staff }.map(\.sentAt).max() ?? .distantPast
        guard let waiting = messages.filter({ $0.author == .participant && $0.sentAt > lastReply }).map(\.sentAt).min() else {
            return nil
        }
        let hours = now.timeIntervalSince(waiting) / 3600
        guard hours >= Double(thresholds.checkInReplyHours) else { return nil }
        let since = LocalDateTime(waiting, in: TimeZone(identifier: "UTC")!).date
        return EngagementFlag(kind: .checkInWaiting, since: since, detail: "A check-in has waited \(Int(hours)) hours for a reply.")
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
