import Foundation
import Testing
@testable import TendCore

@Suite("A participant's activity at a glance")
struct ActivityGlanceTests {
    private func day(_ text: String) -> LocalDate { LocalDate(text)! }

    private func diary(_ date: String, pain: Int? = nil, craving: Int? = nil, doses: Int = 0) -> DiaryEntry {
        DiaryEntry(date: day(date), pain: pain, craving: craving, doses: [DoseTaken(medicineID: "m", doses: doses)])
    }

    @Test("practice minutes and thought-tool records count only the last seven days, today included")
    func lastSevenDays() {
        let glance = ActivityGlance(
            practice: [PracticeEntry(date: day("2026-03-11"), minutes: 40), PracticeEntry(date: day("2026-03-12"), minutes: 15),
                       PracticeEntry(date: day("2026-03-18"), minutes: 10), PracticeEntry(date: day("2026-03-19"), minutes: 99)],
            diary: [], thoughtToolDates: [day("2026-03-11"), day("2026-03-12"), day("2026-03-18")], today: day("2026-03-18"))
        #expect(glance.practiceMinutesLast7Days == 25)
        #expect(glance.thoughtToolUsesLast7Days == 2)
        #expect(glance.lastEntry == day("2026-03-18"), "a day after today is not counted")
    }

    @Test("a diary measure rises, falls or holds by this week's mean against last week's, each from two days or more")
    func trends() {
        let entries = [diary("2026-03-05", pain: 4, craving: 6, doses: 3), diary("2026-03-07", pain: 4, craving: 6, doses: 3),
                       diary("2026-03-12", pain: 5, craving: 2, doses: 3), diary("2026-03-14", pain: 4, craving: 3, doses: 3)]
        let glance = ActivityGlance(practice: [], diary: entries, thoughtToolDates: [], today: day("2026-03-14"))
        #expect(glance.pain == .rising, "4 → 4.5 is a rise of half a point")
        #expect(glance.craving == .falling)
        #expect(glance.doses == .steady)
        let thin = ActivityGlance(practice: [], diary: Array(entries.prefix(3)), thoughtToolDates: [], today: day("2026-03-14"))
        #expect(thin.pain == .notEnough)
        #expect(thin.pain.words == "not enough entries")
    }
}
