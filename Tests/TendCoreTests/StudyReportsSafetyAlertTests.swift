import Foundation
import Testing
@testable import TendCore
import TendResources

/// Reliable deterioration reference (scipy 1.17.1): DASS-21 depression, r = .88 (the definition's
/// default), baseline SD 9 → S_diff = √2·9·√.12 = 4.409081537009721; cv = norm.ppf(.975) =
/// 1.959963984540054; a rise of 10 gives RCI 2.268046058132572 (deteriorated), a rise of 8 gives
/// 1.8144368465060579 (not).
@Suite("Study reports: safety alert rules")
struct StudyReportsSafetyAlertTests {
    static let library = try! InstrumentCatalog.builtIn()
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)
    var settings: SafetySettings {
        SafetySettings(baselineTimepoint: "pre", baselineSD: ["dass21.depression": 9],
                       studyRiskItems: [StudyRiskItem(instrument: "gad7", item: 3, atOrAbove: 2)])
    }

    func score(_ p: String, _ m: String, _ t: String, _ x: Double, hours: Double = 0) -> ScoreObservation {
        ScoreObservation(participant: p, measure: m, timepoint: t, score: x, completedAt: t0.addingTimeInterval(hours * 3600))
    }

    @Test("Reliable deterioration uses the definition's reliability and direction and the given baseline SD")
    func deterioration() {
        let scores = [score("A", "dass21.depression", "pre", 14), score("A", "dass21.depression", "mid", 22, hours: 1),
                      score("A", "dass21.depression", "post", 24, hours: 2),
                      score("B", "dass21.depression", "pre", 24), score("B", "dass21.depression", "post", 14, hours: 2)]
        let report = SafetyRules.alerts(scores: scores, library: Self.library, settings: settings)
        let alerts = report.alerts.filter { $0.kind == .reliableDeterioration }
        #expect(alerts.count == 1)
        let a = alerts[0]
        #expect(a.participant == "A" && a.timepoint == "post" && a.measure == "dass21.depression")
        #expect(abs(a.value - 2.268046058132572) < 1e-12)
        #expect(abs(a.threshold - 1.959963984540054) < 1e-12) // lower is better: worse means RCI > +cv
        #expect(a.raisedAt == t0.addingTimeInterval(7200))
        #expect(a.key == "A|reliable-deterioration|dass21.depression|post")
    }

    @Test("Without a baseline SD a measure is not checked, and the report says so")
    func noSD() {
        let scores = [score("A", "dass21.anxiety", "pre", 2), score("A", "dass21.anxiety", "post", 18)]
        let report = SafetyRules.alerts(scores: scores, library: Self.library, settings: settings)
        #expect(report.alerts.isEmpty)
        #expect(report.notes == ["dass21.anxiety: no baseline SD given; reliable deterioration not checked"])
    }

    @Test("DASS-21 extremely severe uses the doubled-score bands of the definition")
    func extremelySevere() {
        // Depression: extremely severe from 28 (doubled metric); anxiety from 20.
        let scores = [score("A", "dass21.depression", "pre", 27), score("B", "dass21.depression", "pre", 28),
                      score("C", "dass21.anxiety", "pre", 20), score("D", "dass21.anxiety", "pre", 19)]
        let alerts = SafetyRules.alerts(scores: scores, library: Self.library, settings: settings).alerts
        #expect(alerts.map(\.participant) == ["B", "C"])
        #expect(alerts.map(\.threshold) == [28, 20])
        #expect(alerts.allSatisfy { $0.kind == .extremelySevere })
    }

    @Test("PHQ-9 item 9 above 0, definition risk items and study risk items raise alerts")
    func riskItems() {
        let at = t0
        var phq = [Int?](repeating: 0, count: 9); phq[8] = 1
        var dass = [Int?](repeating: 0, count: 21); dass[20] = 2
        var gadLow = [Int?](repeating: 3, count: 7); gadLow[2] = 1
        var gadHigh = [Int?](repeating: 0, count: 7); gadHigh[2] = 2
        let sets = [
            ItemResponseSet(participant: "A", instrument: "phq9", timepoint: "pre", responses: phq, completedAt: at),
            ItemResponseSet(participant: "B", instrument: "phq9", timepoint: "pre", responses: Array(repeating: 0, count: 9), completedAt: at),
            ItemResponseSet(participant: "C", instrument: "dass21", timepoint: "post", responses: dass, completedAt: at),
            ItemResponseSet(participant: "D", instrument: "gad7", timepoint: "pre", responses: gadLow, completedAt: at),
            ItemResponseSet(participant: "E", instrument: "gad7", timepoint: "pre", responses: gadHigh, completedAt: at),
        ]
        let alerts = SafetyRules.alerts(scores: [], responses: sets, library: Self.library, settings: settings).alerts
        #expect(alerts.map(\.key) == ["A|phq9-item9|phq9.item9|pre", "C|risk-item|dass21.item21|post", "E|risk-item|gad7.item3|pre"])
        #expect(alerts[0].value == 1 && alerts[0].threshold == 1)
        #expect(alerts[2].threshold == 2)
    }

    @Test("Re-scoring the same data gives the same keys and no duplicates")
    func stableKeys() {
        let s = score("B", "dass21.depression", "pre", 30)
        let once = SafetyRules.alerts(scores: [s], library: Self.library, settings: settings).alerts
        let twice = SafetyRules.alerts(scores: [s, s], library: Self.library, settings: settings).alerts
        #expect(once.count == 1 && twice == once)
    }

    @Test("Three rising craving ratings raise one alert per rising run")
    func craving() {
        func c(_ day: Int, _ rating: Int) -> CravingRating {
            CravingRating(participant: "A", date: LocalDate(year: 2026, month: 2, day: day)!, rating: rating,
                          recordedAt: t0.addingTimeInterval(Double(day) * 86_400))
        }
        let quiet = SafetyRules.alerts(scores: [], craving: [c(1, 3), c(2, 4), c(3, 5)], library: Self.library, settings: settings)
        #expect(quiet.alerts.isEmpty) // two rises only
        let rising = SafetyRules.alerts(scores: [], craving: [c(1, 3), c(2, 4), c(3, 5), c(4, 6), c(5, 7), c(6, 2), c(7, 3), c(8, 4), c(9, 4)],
                                        library: Self.library, settings: settings).alerts
        #expect(rising.count == 1)
        #expect(rising.first?.key == "A|rising-craving|craving|2026-02-01")
        #expect(rising.first?.value == 6)
        #expect(rising.first?.raisedAt == t0.addingTimeInterval(4 * 86_400))
    }

    @Test("Escalation is due once the hours have passed without acknowledgement")
    func escalation() {
        let alert = SafetyAlert(participant: "A", kind: .phq9Item9, measure: "phq9.item9", timepoint: "pre", value: 1,
                                threshold: 1, raisedAt: t0, detail: "")
        #expect(!SafetyRules.escalationDue(alert, acknowledged: false, now: t0.addingTimeInterval(24 * 3600 - 1), after: 24))
        #expect(SafetyRules.escalationDue(alert, acknowledged: false, now: t0.addingTimeInterval(24 * 3600), after: 24))
        #expect(!SafetyRules.escalationDue(alert, acknowledged: true, now: t0.addingTimeInterval(48 * 3600), after: 24))
    }
}
