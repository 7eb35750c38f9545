import Foundation
import Testing
@testable import TendCore

@Suite("Practice log")
struct PracticeLogTests {
    private func day(_ text: String) -> LocalDate { LocalDate(text)! }

    private var entries: [PracticeEntry] {
        [("2026-11-25", 10), ("2026-11-24", 15), ("2026-11-23", 5), ("2026-11-20", 20), ("2026-11-19", 20),
         ("2026-11-18", 20), ("2026-11-17", 20), ("2026-11-10", 30)].map { PracticeEntry(date: day($0.0), minutes: $0.1) }
    }

    @Test("summary counts minutes per Monday-to-Sunday week, days practised and runs of days")
    func summary() {
        let summary = PracticeSummary(entries: entries, today: day("2026-11-25"), weeks: 3)
        #expect(summary.weeks == [
            WeekMinutes(weekStarting: day("2026-11-09"), minutes: 30, daysPractised: 1),
            WeekMinutes(weekStarting: day("2026-11-16"), minutes: 80, daysPractised: 4),
            WeekMinutes(weekStarting: day("2026-11-23"), minutes: 30, daysPractised: 3),
        ])
        #expect(summary.totalMinutes == 140)
        #expect(summary.daysInLastSeven == 5)
        #expect(summary.currentRun == 3)
        #expect(summary.longestRun == 4)
        #expect(summary.lastPractised == day("2026-11-25"))
    }

    @Test("a day without practice yet does not end the current run until it is over")
    func runCountsFromYesterday() {
        #expect(PracticeSummary(entries: entries, today: day("2026-11-26")).currentRun == 3)
        #expect(PracticeSummary(entries: entries, today: day("2026-11-27")).currentRun == 0)
    }

    @Test("an empty log gives zero weeks, not missing ones")
    func emptyLog() {
        let summary = PracticeSummary(entries: [], today: day("2026-11-25"), weeks: 2)
        #expect(summary.weeks.map(\.minutes) == [0, 0])
        #expect(summary.longestRun == 0 && summary.currentRun == 0 && summary.lastPractised == nil)
    }

    @Test("a practice form is read with every problem named by its field")
    func parseProblems() {
        let result = PracticeEntry.parse(date: "2026-11-30", exerciseID: "no-such", minutes: "0", feeling: "11", note: nil,
                                         today: day("2026-11-25"), knownExercises: ["soothing-rhythm"])
        guard case .failure(let problems) = result else { Issue.record("expected problems"); return }
        #expect(problems.problems.map(\.field) == ["date", "exercise", "minutes", "feeling"])
        #expect(problems.problem(for: "minutes")?.expected == "a whole number from 1 to 240")
        #expect(problems.problem(for: "date")?.expected == "today (2026-11-25) or an earlier day")
    }

    @Test("a valid practice form becomes an entry; a blank date means today")
    func parseValid() throws {
        let entry = try PracticeEntry.parse(date: " ", exerciseID: "soothing-rhythm", minutes: " 12 ", feeling: "7",
                                            note: "  calmer after  ", today: day("2026-11-25"),
                                            knownExercises: ["soothing-rhythm"]).get()
        #expect(entry == PracticeEntry(date: day("2026-11-25"), exerciseID: "soothing-rhythm", minutes: 12, feeling: 7,
                                       note: "calmer after"))
    }

    @Test("entries older than the catch-up window are refused")
    func tooOld() {
        let result = PracticeEntry.parse(date: "2026-09-01", exerciseID: nil, minutes: "5", feeling: nil, note: nil,
                                         today: day("2026-11-25"), knownExercises: [])
        guard case .failure(let problems) = result else { Issue.record("expected a problem"); return }
        #expect(problems.problem(for: "date")?.expected == "a day in the last 60 days")
    }
}

@Suite("Pain diary")
struct PainDiaryTests {
    private let medicines = [Medicine(id: "codeine", name: "Codeine 30 mg", unit: "tablet"),
                             Medicine(id: "paracetamol", name: "Paracetamol 500 mg", unit: "tablet")]
    private let today = LocalDate("2026-11-25")!

