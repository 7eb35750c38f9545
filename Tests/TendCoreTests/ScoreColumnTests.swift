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

    @Test func aColumnOnTheHeapGrowsAndTakesASecondHalfByCopying() {
        var first = ColumnReservation(capacity: 400_000, mapped: false)
        #expect(!first.isMapped)
        var written = 0
        for step in [10, 5000, 300_000] {
            first.commit(step)
            for i in written..<step { first.base[i] = value(i, 1) }
            written = step
        }
        let second = filled(capacity: 100_001, count: 100_001, salt: 2)
        let moved = first.append(second, from: 1, count: 100_000, at: 300_000)
        #expect(!moved)
        let column = ScoreColumn(adopting: first, count: 400_000)
        #expect((0..<400_000).allSatisfy { column[$0] == ($0 < 300_000 ? value($0, 1) : value($0 - 300_000 + 1, 2)) })
    }

    /// Over 512 measure × timepoint cells: the later columns are on the heap, in each half and in the table,
    /// where they move as they grow past 1,024 participants; the file reads the same split anywhere as in
    /// one pass.
    @Test func tablesWithManyCellsKeepTheLaterColumnsOnTheHeap() throws {
        var text = "participant,arm,timepoint,measure,score\n"
        // The first participants give every cell (600) a score, in either half of the splits below.
        for p in [0, 1, 1300, 1301] {
            for m in 0..<300 {
                text += "P\(1000 + p),\(p % 2 == 0 ? "a" : "b"),pre,item\(m),\(p * m % 17)\n"
                text += "P\(1000 + p),\(p % 2 == 0 ? "a" : "b"),post,item\(m),\(p + m)\n"
            }
        }
        for p in 2..<2600 where p != 1300 && p != 1301 {
            text += "P\(1000 + p),\(p % 2 == 0 ? "a" : "b"),pre,item\(p % 300),\(p % 23)\n"
            text += "P\(1000 + p),\(p % 2 == 0 ? "a" : "b"),post,item\((p * 7) % 300),\(p % 29).5\n"
        }
        let single = try ScoreTable.parse(text, split: .never).table
        #expect(single.measures.count == 300 && single.participantCount == 2600)
        let post = try #require(single.timepointIndex("post")), pre = try #require(single.timepointIndex("pre"))
        let p2599 = try #require(single.participants.firstIndex(of: "P3599"))
        #expect(single.score(measure: single.measureIndex("item\(2599 * 7 % 300)")!, timepoint: post, participant: p2599) == Double(2599 % 29) + 0.5)
        #expect(single.score(measure: single.measureIndex("item299")!, timepoint: pre, participant: p2599) == nil)
        #expect(single.score(measure: single.measureIndex("item299")!, timepoint: post, participant: 1) == 300)
        for fraction in [0.2, 0.5, 0.8] {
            let split = try ScoreTable.parse(text, split: .near(Int(Double(text.utf8.count) * fraction)))
            #expect(split.strategy == .split)
            #expect(split.table.participants == single.participants && split.table.measures == single.measures)
            #expect(split.table.scores.map { $0.map { $0.map(\.bitPattern) } } == single.scores.map { $0.map { $0.map(\.bitPattern) } })
        }
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
