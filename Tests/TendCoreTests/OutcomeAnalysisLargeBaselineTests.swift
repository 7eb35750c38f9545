import Testing
@testable import TendCore

/// With more than 5,000 participants in every arm, the baseline row of a measure comes from running sums
/// over the score columns (`OutcomeAnalysis.largeBaselineRow`) rather than from arrays: it must agree with
/// the array functions it stands for, whatever the order of the participants.
@Suite struct OutcomeAnalysisLargeBaselineTests {
    private func close(_ x: Double?, _ y: Double, relative: Double = 1e-12) -> Bool {
        guard let x else { return false }
        return abs(x - y) <= relative * max(abs(y), 1e-300)
    }

    @Test func largeArmsBaselineRowAgreesWithTheArrayFunctions() throws {
        // Three arms of unequal size in random order, drawn alike: scores on a grid of eighths far from zero,
        // with many ties. The arms' means of |x − arm mean| then differ by little more than chance, so
        // Levene's between-arm sum of squares is small against what its terms are made of: carelessly
        // formed sums lose digits there first.
        var rng = SeededGenerator(seed: 0xBA5E)
        var csv = "participant,arm,timepoint,measure,score\n"
        var pre: [[Double]] = [[], [], []]
        for id in 1...17_400 {
            let a = Int.random(in: 0..<100, using: &rng) < 30 ? 0 : (Int.random(in: 0..<2, using: &rng) == 0 ? 1 : 2)
            let x = 1_000 + Double(Int.random(in: 0...40, using: &rng)) / 8
            pre[a].append(x)
            csv += "P\(id),arm\(a),pre,m,\(x)\nP\(id),arm\(a),post,m,\(x - 2)\n"
        }
        #expect(pre.allSatisfy { $0.count > OutcomeAnalysis.shapiroRange.upperBound })
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"; o.keepParticipants = false
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        let row = try #require(r.baseline?.rows.first { $0.variable.hasPrefix("m ") })

        let levene = try #require(row.levene)
        let expected = try LeveneTest.test(groups: pre, center: .mean)
        #expect(close(levene.statistic, expected.statistic))
        #expect(abs(levene.p - expected.p) <= 1e-12)
        #expect(levene.df1 == expected.df1 && levene.df2 == expected.df2 && levene.center == .mean)

        let anova = try OneWayANOVA.test(groups: pre)
        #expect(row.test == "ANOVA F")
        #expect(close(row.statistic, anova.f))
        #expect(abs((row.p ?? .nan) - anova.p) <= 1e-12)
        #expect(row.df == [anova.dfBetween, anova.dfWithin])

        #expect(row.groups.map(\.arm) == ["arm0", "arm1", "arm2"] || Set(row.groups.map(\.arm)) == ["arm0", "arm1", "arm2"])
        for group in row.groups {
            let values = pre[Int(group.arm.dropFirst(3))!]
            #expect(group.n == values.count)
            #expect(close(group.mean, Descriptive.mean(values), relative: 1e-15))
            #expect(close(group.sd, Descriptive.standardDeviation(values)))
        }
    }

    @Test func sumsOfParticipantsSortedByScoreKeepTheirDigits() throws {
        // Sorted by score, each arm starts with a score of 0, a thousand times its SD below the arm's mean of
        // about 1,000: a sum shifted by the first value would carry that distance along and lose digits that
        // the one-way ANOVA between arms drawn alike is made of; shifted by a sample's mean it keeps them.
        // A fourth arm's scores are all equal: its SD is exactly 0.
        var rng = SeededGenerator(seed: 0x50F7)
        var rows: [(arm: Int, score: Double)] = (0..<3).map { ($0, 0.0) }
        for _ in 0..<24_000 {
            let a = Int.random(in: 0..<4, using: &rng)
            rows.append((a, a == 3 ? 1_000.5 : 1_000 + Double.random(in: 0..<1, using: &rng)))
        }
        rows.sort { $0.score < $1.score }
        var csv = "participant,arm,timepoint,measure,score\n"
        var pre: [[Double]] = [[], [], [], []]
        for (k, row) in rows.enumerated() {
            pre[row.arm].append(row.score)
            csv += "P\(k),arm\(row.arm),pre,m,\(row.score)\nP\(k),arm\(row.arm),post,m,\(row.score + 1)\n"
        }
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"; o.keepParticipants = false
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        let measure = try #require(r.measures.first)
        for cell in measure.descriptives where cell.timepoint == "pre" {
            let values = cell.arm.map { pre[Int($0.dropFirst(3))!] } ?? pre.flatMap { $0 }
            #expect(cell.n == values.count)
            #expect(close(cell.mean, Descriptive.mean(values), relative: 1e-15), "\(cell.arm ?? "all")")
            if cell.arm == "arm3" {
                #expect(cell.sd == 0)
            } else {
                #expect(close(cell.sd, Descriptive.standardDeviation(values), relative: 1e-12), "\(cell.arm ?? "all")")
            }
        }
        let row = try #require(r.baseline?.rows.first { $0.variable.hasPrefix("m ") })
        let anova = try OneWayANOVA.test(groups: pre)
        #expect(close(row.statistic, anova.f, relative: 1e-11))
    }

