import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Cohen's κ with FCE standard error, interval and z test")
struct CohenKappaTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var table: [[Int]]
        var po: Double, pe: Double, kappa: Double, se: Double, lower: Double, upper: Double
        var se0: Double, z: Double, p: Double
        var lower90: Double, upper90: Double
        var testDescription: String { name }
    }

    /// statsmodels 0.15.0 `cohens_kappa(table)` (kappa, std_kappa, kappa_low, kappa_upp, std_kappa0);
    /// z = kappa/std_kappa0 and p = 2·norm.sf(|z|) in scipy; the 90 % bounds are kappa ∓
    /// norm.isf(0.05)·std_kappa.
    static let cases: [Case] = [
        // statistics.md §8.1: rater 1 vs rater 2 of Fleiss's diagnoses (κ 0.651163, SE 0.099683,
        // CI [0.455788, 0.846537], SE0 0.093070).
        Case(name: "Fleiss diagnoses, raters 1 and 2",
             table: [[7, 1, 2, 3, 0], [0, 8, 1, 1, 0], [0, 0, 2, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 4]],
             po: 0.7333333333333333, pe: 0.23555555555555557, kappa: 0.6511627906976744,
             se: 0.0996826561268852, lower: 0.45578837480568835, upper: 0.8465372065896604,
             se0: 0.09307017954109957, z: 6.996470769782091, p: 2.6249050536964064e-12,
             lower90: 0.4871994122232107, upper90: 0.815126169172138),
        // statistics.md §8.1: SAS PROC FREQ example (κ 0.4842, ASE 0.1380, CI 0.2137–0.7547, ASE0 0.1484,
        // Z 3.2626, p 0.0011; statsmodels to 14 digits: κ 0.48416289592760, SE 0.13801357830581).
        Case(name: "SAS PROC FREQ 3 × 3", table: [[0, 4, 1], [0, 8, 0], [0, 1, 5]],
             po: 0.6842105263157895, pe: 0.38781163434903043, kappa: 0.48416289592760187,
             se: 0.1380135783058146, lower: 0.21366125307070666, upper: 0.754664538784497,
             se0: 0.1483982818901329, z: 3.2625909799013257, p: 0.0011039873017298144,
             lower90: 0.2571507610827316, upper90: 0.7111750307724721),
        // statistics.md §8.1 2 × 2 sanity case (κ 0.40, SE 0.126996063, CI [0.151092290, 0.648907710],
        // SE0 0.138564065).
        Case(name: "2 × 2", table: [[20, 5], [10, 15]],
             po: 0.7, pe: 0.5, kappa: 0.4, se: 0.12699606293110033, lower: 0.151092290476661,
             upper: 0.6489077095233389, se0: 0.13856406460551018, z: 2.886751345948128, p: 0.0038924171227786367,
             lower90: 0.19111006527922203, upper90: 0.6088899347207778),
    ]

    @Test("Matches statsmodels", arguments: cases)
    func matchesStatsmodels(_ c: Case) throws {
        let r = try CohenKappa.compute(table: c.table)
        #expect(close(r.po, c.po) && close(r.pe, c.pe))
        #expect(close(r.kappa, c.kappa))
        #expect(close(r.se, c.se))
        #expect(close(r.lower, c.lower) && close(r.upper, c.upper))
        #expect(close(r.se0, c.se0))
        #expect(close(r.z, c.z))
        #expect(abs(r.p - c.p) <= 1e-9)
        #expect(r.level == 0.95)
        let r90 = try CohenKappa.compute(table: c.table, level: 0.9)
        #expect(close(r90.lower, c.lower90) && close(r90.upper, c.upper90))
    }

    @Test("SAS printout is reproduced to its printed digits")
    func sasDigits() throws {
        let r = try CohenKappa.compute(table: [[0, 4, 1], [0, 8, 0], [0, 1, 5]])
        func round4(_ x: Double) -> Double { (x * 1e4).rounded() / 1e4 }
        #expect(round4(r.kappa) == 0.4842 && round4(r.se) == 0.1380 && round4(r.se0) == 0.1484)
        #expect(round4(r.lower) == 0.2137 && round4(r.upper) == 0.7547)
        #expect(round4(r.z) == 3.2626 && round4(r.p) == 0.0011)
    }

    @Test("Invalid tables are refused")
    func invalid() {
        #expect(throws: ContingencyTableError.self) { try CohenKappa.compute(table: [[1, 2, 3], [4, 5, 6]]) }
        #expect(throws: ContingencyTableError.self) { try CohenKappa.compute(table: [[1, -2], [3, 4]]) }
        #expect(throws: ContingencyTableError.self) { try CohenKappa.compute(table: [[5, 0], [0, 0]]) }
        #expect(throws: ContingencyTableError.self) { try CohenKappa.compute(table: [[0, 0], [0, 0]]) }
        #expect(throws: ContingencyTableError.self) { try CohenKappa.compute(table: [[1, 2], [3, 4]], level: 1.5) }
    }
}
