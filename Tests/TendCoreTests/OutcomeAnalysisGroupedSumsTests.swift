import Testing
@testable import TendCore

/// A large table's sums are gathered by group and everyone's figures combined from the groups'
/// (`OutcomeAnalysis.groupedMeasureSums`); they must be the figures of summing every series as it is
/// (`seriesMeasureSums`) up to rounding, for every timepoint, arm, pair series and the no-arm group.
@Suite struct OutcomeAnalysisGroupedSumsTests {
    /// Participants in arms a, b and c and some with no arm, at pre, mid and post, with missing pre, mid
    /// and post scores; scores near 1,000 with a small spread, so that carelessly combined sums lose digits.
    /// Participants listed in `rare` go to arm "rare" (their index in the table is their position in the file).
    private func table(participants: Int, rare: Set<Int> = [], seed: UInt64) throws -> ScoreTable {
        var rng = SeededGenerator(seed: seed)
        var csv = "participant,arm,timepoint,measure,score\n"
        for p in 0..<participants {
            let u = Int.random(in: 0..<100, using: &rng)
            let arm = rare.contains(p) ? "rare" : (u < 5 ? "" : ["a", "b", "c"][u % 3])
            let level = 1_000 + Double(arm.utf8.first ?? 0) / 100
            let x = level + Double(Int.random(in: 0...400, using: &rng)) / 64
            let y = x - 0.5 + Double(Int.random(in: 0...64, using: &rng)) / 32
            let r = Int.random(in: 0..<100, using: &rng)
            if r >= 4 { csv += "P\(p),\(arm),pre,m,\(x)\n" }
            if r % 3 != 0 { csv += "P\(p),\(arm),mid,m,\((x + y) / 2)\n" }
            if r < 90 { csv += "P\(p),\(arm),post,m,\(y)\n" } else { csv += "P\(p),\(arm),post,m,\n" }
        }
        return try ScoreTable.parse(csv)
    }

    private func context(_ table: ScoreTable) throws -> OutcomeAnalysis.Context {
        let pre = try #require(table.timepointIndex("pre")), post = try #require(table.timepointIndex("post"))
        return OutcomeAnalysis.Context(table: table, options: OutcomeAnalysisOptions(), pre: pre, post: post,
                                       levels: [pre, post], activeArms: Array(table.arms.indices), multiArm: true)
    }

    private func close(_ x: Double, _ y: Double, _ relative: Double) -> Bool {
        x == y || abs(x - y) <= relative * max(abs(x), abs(y))
    }

    @Test func groupedSumsAgreeWithEverySeriesSummedAsItIs() throws {
        let table = try table(participants: 4_000, seed: 0x6209)
        #expect(table.participantCount >= OutcomeAnalysis.sampledFrom)
        let c = try context(table)
        let grouped = try #require(OutcomeAnalysis.groupedMeasureSums(0, context: c))
        let series = OutcomeAnalysis.seriesMeasureSums(0, context: c)
        #expect(grouped.sums.count == series.sums.count)
        for (k, (g, s)) in zip(grouped.sums, series.sums).enumerated() {
            let place = "series \(k / grouped.groups), group \(k % grouped.groups)"
            #expect(g.n == s.n, "\(place)")
            if s.n == 0 { continue }
            // Within a few units in the last place (of a change's mean, small beside the scores it comes from).
            #expect(close(g.mean, s.mean, 1e-14), "\(place): \(g.mean) against \(s.mean)")
            #expect(close(g.squares, s.squares, 1e-12), "\(place): \(g.squares) against \(s.squares)")
        }
        // Everyone's pre and post include the participants without an arm; the arms' pool does not.
        #expect(grouped.timepoint(c.pre).n > grouped.armPrePool.n)
        #expect(grouped.nGiven == series.nGiven && grouped.nGivenWithArm == series.nGivenWithArm)
        #expect(grouped.nGiven > grouped.nGivenWithArm)
        #expect(close(grouped.pairCross, series.pairCross, 1e-12), "\(grouped.pairCross) against \(series.pairCross)")
    }

