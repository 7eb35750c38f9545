import Foundation

/// One use of the self-critical thought tool: the critical thought and where it came up, what the inner
/// critic fears or is trying to protect, the compassionate self's answer in its three qualities, and
/// distress before and after.
public struct ThoughtRecord: Codable, Sendable, Equatable {
    public var date: LocalDate
    public var thought: String
    public var situation: String?
    /// What the critic is afraid of, or trying to protect the person from.
    public var criticFears: String?
    /// The compassionate self's answer: its wisdom (understanding why this is hard) …
    public var wiseResponse: String?
    /// … its strength (what would help, with courage) …
    public var strongResponse: String?
    /// … and its warmth (what a caring friend would say).
    public var caringResponse: String?
    public var distressBefore: Int?
    public var distressAfter: Int?
    /// Set when the thought arrived from a diary entry and has not been worked through yet.
    public var fromDiary: Bool

    public init(date: LocalDate, thought: String, situation: String? = nil, criticFears: String? = nil,
                wiseResponse: String? = nil, strongResponse: String? = nil, caringResponse: String? = nil,
                distressBefore: Int? = nil, distressAfter: Int? = nil, fromDiary: Bool = false) {
        self.date = date
        self.thought = thought
        self.situation = situation
        self.criticFears = criticFears
        self.wiseResponse = wiseResponse
        self.strongResponse = strongResponse
        self.caringResponse = caringResponse
        self.distressBefore = distressBefore
        self.distressAfter = distressAfter
        self.fromDiary = fromDiary
    }

    /// A thought caught in the diary, waiting to be answered with the tool.
    public static func fromDiary(_ entry: DiaryEntry) -> ThoughtRecord? {
        guard let thought = entry.criticalThought else { return nil }
        return ThoughtRecord(date: entry.date, thought: thought, fromDiary: true)
    }

    /// Whether the compassionate self has answered yet.
    public var isAnswered: Bool { wiseResponse != nil || strongResponse != nil || caringResponse != nil }

    /// The change in distress (after minus before), when both were rated.
    public var distressChange: Int? {
        guard let before = distressBefore, let after = distressAfter else { return nil }
        return after - before
    }

    /// Reads the thought tool's form; only the thought itself is required.
    public static func parse(date: String?, thought: String?, situation: String?, criticFears: String?,
                             wise: String?, strong: String?, caring: String?, distressBefore: String?,
                             distressAfter: String?, today: LocalDate) -> Result<ThoughtRecord, FieldProblems> {
        var problems = FieldProblems()
        let day = FieldReader.date(date, field: "date", today: today, daysBack: PracticeEntry.maximumDaysBack, into: &problems)
        let thoughtText = FieldReader.text(thought, field: "thought", required: true, into: &problems)
        let situationText = FieldReader.text(situation, field: "situation", required: false, into: &problems)
        let fears = FieldReader.text(criticFears, field: "criticFears", required: false, into: &problems)
        let wiseText = FieldReader.text(wise, field: "wise", required: false, into: &problems)
        let strongText = FieldReader.text(strong, field: "strong", required: false, into: &problems)
        let caringText = FieldReader.text(caring, field: "caring", required: false, into: &problems)
        let before = FieldReader.integer(distressBefore, field: "distressBefore", range: 0...10, required: false, into: &problems)
        let after = FieldReader.integer(distressAfter, field: "distressAfter", range: 0...10, required: false, into: &problems)
        guard problems.isEmpty, let day, let thoughtText else { return .failure(problems) }
        return .success(ThoughtRecord(date: day, thought: thoughtText, situation: situationText, criticFears: fears,
                                      wiseResponse: wiseText, strongResponse: strongText, caringResponse: caringText,
                                      distressBefore: before, distressAfter: after))
    }

    /// Every text field, for searching.
    var searchableText: [String] {
        [thought, situation, criticFears, wiseResponse, strongResponse, caringResponse].compactMap { $0 }
    }
}

/// Searching a participant's own collection of thoughts, so they can return to earlier answers.
public enum ThoughtSearch {
    /// The records containing every word of `query` (in any field, ignoring case and accents), newest
    /// first; an empty query returns every record, newest first.
    public static func matching<Records: Sequence>(_ query: String, in records: Records) -> [Records.Element]
    where Records.Element == ThoughtRecord {
        matching(query, in: records, record: { $0 })
    }

    /// The same search over items that carry a record (a stored row with its id, say): the items whose
    /// record contains every word of `query`, newest first; items on the same day keep their reverse order
    /// (later in `items` counts as newer).
    public static func matching<Items: Sequence>(_ query: String, in items: Items,
                                                 record: (Items.Element) -> ThoughtRecord) -> [Items.Element] {
        let words = fold(query).split(whereSeparator: { $0.isWhitespace || $0.isPunctuation }).map(String.init)
        let hits = items.map { ($0, record($0)) }.filter { _, record in
            guard !words.isEmpty else { return true }
            let haystack = fold(record.searchableText.joined(separator: "\n"))
            return words.allSatisfy { haystack.contains($0) }
        }
        return hits.enumerated().sorted { a, b in
            a.element.1.date != b.element.1.date ? a.element.1.date > b.element.1.date : a.offset > b.offset
        }.map(\.element.0)
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
