import Foundation

/// How one diary measure has moved: the mean of the last seven days against the seven days before.
public enum TrendDirection: String, Codable, Sendable, Equatable {
    case rising, falling, steady
    /// Fewer than two diary days in either week: no trend to state.
    case notEnough = "not-enough"

    public var words: String {
        switch self {
        case .rising: return "rising"
        case .falling: return "falling"
        case .steady: return "steady"
        case .notEnough: return "not enough entries"
        }
    }
}

/// A facilitator's at-a-glance numbers for one participant, from what they have logged (pure).
public struct ActivityGlance: Codable, Sendable, Equatable {
    /// Minutes of practice on the last seven days, today included.
    public var practiceMinutesLast7Days: Int
    public var pain: TrendDirection
    public var craving: TrendDirection
    public var doses: TrendDirection
    /// Thought-tool records on the last seven days.
    public var thoughtToolUsesLast7Days: Int
    /// The latest day with a practice, diary or thought-tool entry.
    public var lastEntry: LocalDate?

    /// A change of less than this in the weekly mean reads as steady (ratings are 0–10, doses whole numbers).
    public static let steadyBand = 0.5

    public init(practice: [PracticeEntry], diary: [DiaryEntry], thoughtToolDates: [LocalDate], today: LocalDate) {
        let weekStart = today.adding(days: -6)
        practiceMinutesLast7Days = practice.filter { $0.date >= weekStart && $0.date <= today }.reduce(0) { $0 + $1.minutes }
        thoughtToolUsesLast7Days = thoughtToolDates.filter { $0 >= weekStart && $0 <= today }.count
        lastEntry = (practice.map(\.date) + diary.map(\.date) + thoughtToolDates).filter { $0 <= today }.max()
        let trends = DiaryTrends(entries: diary, from: today.adding(days: -13), through: today)
        pain = Self.direction(trends.pain, weekStart: weekStart)
        craving = Self.direction(trends.craving, weekStart: weekStart)
        doses = Self.direction(trends.doses, weekStart: weekStart)
    }

    /// This week's mean against last week's, each from at least two diary days.
    static func direction(_ points: [TrendPoint], weekStart: LocalDate) -> TrendDirection {
        let recent = points.filter { $0.date >= weekStart }.map(\.value)
        let earlier = points.filter { $0.date < weekStart }.map(\.value)
        guard recent.count >= 2, earlier.count >= 2 else { return .notEnough }
        let change = recent.reduce(0, +) / Double(recent.count) - earlier.reduce(0, +) / Double(earlier.count)
        if change >= steadyBand { return .rising }
        if change <= -steadyBand { return .falling }
        return .steady
    }
}
