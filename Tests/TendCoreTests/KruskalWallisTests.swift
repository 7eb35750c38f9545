import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Kruskal–Wallis test matches R kruskal.test")
struct KruskalWallisTests {
    @Test("statistics.md §7.3 example with ties (H* 6.563338, p .037566)")
    func tiedExample() throws {
        // R 4.2.2: kruskal.test(list(c(1,2,2,3,5), c(2,4,4,6,7,7), c(3,5,8,8,9))); mean ranks from rank().
        let r = try KruskalWallis.test(groups: [[1, 2, 2, 3, 5], [2, 4, 4, 6, 7, 7], [3, 5, 8, 8, 9]])
        #expect(close(r.hCorrected, 6.5633383010432116))
        #expect(abs(r.p - 0.037565501970903158) <= 1e-9)
        #expect(r.df == 2)
        #expect(close(r.meanRanks[0], 4.4) && close(r.meanRanks[1], 9) && close(r.meanRanks[2], 12))
        // Ties: 2 (×3), 3 (×2), 4 (×2), 5 (×2), 7 (×2), 8 (×2): C = 1 − (24 + 5·6)/(16³ − 16).
        #expect(close(r.tieCorrection, 1 - 54.0 / 4080))
        #expect(close(r.h, r.hCorrected * r.tieCorrection))
    }

    @Test("statistics.md §11.3 second-pass example: H, C, H* and mean ranks")
    func secondPassExample() throws {
        // H 7.3670833333, C 0.9732142857, H* 7.5698470948, p 0.0227105990; mean ranks 8.1, 11.0833333333, 3.25.
        // Full precision: R 4.2.2 kruskal.test; C = 1 − 90/3360 (ties 27 ×2, 31 ×4, 35 ×3; N = 15) and H = H*·C.
        let r = try KruskalWallis.test(groups: [[27, 31, 31, 35, 40], [31, 33, 35, 35, 42, 44], [20, 22, 27, 31]])
        #expect(close(r.hCorrected, 7.5698470948012231))
        #expect(abs(r.p - 0.022710598994688112) <= 1e-9)
        #expect(close(r.tieCorrection, 1 - 90.0 / 3360))
        #expect(close(r.h, 7.5698470948012231 * (1 - 90.0 / 3360)))
        #expect(close(r.meanRanks[0], 8.1) && close(r.meanRanks[1], 11.083333333333334) && close(r.meanRanks[2], 3.25))
    }

    @Test("Without ties C = 1 and H = H*")
    func noTies() throws {
        // R 4.2.2: kruskal.test(list(c(2.5,1.1,3.7), c(4.2,5.9,6.3,4.8), c(0.4,1.9))).
        let r = try KruskalWallis.test(groups: [[2.5, 1.1, 3.7], [4.2, 5.9, 6.3, 4.8], [0.4, 1.9]])
        #expect(r.tieCorrection == 1)
        #expect(r.h == r.hCorrected)
        #expect(close(r.hCorrected, 6.4444444444444429))
        #expect(abs(r.p - 0.03986636782372497) <= 1e-9)
        #expect(close(r.meanRanks[0], 11.0 / 3) && close(r.meanRanks[1], 7.5) && close(r.meanRanks[2], 2))
    }

    @Test("All values identical is refused")
    func allIdentical() {
        #expect(throws: GroupComparisonError(field: "groups", value: "all values identical",
                                             expected: "at least two different values")) {
            try KruskalWallis.test(groups: [[3, 3], [3, 3, 3]])
        }
    }
}
