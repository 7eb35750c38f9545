import Foundation

/// One practice a participant logged: which exercise (or their own), for how long, and how it felt.
public struct PracticeEntry: Codable, Sendable, Equatable {
    /// The participant's local date of the practice.
    public var date: LocalDate
    /// A programme exercise id, or nil for a practice of their own.
    public var exerciseID: String?
    public var minutes: Int
    /// How it felt, 0 (very hard) to 10 (very helpful); optional.
    public var feeling: Int?
    /// Private note, optional.
    public var note: String?

    public init(date: LocalDate, exerciseID: String? = nil, minutes: Int, feeling: Int? = nil, note: String? = nil) {
        self.date = date
        self.exerciseID = exerciseID
        self.minutes = minutes
        self.feeling = feeling
        self.note = note
    }

    /// The longest practice one entry can record.
    public static let maximumMinutes = 240
    /// How far back an entry may be dated, in days: enough to catch up after a bad week.
    public static let maximumDaysBack = 60

    /// Reads a practice form. Every problem is reported at once, each naming its field; `today` is the
    /// participant's local date (entries cannot be dated in the future).
    public static func parse(date: String?, exerciseID: String?, minutes: String?, feeling: String?, note: String?,
                             today: LocalDate, knownExercises: Set<String>) -> Result<PracticeEntry, FieldProblems> {
        var problems = FieldProblems()
        let day = FieldReader.date(date, field: "date", today: today, daysBack: maximumDaysBack, into: &problems)
        let exercise = FieldReader.optionalText(exerciseID)
        if let exercise, !knownExercises.contains(exercise) {
            problems.add("exercise", value: exercise, expected: "one of the exercises in your programme, or your own practice")
        }
        let mins = FieldReader.integer(minutes, field: "minutes", range: 1...maximumMinutes, required: true, into: &problems)
        let feel = FieldReader.integer(feeling, field: "feeling", range: 0...10, required: false, into: &problems)
        let text = FieldReader.text(note, field: "note", required: false, into: &problems)
        guard problems.isEmpty, let day, let mins else { return .failure(problems) }
        return .success(PracticeEntry(date: day, exerciseID: exercise, minutes: mins, feeling: feel, note: text))
    }
}

/// Minutes practised in one week (Monday to Sunday).
public struct WeekMinutes: Codable, Sendable, Equatable {
    /// The Monday that starts the week.
    public var weekStarting: LocalDate
    public var minutes: Int
    public var daysPractised: Int
}

/// A participant's practice at a glance, worded for encouragement: days practised and the longest run of
/// days, never a "broken streak".
public struct PracticeSummary: Codable, Sendable, Equatable {
    /// The last `weeks` weeks, oldest first, the current week last (zero-minute weeks included).
    public var weeks: [WeekMinutes]
    public var totalMinutes: Int
    /// Days with any practice among the 7 days ending today.
    public var daysInLastSeven: Int
    /// Consecutive days with practice ending today, or yesterday when today has none yet (a day is not
    /// over until it is over).
    public var currentRun: Int
    /// The longest run of consecutive days with practice, ever.
    public var longestRun: Int
    /// The most recent day with a practice, if any.
    public var lastPractised: LocalDate?

    /// Summarises `entries` as of the participant's local date `today`, with `weeks` weeks of history.
    public init(entries: [PracticeEntry], today: LocalDate, weeks weekCount: Int = 8) {
        let days = Set(entries.map(\.date))
        let thisMonday = today.adding(days: -(today.weekday.rawValue - 1))
        var minutesByWeek: [LocalDate: Int] = [:]
        var daysByWeek: [LocalDate: Set<LocalDate>] = [:]
        for entry in entries {
            let monday = entry.date.adding(days: -(entry.date.weekday.rawValue - 1))
            minutesByWeek[monday, default: 0] += entry.minutes
            daysByWeek[monday, default: []].insert(entry.date)
        }
        weeks = (0..<max(weekCount, 1)).reversed().map { back in
            let monday = thisMonday.adding(days: -7 * back)
            return WeekMinutes(weekStarting: monday, minutes: minutesByWeek[monday] ?? 0, daysPractised: daysByWeek[monday]?.count ?? 0)
        }
        totalMinutes = entries.reduce(0) { $0 + $1.minutes }
        daysInLastSeven = (0..<7).filter { days.contains(today.adding(days: -$0)) }.count
        var run = 0
        var cursor = days.contains(today) ? today : today.adding(days: -1)
        while days.contains(cursor) {
            run += 1
            cursor = cursor.adding(days: -1)
        }
        currentRun = run
        var longest = 0
        var length = 0
        var previous: LocalDate?
        for day in days.sorted() {
            length = previous.map { day.daysSinceEpoch - $0.daysSinceEpoch == 1 } == true ? length + 1 : 1
            longest = max(longest, length)
            previous = day
        }
        longestRun = longest
        lastPractised = days.max()
    }
}
