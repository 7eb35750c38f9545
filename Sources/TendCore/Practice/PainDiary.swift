import Foundation

/// A medicine on the participant's own list, as they name it (for example "codeine 30 mg").
public struct Medicine: Codable, Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    /// What one dose is counted in ("tablet", "ml", "patch").
    public var unit: String

    public init(id: String, name: String, unit: String) {
        self.id = id
        self.name = name
        self.unit = unit
    }
}

/// Doses of one medicine taken on a diary day.
public struct DoseTaken: Codable, Sendable, Equatable {
    public var medicineID: String
    public var doses: Int

    public init(medicineID: String, doses: Int) {
        self.medicineID = medicineID
        self.doses = doses
    }
}

/// One day of the pain diary. Ratings are 0–10; every rating is optional so a tired day can still be
/// recorded with one number.
public struct DiaryEntry: Codable, Sendable, Equatable {
    public var date: LocalDate
    /// Pain, 0 no pain … 10 worst imaginable.
    public var pain: Int?
    /// Mood, 0 very low … 10 very good.
    public var mood: Int?
    /// Craving for painkillers or other substances, 0 none … 10 overwhelming.
    public var craving: Int?
    public var doses: [DoseTaken]
    /// Private free text: never logged, never shown to staff unless the participant shares it.
    public var note: String?
    /// A self-critical thought noticed that day, which joins the participant's thought collection.
    public var criticalThought: String?

    public init(date: LocalDate, pain: Int? = nil, mood: Int? = nil, craving: Int? = nil, doses: [DoseTaken] = [],
                note: String? = nil, criticalThought: String? = nil) {
        self.date = date
        self.pain = pain
        self.mood = mood
        self.craving = craving
        self.doses = doses
        self.note = note
        self.criticalThought = criticalThought
    }

    /// All doses of the day, whatever the medicine.
    public var totalDoses: Int { doses.reduce(0) { $0 + $1.doses } }

    /// The most doses of one medicine a day can record.
    public static let maximumDoses = 50

    /// Reads a diary form. `doses` maps a medicine id to the typed count (blank means none); each dose
    /// field is named `dose-<medicine id>`. At least one of pain, mood, craving, doses or text is needed.
    public static func parse(date: String?, pain: String?, mood: String?, craving: String?, doses: [String: String],
                             note: String?, criticalThought: String?, medicines: [Medicine],
                             today: LocalDate) -> Result<DiaryEntry, FieldProblems> {
        var problems = FieldProblems()
        let day = FieldReader.date(date, field: "date", today: today, daysBack: PracticeEntry.maximumDaysBack, into: &problems)
        let painValue = FieldReader.integer(pain, field: "pain", range: 0...10, required: false, into: &problems)
        let moodValue = FieldReader.integer(mood, field: "mood", range: 0...10, required: false, into: &problems)
        let cravingValue = FieldReader.integer(craving, field: "craving", range: 0...10, required: false, into: &problems)
        var taken: [DoseTaken] = []
        let known = Set(medicines.map(\.id))
        for id in doses.keys.sorted() where !known.contains(id) {
            problems.add("dose-\(id)", value: id, expected: "a medicine on your list")
        }
        for medicine in medicines {
            if let count = FieldReader.integer(doses[medicine.id], field: "dose-\(medicine.id)", range: 0...maximumDoses,
                                               required: false, into: &problems), count > 0 {
                taken.append(DoseTaken(medicineID: medicine.id, doses: count))
            }
        }
        let text = FieldReader.text(note, field: "note", required: false, into: &problems)
        let thought = FieldReader.text(criticalThought, field: "criticalThought", required: false, into: &problems)
        if problems.isEmpty, painValue == nil, moodValue == nil, cravingValue == nil, taken.isEmpty, text == nil, thought == nil {
            problems.add("pain", value: "nothing entered", expected: "at least one rating, a dose or a few words")
        }
        guard problems.isEmpty, let day else { return .failure(problems) }
        return .success(DiaryEntry(date: day, pain: painValue, mood: moodValue, craving: cravingValue, doses: taken,
                                   note: text, criticalThought: thought))
    }
}

/// One point of a diary trend: a day and its value.
public struct TrendPoint: Codable, Sendable, Equatable {
    public var date: LocalDate
    public var value: Double
}

/// A participant's diary over time, one series per rating and the daily dose total, oldest first.
/// Days without an entry are absent (never drawn as zero); on a day with an entry, blank dose fields
/// count as no doses.
public struct DiaryTrends: Codable, Sendable, Equatable {
    public var pain: [TrendPoint]
    public var mood: [TrendPoint]
    public var craving: [TrendPoint]
    public var doses: [TrendPoint]

    /// Several entries on one day are combined: ratings averaged, doses added.
    public init(entries: [DiaryEntry], from start: LocalDate? = nil, through end: LocalDate? = nil) {
        var byDay: [LocalDate: [DiaryEntry]] = [:]
        for entry in entries {
            if let start, entry.date < start { continue }
            if let end, entry.date > end { continue }
            byDay[entry.date, default: []].append(entry)
        }
        let days = byDay.keys.sorted()
        func series(_ value: (DiaryEntry) -> Int?) -> [TrendPoint] {
            days.compactMap { day in
                let values = byDay[day]!.compactMap(value)
                guard !values.isEmpty else { return nil }
                return TrendPoint(date: day, value: Double(values.reduce(0, +)) / Double(values.count))
            }
        }
        pain = series(\.pain)
        mood = series(\.mood)
        craving = series(\.craving)
        // A diary day with no dose entered counts as a day without doses: the dose fields are on the
        // same form, so leaving them blank says "none taken".
        doses = days.map { day in TrendPoint(date: day, value: Double(byDay[day]!.reduce(0) { $0 + $1.totalDoses })) }
    }
}
