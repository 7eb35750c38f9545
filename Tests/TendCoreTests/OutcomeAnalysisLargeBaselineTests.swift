import Testing
@testable import TendCore

/// With more than 5,000 participants in every arm, the baseline row of a measure comes from running sums
/// over the score columns (`OutcomeAnalysis.largeBaselineRow`) rather than from arrays: it must agree with
/// the array functions it stands for.
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
            #expect(group.mean == Descriptive.mean(values))
            #expect(close(group.sd, Descriptive.standardDeviation(values)))
        }
    }
}
