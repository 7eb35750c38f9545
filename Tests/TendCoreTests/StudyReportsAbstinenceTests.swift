import Foundation
import Testing
@testable import TendCore

/// Hand-built tests around seed 003's window: six 2-week periods on study days 84–167. With a start of
/// 2026-01-01, period 0 is 2026-03-26…2026-04-08, period 1 starts 2026-04-09, period 5 ends 2026-06-17
/// (dates from Python `date(2026,1,1) + timedelta(days)`).
@Suite("Study reports: abstinence per 2-week period")
struct StudyReportsAbstinenceTests {
    static func d(_ s: String) -> LocalDate { LocalDate(s)! }
    let start = d("2026-01-01")

    var participants: [AbstinenceParticipant] {
        [AbstinenceParticipant(participant: "P1", arm: "mindfulness", start: start),
         AbstinenceParticipant(participant: "P2", arm: "mindfulness", start: start),
         AbstinenceParticipant(participant: "P3", arm: "support", start: start)]
    }

    var tests: [DrugTestResult] {
        let d = Self.d
        return [
            // P1: periods 0–2 negative (first and last day of period 0), period 3 one positive among
            // negatives, period 4 no test, period 5 negative for opioids but positive for cocaine.
            DrugTestResult(participant: "P1", date: d("2026-03-26"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-04-08"), substance: "Opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-04-09"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-04-23"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-05-07"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-05-10"), substance: "opioids", outcome: .positive),
            DrugTestResult(participant: "P1", date: d("2026-05-12"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-06-10"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P1", date: d("2026-06-10"), substance: "cocaine", outcome: .positive),
            // P2: one positive in period 0, nothing else.
            DrugTestResult(participant: "P2", date: d("2026-03-30"), substance: "opioids", outcome: .positive),
            // P3: an invalid test in period 0 and negatives just outside the window (days 83 and 168).
            DrugTestResult(participant: "P3", date: d("2026-03-28"), substance: "opioids", outcome: .invalid),
            DrugTestResult(participant: "P3", date: d("2026-03-25"), substance: "opioids", outcome: .negative),
            DrugTestResult(participant: "P3", date: d("2026-06-18"), substance: "opioids", outcome: .negative),
        ]
    }

    @Test("Periods are classified per participant; missing counts as not abstinent by default")
    func primaryRule() throws {
        let report = try AbstinencePeriods.analyse(participants: participants, tests: tests, options: AbstinenceOptions(substance: "opioids"))
        #expect(report.participants[0].periods == [.abstinent, .abstinent, .abstinent, .notAbstinent, .missing, .abstinent])
        #expect(report.participants[1].periods == [.notAbstinent, .missing, .missing, .missing, .missing, .missing])
        #expect(report.participants[2].periods == Array(repeating: .missing, count: 6))
        #expect(report.participants.map(\.proportion) == [4.0 / 6.0, 0, 0])
        let arm = report.arms[0]
        #expect(arm.arm == "mindfulness" && arm.participants == 2)
        #expect(arm.abstinentPeriods == 4 && arm.periodsCounted == 12 && arm.missingPeriods == 6)
        #expect(arm.proportionOfPeriods == 4.0 / 12.0)
        #expect(abs(arm.meanParticipantProportion - (4.0 / 6.0 + 0) / 2) < 1e-15)
        #expect(report.arms[1].abstinentPeriods == 0 && report.arms[1].periodsCounted == 6)
        #expect(report.rule.contains("counts as not abstinent"))
    }

    @Test("Leaving missing periods out changes both denominators")
    func leaveOut() throws {
        let report = try AbstinencePeriods.analyse(participants: participants, tests: tests,
                                                   options: AbstinenceOptions(substance: "opioids", missing: .leaveOut))
        #expect(report.participants.map(\.proportion) == [4.0 / 5.0, 0, nil])
        #expect(report.arms[0].periodsCounted == 6)
        #expect(report.arms[0].proportionOfPeriods == 4.0 / 6.0)
        #expect(abs(report.arms[0].meanParticipantProportion - 0.4) < 1e-15)
        #expect(report.arms[1].proportionOfPeriods.isNaN && report.arms[1].meanParticipantProportion.isNaN)
    }

    @Test("Self-reported use makes a period not abstinent even with negative tests; a report alone is evidence of use")
    func selfReport() throws {
        let reports = [SelfReportedUse(participant: "P1", date: Self.d("2026-04-10"), substance: "opioids"),  // period 1
                       SelfReportedUse(participant: "P1", date: Self.d("2026-05-25"), substance: "cocaine"),  // other substance
                       SelfReportedUse(participant: "P3", date: Self.d("2026-06-17"), substance: "OPIOIDS")]  // period 5, last day
        let report = try AbstinencePeriods.analyse(participants: participants, tests: tests, selfReports: reports,
                                                   options: AbstinenceOptions(substance: "opioids"))
        #expect(report.participants[0].periods == [.abstinent, .notAbstinent, .abstinent, .notAbstinent, .missing, .abstinent])
        #expect(report.participants[2].periods == [.missing, .missing, .missing, .missing, .missing, .notAbstinent])
        #expect(report.arms[0].abstinentPeriods == 3)
    }

    @Test("A test for an unknown participant and a zero period length are errors naming the field")
    func errors() {
        #expect(throws: InputError(field: "tests[0].participant", value: "P9", expected: "a participant listed in participants")) {
            try AbstinencePeriods.analyse(participants: participants,
                                          tests: [DrugTestResult(participant: "P9", date: start, substance: "opioids", outcome: .negative)],
                                          options: AbstinenceOptions(substance: "opioids"))
        }
        #expect(throws: InputError.self) {
            try AbstinencePeriods.analyse(participants: participants, tests: [], options: AbstinenceOptions(substance: "opioids", periodDays: 0))
        }
    }
}
