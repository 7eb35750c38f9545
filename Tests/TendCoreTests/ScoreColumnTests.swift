import Foundation
import Testing
@testable import TendCore

/// Score columns: the reservations a reader fills, which grow in place, and the move of a second half's
/// column after the first half's without copying it.
@Suite struct ScoreColumnTests {
    private func value(_ i: Int, _ salt: Int) -> Double { Double(i % 1009) + Double(salt) / 8 + Double(i) * 1e-7 }

    /// A reservation holding `count` values `value(i, salt)` from slot 0.
    private func filled(capacity: Int, count: Int, salt: Int) -> ColumnReservation {
        var r = ColumnReservation(capacity: capacity)
        r.commit(count)
        for i in 0..<count { r.base[i] = value(i, salt) }
        return r
    }

    @Test func aColumnFromAnArrayReadsLikeTheArray() {
        let values: [Double] = [1.5, .nan, -2, 0]
        let column = ScoreColumn(values)
        #expect(column.count == 4)
        #expect(column.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(column[2] == -2)
        #expect(column.withUnsafeBufferPointer { $0.reduce(0) { $1.isNaN ? $0 : $0 + $1 } } == -0.5)
        #expect(ScoreColumn([]).isEmpty)
    }

    @Test func aReservationGrowsInPlaceKeepingItsValues() {
        var r = ColumnReservation(capacity: 1_000_000)
        defer { r.release() }
        let base = r.base
        var written = 0
        for step in [1, 100, 131_072, 131_073, 700_000, 1_000_000] {
            r.commit(step)
            #expect(r.committed >= step && r.committed <= r.capacity)
            for i in written..<step { r.base[i] = value(i, 3) }
            written = step
        }
        #expect(r.base == base)
        #expect((0..<1_000_000).allSatisfy { r.base[$0] == value($0, 3) })
    }

    /// Large second halves are moved into place whatever slot of a page they start at, and from slot 0 or 1
    /// (a first participant who was the first half's last); the first half's values stay as they were.
    @Test func aLargeSecondHalfIsMovedIntoPlaceAfterTheFirst() {
        for (at, from) in [(1, 0), (511, 1), (512, 0), (513, 1), (777_777, 0), (300_000, 1)] {
            let count = 200_000  // 1.6 MB: moved, not copied
            var first = filled(capacity: at + count + 10, count: at, salt: 1)
            let second = filled(capacity: count + 512, count: from + count, salt: 2)
            let moved = first.append(second, from: from, count: count, at: at)
            #if os(Linux)
            #expect(moved, "at \(at), from \(from)")
            #endif
            #expect(first.committed >= at + count)
            let column = ScoreColumn(adopting: first, count: at + count)
            let wrong = (0..<(at + count)).first { i in
                column[i] != (i < at ? value(i, 1) : value(i - at + from, 2))
            }
            #expect(wrong == nil, "at \(at), from \(from): slot \(wrong ?? -1)")
        }
    }

    @Test func aSmallSecondHalfIsCopiedAfterTheFirst() {
        var first = filled(capacity: 5000, count: 1234, salt: 1)
        let second = filled(capacity: 3000, count: 3000, salt: 2)
        let moved = first.append(second, from: 1, count: 2999, at: 1234)
        #expect(!moved)
        let column = ScoreColumn(adopting: first, count: 1234 + 2999)
        #expect((0..<column.count).allSatisfy { column[$0] == ($0 < 1234 ? value($0, 1) : value($0 - 1234 + 1, 2)) })
    }

    /// A file whose second half holds over a megabyte of each column's scores reads the same split as in
    /// one pass, wherever the split falls (so the first half ends at different slots of a page, and
    /// sometimes inside a participant's rows).
    @Test func largeHalvesMergeByMovingTheSecondHalfsColumns() throws {
        var text = "participant,arm,timepoint,measure,score\n"
        text.reserveCapacity(13_000_000)
        for i in 0..<300_000 {
            let arm = i % 3 == 0 ? "a" : "b"
            text += "P\(1_000_000 + i),\(arm),pre,m,\(i % 41)\n"
            if i % 7 != 0 { text += "P\(1_000_000 + i),\(arm),post,m,\(i % 43).5\n" }
        }
        let single = try ScoreTable.parse(text, split: .never).table
        #expect(single.participantCount == 300_000)
        // Just before a participant's post row (the split falls inside their rows), and at three fractions.
        let postRow = try #require(text.range(of: "\nP1150001,b,post"))
        let inside = text.utf8.distance(from: text.startIndex, to: postRow.lowerBound)
        let points = [inside] + [0.3, 0.35, 0.5].map { Int(Double(text.utf8.count) * $0) }
        for point in points {
            let split = try ScoreTable.parse(text, split: .near(point))
            #expect(split.strategy == .split)
            #expect(split.table.participants == single.participants)
            #expect(split.table.armOfParticipant == single.armOfParticipant)
            #expect(split.table.scores.map { $0.map { $0.map(\.bitPattern) } } == single.scores.map { $0.map { $0.map(\.bitPattern) } })
            #expect(split.table.rowCount == single.rowCount)
        }
    }
}