    @Test("a diary form keeps only doses taken and reads ratings 0 to 10")
    func parseValid() throws {
        let entry = try DiaryEntry.parse(date: nil, pain: "6", mood: "4", craving: "", doses: ["codeine": "2", "paracetamol": "0"],
                                         note: "bad night", criticalThought: "I am useless", medicines: medicines, today: today).get()
        #expect(entry == DiaryEntry(date: today, pain: 6, mood: 4, craving: nil, doses: [DoseTaken(medicineID: "codeine", doses: 2)],
                                    note: "bad night", criticalThought: "I am useless"))
        #expect(entry.totalDoses == 2)
        #expect(ThoughtRecord.fromDiary(entry) == ThoughtRecord(date: today, thought: "I am useless", fromDiary: true))
    }

    @Test("out-of-range ratings, unknown medicines and empty forms are named")
    func parseProblems() {
        guard case .failure(let problems) = DiaryEntry.parse(date: nil, pain: "12", mood: "x", craving: "-1", doses: ["morphine": "1"],
                                                             note: nil, criticalThought: nil, medicines: medicines, today: today)
        else { Issue.record("expected problems"); return }
        #expect(problems.problems.map(\.field) == ["pain", "mood", "craving", "dose-morphine"])
        guard case .failure(let empty) = DiaryEntry.parse(date: nil, pain: " ", mood: nil, craving: nil, doses: [:], note: " ",
                                                          criticalThought: nil, medicines: medicines, today: today)
        else { Issue.record("expected a problem"); return }
        #expect(empty.problems == [InputError(field: "pain", value: "nothing entered", expected: "at least one rating, a dose or a few words")])
    }

    @Test("trends average several entries on a day, add their doses, and leave unrated days out")
    func trends() {
        let d1 = LocalDate("2026-11-20")!, d2 = LocalDate("2026-11-21")!
        let entries = [DiaryEntry(date: d2, pain: 4, doses: [DoseTaken(medicineID: "codeine", doses: 1)]),
                       DiaryEntry(date: d1, pain: 7, craving: 3),
                       DiaryEntry(date: d2, pain: 5, doses: [DoseTaken(medicineID: "codeine", doses: 2)])]
        let trends = DiaryTrends(entries: entries)
        #expect(trends.pain == [TrendPoint(date: d1, value: 7), TrendPoint(date: d2, value: 4.5)])
        #expect(trends.craving == [TrendPoint(date: d1, value: 3)])
        #expect(trends.mood.isEmpty)
        #expect(trends.doses == [TrendPoint(date: d1, value: 0), TrendPoint(date: d2, value: 3)])
    }
}

@Suite("Self-critical thought tool")
struct ThoughtRecordTests {
    private let today = LocalDate("2026-11-25")!

    @Test("only the thought is required; distress is 0 to 10")
    func parse() throws {
        guard case .failure(let problems) = ThoughtRecord.parse(date: nil, thought: "  ", situation: nil, criticFears: nil, wise: nil,
                                                                strong: nil, caring: nil, distressBefore: "11", distressAfter: nil,
                                                                today: today)
        else { Issue.record("expected problems"); return }
        #expect(problems.problems.map(\.field) == ["thought", "distressBefore"])
        let record = try ThoughtRecord.parse(date: nil, thought: "I always ruin things", situation: "Cancelled on a friend",
                                             criticFears: "Being left out", wise: "Pain made today hard", strong: nil,
                                             caring: "You did what you could", distressBefore: "8", distressAfter: "5",
                                             today: today).get()
        #expect(record.isAnswered)
        #expect(record.distressChange == -3)
    }

