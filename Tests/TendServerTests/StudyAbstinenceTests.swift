import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Confirmed abstinence per two-week period (seed 003) from the tests staff enter: the same as
/// TendCore's ``AbstinencePeriods`` on the same tests, shown on the person's record in words, in the
/// participant's own data download, and erased with their data.
@Suite("Abstinence from recorded tests")
struct StudyAbstinenceTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    @Test("Periods from entered tests equal TendCore's, on the record in words and in the study's report by arm")
    func periodsFromEnteredTests() async throws {
        try await withTendApp { app in
            let hand = F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, code, participant) = try await S.consentingParticipant(app, staff: researcher)
            let definition = try await S.definition(study, on: app)
            try await S.consentToAll(participant, definition)
            let allocation = try #require(try await StudyAllocationModel.query(on: app.db).first())
            try await F.travel(hand, to: "2026-08-25T10:00:00Z", researcher)

            // Day 0 is the consent day, 2026-03-05 (the trial's control arm has no group; no group was chosen for the other).
            let visits: [(String, [String: String])] = [
                ("2026-03-15", ["test-result-opioids": "positive"]),                                    // before week 13: ignored
                ("2026-05-29", ["test-result-opioids": "negative"]),                                    // period 1
                ("2026-06-12", ["test-result-opioids": "negative"]),                                    // period 2 …
                ("2026-06-13", ["test-result-opioids": "positive"]),                                    // … with a positive
                ("2026-06-28", ["test-result-opioids": "invalid"]),                                     // period 3: no valid test
                ("2026-07-10", ["test-result-opioids": "not-done", "test-result-cocaine": "positive"]), // period 4: no opioid test
                ("2026-07-24", ["test-result-opioids": "negative", "test-result-cocaine": "positive"]), // period 5
            ]
            try await researcher.get(S.person(study, code))
            for (date, results) in visits {
                var form = results
                form["test-date"] = date
                form["test-specimen"] = "urine"
                let response = try await researcher.post(S.person(study, code) + "/records/tests", form)
                #expect(response.status == .seeOther, "visit \(date): \(response.status)")
            }

            let start = LocalDate("2026-03-05")!
            let expectedTests: [DrugTestResult] = visits.flatMap { date, results in
                results.compactMap { key, value -> DrugTestResult? in
                    guard let outcome = BiochemicalResult(rawValue: value)?.outcome else { return nil }
                    return DrugTestResult(participant: code, date: LocalDate(date)!, substance: String(key.dropFirst("test-result-".count)), outcome: outcome)
                }
            }
            let expected = try AbstinencePeriods.analyse(participants: [AbstinenceParticipant(participant: code, arm: allocation.arm, start: start)],
                                                         tests: expectedTests, options: AbstinenceOptions(substance: "opioids"),
                                                         armOrder: definition.arms.map(\.id))
            #expect(expected.participants.first?.periods == [.abstinent, .notAbstinent, .missing, .missing, .abstinent, .missing])

            let studyModel = try #require(try await StudyModel.find(study, on: app.db))
            let report = try await StudyAbstinence.report(study: studyModel, definition: definition, on: app.db)
            #expect(report.participants == expected.participants)
            #expect(report.arms.map(\.arm) == definition.arms.map(\.id))
            #expect(report.arms.map(\.abstinentPeriods) == expected.arms.map(\.abstinentPeriods))
            #expect(report.arms.first { $0.arm == allocation.arm }?.periodsCounted == 6)
            let leaveOut = try await StudyAbstinence.report(study: studyModel, definition: definition, on: app.db, missing: .leaveOut)
            #expect(leaveOut.participants.first?.proportion == 2.0 / 3.0)

            let page = try await researcher.get(S.person(study, code))
            #expect(page.text.contains("2 of 6 two-week periods abstinent so far, counted from day 0 on 2026-03-05."))
            #expect(page.text.contains("Period 1</strong> (weeks 13–14, 2026-05-28 to 2026-06-10): Abstinent (valid tests, all negative)"))
            #expect(page.text.contains("Period 2</strong> (weeks 15–16, 2026-06-11 to 2026-06-24): Not abstinent (a positive test)"))
            #expect(page.text.contains("Period 3</strong> (weeks 17–18, 2026-06-25 to 2026-07-08): No valid test"))
        }
    }

    @Test("The participant's download has the tests, doses and reimbursements staff recorded about them; deletion removes them")
    func participantDataRightsCoverStaffRecords() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, code, participant) = try await S.consentingParticipant(app, staff: researcher)
            try await S.consentToAll(participant, try await S.definition(study, on: app))
            try await researcher.get(S.person(study, code))
            #expect(try await researcher.post(S.person(study, code) + "/records/tests",
                                              ["test-date": "2026-03-05", "test-specimen": "saliva", "test-result-opioids": "negative"]).status == .seeOther)
            #expect(try await researcher.post(S.person(study, code) + "/records/medications",
                                              ["med-medicine": "buprenorphine", "med-dose": "12", "med-unit": "mg-per-day", "med-from": "2026-02-01"]).status == .seeOther)
            #expect(try await researcher.post(S.person(study, code) + "/records/reimbursements",
                                              ["pay-date": "2026-03-05", "pay-amount": "15", "pay-currency": "GBP", "pay-purpose": "baseline visit",
                                               "pay-given-by": "Research nurse"]).status == .seeOther)
            // Another person in the study: their records are not in this participant's download.
            let other = try await S.approach(researcher, study)
            try await researcher.get(S.person(study, other))
            #expect(try await researcher.post(S.person(study, other) + "/records/tests",
                                              ["test-date": "2026-03-05", "test-specimen": "urine", "test-result-cannabis": "positive"]).status == .seeOther)

            let download = try await participant.get("/my/data.csv")
            #expect(download.status == .ok)
            #expect(download.text.contains("study_drug_tests,"))
            #expect(download.text.contains(",specimen,saliva,"))
            #expect(download.text.contains("study_medication_doses,"))
            #expect(download.text.contains(",dose_mg,12,"))
            #expect(download.text.contains("study_reimbursements,"))
            #expect(download.text.contains(",given_by,Research nurse,"))
            #expect(!download.text.contains("Cannabis"), "another person's test is not in the download")

            let user = try #require(try await StudyScreeningModel.query(on: app.db).filter(\.$code == code).first()?.$user.id)
            #expect(ParticipantDataExport.sections.contains { $0.name == BiochemicalTestsDataSection.name })
            for section in ParticipantDataExport.sections.reversed() { try await section.erase(for: user, on: app.db) }
            #expect(try await BiochemicalTestModel.query(on: app.db).count() == 1, "only the other person's test is left")
            #expect(try await MedicationDoseModel.query(on: app.db).count() == 0)
            #expect(try await ReimbursementModel.query(on: app.db).count() == 0)
        }
    }
}