    /// The pre scores by arm, and the run of `tend analyse` on them (with post = pre + 1): `arm(p)` gives
    /// participant p's arm and `score(p, u)` their score, u a uniform draw from 0…64.
    private func run(participants: Int, seed: UInt64, arm: (Int, inout SeededGenerator) -> Int,
                     score: (Int, Int) -> Double) throws -> (pre: [[Double]], row: BaselineRow) {
        var rng = SeededGenerator(seed: seed)
        var csv = "participant,arm,timepoint,measure,score\n"
        var pre: [[Double]] = [[], [], []]
        for p in 0..<participants {
            let a = arm(p, &rng)
            let x = score(p, Int.random(in: 0...64, using: &rng))
            pre[a].append(x)
            csv += "P\(p),arm\(a),pre,m,\(x)\nP\(p),arm\(a),post,m,\(x + 1)\n"
        }
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"; o.keepParticipants = false
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        return (pre, try #require(r.baseline?.rows.first { $0.variable.hasPrefix("m ") }))
    }

    @Test func leveneKeepsItsDigitsWhenTheSampledShiftsAreFarFromTheMeans() throws {
        // Every eighth participant, the sample that Levene's shifts come from, scores 100 above the rest: their
        // deviations from the arm's mean are about 87, the others' about 12.
        let (pre, row) = try run(participants: 48_000, seed: 0x1E7E, arm: { _, rng in Int.random(in: 0..<3, using: &rng) },
                                 score: { p, u in Double(p % 8 == 0 ? 1_100 : 1_000) + Double(u) / 64 })
        let levene = try #require(row.levene)
        let expected = try LeveneTest.test(groups: pre, center: .mean)
        // Summed without blocks: 2e-11 (checked).
        #expect(close(levene.statistic, expected.statistic, relative: 2e-12), "\(levene.statistic) against \(expected.statistic)")
        #expect(abs(levene.p - expected.p) <= 1e-12)
    }

    @Test func leveneFindsItsShiftsOverEveryoneWhenTheSampleMissesAnArm() throws {
        // Arm 2 is every eighth participant but the sampled ones, so the sample has none of it. Scores are
        // about 500 or 1,500, so every deviation from an arm's mean is about 500 give or take 0.5: summed
        // about 0 rather than a first pass's mean, the deviations' sum of squares would lose six digits.
        let (pre, row) = try run(participants: 48_000, seed: 0x1E7F,
                                 arm: { p, rng in p % 8 == 3 ? 2 : Int.random(in: 0..<2, using: &rng) },
                                 score: { p, u in Double(p / 8 % 2 == 0 ? 500 : 1_500) + Double(u) / 64 })
        #expect(pre[2].count > OutcomeAnalysis.shapiroRange.upperBound)
        let levene = try #require(row.levene)
        let expected = try LeveneTest.test(groups: pre, center: .mean)
        // Shifted by 0 for arm 2 instead: 1e-11 (checked).
        #expect(close(levene.statistic, expected.statistic, relative: 3e-12), "\(levene.statistic) against \(expected.statistic)")
        #expect(abs(levene.p - expected.p) <= 1e-12)
    }

    @Test func aSmallTableHasTheTwoPassMeansToTheLastBit() throws {
        // Under 512 participants the sums are shifted by plain first-pass means: Descriptive.mean's two passes.
        var rng = SeededGenerator(seed: 0x5A11)
        var csv = "participant,arm,timepoint,measure,score\n"
        var pre: [[Double]] = [[], [], []], post: [[Double]] = [[], [], []], everyone: [[Double]] = [[], []]
        for id in 1...300 {
            let a = Int.random(in: 0..<3, using: &rng)
            let x = 40 + Double.random(in: 0..<20, using: &rng), y = x + Double.random(in: -5..<5, using: &rng)
            pre[a].append(x)
            everyone[0].append(x)
            csv += "P\(id),arm\(a),pre,m,\(x)\n"
            if id % 5 != 0 { post[a].append(y); everyone[1].append(y); csv += "P\(id),arm\(a),post,m,\(y)\n" }
        }
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        let measure = try #require(r.measures.first)
        #expect(measure.descriptives.count == 8)
        for cell in measure.descriptives {
            let byArm = cell.timepoint == "pre" ? pre : post
            let values = cell.arm.map { byArm[Int($0.dropFirst(3))!] } ?? everyone[cell.timepoint == "pre" ? 0 : 1]
            #expect(cell.mean == Descriptive.mean(values), "\(cell.timepoint) \(cell.arm ?? "all")")
            #expect(close(cell.sd, Descriptive.standardDeviation(values), relative: 1e-14))
        }
    }
}