    @Test("search finds every word in any field, ignoring case and accents, newest first")
    func search() {
        let records = [ThoughtRecord(date: LocalDate("2026-11-01")!, thought: "I am a burden", situation: "At the café"),
                       ThoughtRecord(date: LocalDate("2026-11-10")!, thought: "Nobody wants me around", caringResponse: "A burden? No."),
                       ThoughtRecord(date: LocalDate("2026-11-05")!, thought: "I should cope better")]
        #expect(ThoughtSearch.matching("BURDEN", in: records).map(\.thought) == ["Nobody wants me around", "I am a burden"])
        #expect(ThoughtSearch.matching("cafe burden", in: records).map(\.thought) == ["I am a burden"])
        #expect(ThoughtSearch.matching("", in: records).map(\.thought) == ["Nobody wants me around", "I should cope better", "I am a burden"])
        #expect(ThoughtSearch.matching("holiday", in: records).isEmpty)
    }

    @Test("search over stored rows returns the rows, newest first, later rows first on the same day")
    func searchKeyed() {
        let rows = [(id: "a", record: ThoughtRecord(date: LocalDate("2026-11-10")!, thought: "Je suis nulle", fromDiary: true)),
                    (id: "b", record: ThoughtRecord(date: LocalDate("2026-11-02")!, thought: "I'm useless", wiseResponse: "Pain is not laziness")),
                    (id: "c", record: ThoughtRecord(date: LocalDate("2026-11-10")!, thought: "Useless again"))]
        #expect(ThoughtSearch.matching("", in: rows, record: \.record).map(\.id) == ["c", "a", "b"])
        #expect(ThoughtSearch.matching("NULLE", in: rows, record: \.record).map(\.id) == ["a"])
        #expect(ThoughtSearch.matching("useless", in: rows, record: \.record).map(\.id) == ["c", "b"])
        #expect(ThoughtSearch.matching("laziness pain", in: rows, record: \.record).map(\.id) == ["b"])
    }
}

@Suite("Practice charts")
struct PracticeChartTests {
    @Test("weekly bars write each week's minutes as text and describe the chart for screen readers")
    func weeklyBars() {
        let weeks = [WeekMinutes(weekStarting: LocalDate("2026-11-09")!, minutes: 30, daysPractised: 1),
                     WeekMinutes(weekStarting: LocalDate("2026-11-16")!, minutes: 0, daysPractised: 0),
                     WeekMinutes(weekStarting: LocalDate("2026-11-23")!, minutes: 45, daysPractised: 3)]
        let svg = PracticeCharts.weeklyMinutes(weeks)
        #expect(svg.contains("<desc id=\"d\">3 weeks, 75 minutes in all. Week of 9 Nov: 30 minutes; Week of 16 Nov: 0 minutes; Week of 23 Nov: 45 minutes.</desc>"))
        #expect(svg.components(separatedBy: "<rect class=\"bar\"").count - 1 == 2)
        #expect(svg.contains(">45</text>") && svg.contains(">23 Nov</text>"))
    }

    @Test("charts given an id name their title and description after it, so several can share a page")
    func chartIDs() {
        let pain = PracticeCharts.trend([], title: "Pain", from: LocalDate("2026-11-20")!, through: LocalDate("2026-11-25")!, id: "pain")
        #expect(pain.contains("aria-labelledby=\"pain-title pain-desc\""))
        #expect(pain.contains("<title id=\"pain-title\">Pain</title><desc id=\"pain-desc\">"))
        let weeks = PracticeCharts.weeklyMinutes([], id: "weeks")
        #expect(weeks.contains("aria-labelledby=\"weeks-title weeks-desc\"") && !weeks.contains("id=\"t\""))
    }

    @Test("a trend breaks its line at a missing day and labels the latest value")
    func trendGaps() {
        let points = [TrendPoint(date: LocalDate("2026-11-20")!, value: 6), TrendPoint(date: LocalDate("2026-11-21")!, value: 5),
                      TrendPoint(date: LocalDate("2026-11-23")!, value: 3)]
        let svg = PracticeCharts.trend(points, title: "Pain", from: LocalDate("2026-11-20")!, through: LocalDate("2026-11-25")!)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 1)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
        #expect(svg.contains("latest 3 on 23 Nov"))
        let empty = PracticeCharts.trend([], title: "Craving", from: LocalDate("2026-11-20")!, through: LocalDate("2026-11-25")!)
        #expect(empty.contains("No entries between 20 Nov and 25 Nov."))
    }
}
