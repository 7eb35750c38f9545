import Foundation
import Testing
@testable import TendCore

/// The vocabularies and checks behind the records staff keep: money amounts, dose ranges, and how a
/// test result reaches the abstinence analysis.
@Suite("Staff records: amounts, doses, results")
struct StaffRecordsTests {
    @Test("Amounts parse to minor units; other text, zero and very large sums are refused naming the field")
    func amounts() throws {
        #expect(try MoneyAmount.parse("20", currency: "GBP", field: "amount").minorUnits == 2000)
        #expect(try MoneyAmount.parse("12.5", currency: "GBP", field: "amount").minorUnits == 1250)
        #expect(try MoneyAmount.parse(" 0.05 ", currency: "EUR", field: "amount").minorUnits == 5)
        #expect(try MoneyAmount.parse("12.50", currency: "GBP", field: "amount").description == "GBP 12.50")
        for bad in ["", "12.345", "1,000", "-5", "12.", ".5", "1e3", "ten"] {
            #expect(throws: InputError.self, "\(bad)") { try MoneyAmount.parse(bad, currency: "GBP", field: "amount") }
        }
        do {
            _ = try MoneyAmount.parse("0.00", currency: "GBP", field: "pay-amount")
            Issue.record("zero accepted")
        } catch {
            #expect(error.field == "pay-amount")
            #expect(error.expected == "more than 0")
        }
        #expect(throws: InputError.self) { try MoneyAmount.parse("10000.01", currency: "GBP", field: "amount") }
        #expect(MoneyAmount.isCurrencyCode("GBP") && !MoneyAmount.isCurrencyCode("gbp") && !MoneyAmount.isCurrencyCode("POUND"))
    }

    @Test("Doses outside each medicine's range, or a depot methadone, are refused with the range in words")
    func doses() {
        #expect(DoseRanges.problem(dose: 16, medicine: .buprenorphine, unit: .mgPerDay) == nil)
        #expect(DoseRanges.problem(dose: 0.4, medicine: .buprenorphine, unit: .mgPerDay) == nil)
        #expect(DoseRanges.problem(dose: 0.2, medicine: .buprenorphine, unit: .mgPerDay)
                == "Dose of buprenorphine must be from 0.4 to 32 mg (mg a day); you entered 0.2")
        #expect(DoseRanges.problem(dose: 350, medicine: .methadone, unit: .mgPerDay)
                == "Dose of methadone must be from 1 to 300 mg (mg a day); you entered 350")
        #expect(DoseRanges.problem(dose: 380, medicine: .naltrexone, unit: .mgPerInjection) == nil)
        #expect(DoseRanges.problem(dose: 190, medicine: .naltrexone, unit: .mgPerInjection)
                == "Dose of naltrexone must be 380 mg (mg per depot injection); you entered 190")
        #expect(DoseRanges.problem(dose: 60, medicine: .methadone, unit: .mgPerInjection)
                == "Dose: Methadone is not given as a depot injection; choose mg a day")
    }

    @Test("A test not done is no test for the abstinence analysis; an invalid one stays invalid")
    func resultsToOutcomes() {
        #expect(BiochemicalResult.negative.outcome == .negative)
        #expect(BiochemicalResult.positive.outcome == .positive)
        #expect(BiochemicalResult.invalid.outcome == .invalid)
        #expect(BiochemicalResult.notDone.outcome == nil)
    }
}