    @Test func aGroupMissedByTheSampleIsSummedSeriesBySeries() throws {
        // Three participants of arm "rare" sit between the sampled ones (every eighth): the grouped sums have
        // no shift for them and give way to the series sums, which the table's figures then are exactly.
        let table = try table(participants: 2_000, rare: [1, 2, 3], seed: 0x6210)
        let c = try context(table)
        #expect(OutcomeAnalysis.groupedMeasureSums(0, context: c) == nil)
        let sums = OutcomeAnalysis.measureSums(0, context: c)
        let series = OutcomeAnalysis.seriesMeasureSums(0, context: c)
        let rare = try #require(table.arms.firstIndex(of: "rare"))
        #expect(sums.timepoint(c.pre, arm: rare).n == 3)
        for (g, s) in zip(sums.sums, series.sums) {
            #expect(g.n == s.n && g.mean.bitPattern == s.mean.bitPattern && g.squares.bitPattern == s.squares.bitPattern)
        }
    }

    /// Σ values with Neumaier's compensation: a reference that loses next to nothing to rounding.
    private func compensatedSum(_ values: [Double]) -> Double {
        var sum = 0.0, compensation = 0.0
        for v in values {
            let t = sum + v
            compensation += abs(sum) >= abs(v) ? (sum - t) + v : (v - t) + sum
            sum = t
        }
        return sum + compensation
    }

    @Test func blockSumsKeepTheirDigitsWhenTheSampledShiftsAreFarFromTheMeans() throws {
        // Every eighth participant, the shift sample, scores 100 above the rest: each arm's shift is about 87
        // above its mean, and a sum about it drifts by that much with every participant. Summed in blocks, the
        // means, their differences between arms (what a test between arms is made of) and the sums of squares
        // keep nearly every digit of the compensated sums'.
        var rng = SeededGenerator(seed: 0xB10C)
        var csv = "participant,arm,timepoint,measure,score\n"
        var pre: [[Double]] = [[], [], []]
        for p in 0..<60_000 {
            let a = Int.random(in: 0..<3, using: &rng)
            let x = Double(p % 8 == 0 ? 1_100 : 1_000) + Double(Int.random(in: 0...64, using: &rng)) / 64
            pre[a].append(x)
            csv += "P\(p),arm\(a),pre,m,\(x)\nP\(p),arm\(a),post,m,\(x + 1)\n"
        }
        let table = try ScoreTable.parse(csv)
        let c = try context(table)
        let sums = try #require(OutcomeAnalysis.groupedMeasureSums(0, context: c))
        var means: [Double] = [], found: [Double] = []
        for a in 0..<3 {
            let s = sums.timepoint(c.pre, arm: try #require(table.arms.firstIndex(of: "arm\(a)")))
            let mean = compensatedSum(pre[a]) / Double(pre[a].count)
            let squares = compensatedSum(pre[a].map { ($0 - mean) * ($0 - mean) })
            // Summed without blocks the errors are about 2e-14, 3e-12 and up to 4e-10 (checked).
            #expect(close(s.mean, mean, 2e-15), "arm\(a): \(s.mean) against \(mean)")
            #expect(close(s.squares, squares, 5e-13), "arm\(a): \(s.squares) against \(squares)")
            means.append(mean); found.append(s.mean)
        }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            #expect(close(found[a] - found[b], means[a] - means[b], 2e-11), "arm\(a) − arm\(b)")
        }
    }

    @Test func combiningGroupsGivesTheFiguresOfTheirValuesTogether() {
        let parts: [[Double]] = [[1_000.25, 1_001.5, 999.75], [1_003, 1_002.5], [], [1_000.5]]
        let sums = parts.map { values -> OutcomeAnalysis.SeriesSums in
            var s = OutcomeAnalysis.SeriesSums.shifted(by: values.first)
            for v in values { s.add(v) }
            return s
        }
        let all = parts.flatMap { $0 }
        let combined = OutcomeAnalysis.SeriesSums.combined(sums)
        #expect(combined.n == all.count)
        #expect(close(combined.mean, Descriptive.mean(all), 1e-15))
        #expect(close(combined.standardDeviation, Descriptive.standardDeviation(all), 1e-13))
        // One group with values is that group's sums as they are; none is empty sums.
        #expect(OutcomeAnalysis.SeriesSums.combined([sums[2], sums[0]]).squares.bitPattern == sums[0].squares.bitPattern)
        #expect(OutcomeAnalysis.SeriesSums.combined([sums[2]]).n == 0)
    }
}
