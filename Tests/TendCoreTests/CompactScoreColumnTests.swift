import Foundation
import Testing
@testable import TendCore

/// A column whose scores are all whole numbers from −32,767 to 32,767 is held in two bytes a score; a score
/// outside that (a fraction, a larger number, −32,768) widens it to doubles, keeping what it held. Either
/// way it reads each score as the double it was read as (−0 as 0).
@Suite struct CompactScoreColumnTests {
    private func bits(_ table: ScoreTable) -> [[[UInt64]]] {
        table.scores.map { $0.map { $0.map(\.bitPattern) } }
    }

    @Test func wholeScoresAreHeldInTwoBytesAndReadAsTheyWereRead() throws {
        let text = """
        participant,timepoint,measure,score
        P1,pre,whole,32767
        P1,pre,half,2.5
        P2,pre,whole,-32767
        P2,pre,half,-0
        P3,pre,whole,-0
        P3,pre,half,
        P4,pre,whole,
        P4,pre,half,3
        P5,pre,whole,0012

        """
        let table = try ScoreTable.parse(text)
        let whole = table.scores[0][0], half = table.scores[1][0]
        #expect(whole.isCompact && !half.isCompact)
        #expect(whole.count == 5 && half.count == 5)
        #expect(Array(whole).map(\.bitPattern) == [32767, -32767, 0, .nan, 12].map(\.bitPattern))
        // −0 is kept as 0 in a column of doubles too.
        #expect(Array(half).map(\.bitPattern) == [2.5, 0, .nan, 3, .nan].map(\.bitPattern))
        #expect(whole.withUnsafeBufferPointer { Array($0) }.map(\.bitPattern) == Array(whole).map(\.bitPattern))
        #expect(whole.withUnsafeBytes(\.count) == 10 && half.withUnsafeBytes(\.count) == 40)
        whole.withReader { reader in
            #expect((0..<5).map { reader[$0].bitPattern } == Array(whole).map(\.bitPattern))
            guard case .compact(let slots) = reader.slots else { Issue.record("not compact"); return }
            #expect(slots.value(1) == -32767 && slots.value(3).isNaN)
        }
        #expect(ColumnReservation.compact(-32768) == nil && ColumnReservation.compact(32768) == nil)
        #expect(ColumnReservation.compact(1e-300) == nil && ColumnReservation.compact(.infinity) == nil)
        #expect(ColumnReservation.compact(-0.0) == 0)
    }

    @Test func aColumnWidensWhenAScoreHasNoCompactFormAndReadsTheSameSplitAnywhere() throws {
        // Measure a widens late (40000), b on a fraction, c on −32768 (the compact "no score"); d stays
        // compact. In halves, a cell may be compact in one half and wide in the other.
        var text = "participant,arm,timepoint,measure,score\n"
        for p in 0..<3_000 {
            let a = p == 2_400 ? "40000" : "\(p % 300 - 150)"
            let b = p == 1_200 ? "7.25" : "\(p % 7)"
            let c = p == 2_999 ? "-32768" : (p % 11 == 0 ? "" : "\(-p)")
            for (m, v) in [("a", a), ("b", b), ("c", c), ("d", "\(p % 5)")] {
                text += "P\(p),\(p % 2 == 0 ? "x" : "y"),pre,\(m),\(v)\n"
            }
        }
        let single = try ScoreTable.parse(text, split: .never).table
        #expect(single.scores.map { $0[0].isCompact } == [false, false, false, true])
        #expect(single.score(measure: 0, timepoint: 0, participant: 2_400) == 40_000)
        #expect(single.score(measure: 0, timepoint: 0, participant: 2_399) == Double(2_399 % 300 - 150))
        #expect(single.score(measure: 1, timepoint: 0, participant: 1_200) == 7.25)
        #expect(single.score(measure: 2, timepoint: 0, participant: 2_999) == -32_768)
        #expect(single.score(measure: 2, timepoint: 0, participant: 11) == nil)
        #expect(single.score(measure: 2, timepoint: 0, participant: 12) == -12)
        for fraction in [0.1, 0.3, 0.5, 0.7, 0.9] {
            let split = try ScoreTable.parse(text, split: .near(Int(Double(text.utf8.count) * fraction)))
            #expect(split.strategy == .split)
            #expect(split.table.scores.map { $0[0].isCompact } == [false, false, false, true], "\(fraction)")
            #expect(bits(split.table) == bits(single), "\(fraction)")
        }
    }

    @Test func aSecondScoreForACompactSlotIsReportedAndTheFirstKept() throws {
        let text = "participant,timepoint,measure,score\nP1,pre,m,4\nP1,pre,m,5\nP1,pre,m,6.5\nP2,pre,m,7\n"
        let table = try ScoreTable.parse(text)
        #expect(table.scores[0][0].isCompact)
        #expect(Array(table.scores[0][0]) == [4, 7])
        #expect(table.issues.map(\.row) == [3, 4])
    }
}
