import Foundation
import Testing
@testable import TendCore

/// The repository's examples folder, found from this file's path.
func exampleText(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples").appendingPathComponent(name)
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite struct OutcomeAnalysisTests {
    /// Seed 001 (single arm, n = 13): the fabricated example reproduces Table 2 cell by cell.
    @Test func seed001ExampleReproducesTable2() throws {
        let table = try ScoreTable.parse(try exampleText("fabricated-seed001-scores.csv"))
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"
        o.reliability = ["scs-sf.total": 0.83, "pseq.total": 0.88, "fscrs.hated-self": 0.87,
                         "fscrs.reassured-self": 0.86, "fscrs.inadequate-self": 0.89]
        o.better = ["scs-sf.total": .higherIsBetter, "pseq.total": .higherIsBetter, "fscrs.hated-self": .lowerIsBetter,
                    "fscrs.reassured-self": .higherIsBetter, "fscrs.inadequate-self": .lowerIsBetter]
        o.norms = ["scs-sf.total": NormsOverride(functionalMean: 3.3, functionalSD: 0.7),
                   "fscrs.hated-self": NormsOverride(functionalMean: 4, functionalSD: 3.5),
                   "fscrs.reassured-self": NormsOverride(functionalMean: 20, functionalSD: 6),
                   "fscrs.inadequate-self": NormsOverride(functionalMean: 14, functionalSD: 7)]
        o.criterionByMeasure = ["pseq.total": .a]
        let r = try OutcomeAnalysis.run(table: table, options: o, defaults: [:])
        // Rows: not significant / okay at baseline / significant change; columns: deterioration, improvement, no change.
        let expected: [String: [[Int]]] = [
            "scs-sf.total": [[0, 1, 2], [0, 0, 4], [0, 6, 0]],
            "pseq.total": [[0, 2, 7], [0, 0, 0], [0, 2, 2]],
            "fscrs.hated-self": [[0, 0, 5], [0, 0, 6], [0, 1, 1]],
            "fscrs.reassured-self": [[0, 2, 2], [0, 1, 4], [0, 3, 1]],
            "fscrs.inadequate-self": [[0, 2, 2], [0, 1, 2], [0, 4, 2]],
        ]
        #expect(r.measures.count == 5)
        for m in r.measures {
            let cs = try #require(m.clinicalSignificance, "\(m.measure): \(m.skipped)")
            let t = cs.table
            let got = [t.notSignificant, t.okayAtBaseline, t.significantChange].map { [$0.deterioration, $0.improvement, $0.noChange] }
            #expect(got == expected[m.measure], "\(m.measure)")
            #expect(cs.recovered == expected[m.measure]![2][1])
        }
        let pseq = try #require(r.measures.first { $0.measure == "pseq.total" }?.clinicalSignificance)
        #expect(pseq.criterion == .a)
        #expect(abs(pseq.cutoff - 50.1489) < 5e-5)
        #expect(r.baseline == nil && r.dropout == nil)
    }

    /// Without per-participant rows the categories are only counted; the counts are those of the rows, for
    /// every closed-form method, both directions, each cut-off criterion and cut-offs that scores sit on.
    @Test func countedCategoriesMatchThePerParticipantRows() throws {
        var csv = "participant,timepoint,measure,score\n"
        var rng = SeededGenerator(seed: 23)
        for i in 1...400 {
            let x = Double(Int.random(in: 10...40, using: &rng))
            csv += "P\(i),pre,m,\(x)\n"
            if i % 9 != 0 { csv += "P\(i),post,m,\(x + Double(Int.random(in: -12...12, using: &rng)))\n" }
        }
        let table = try ScoreTable.parse(csv)
        for method in [ReliableChangeMethod.jacobsonTruax, .gulliksenLordNovick, .edwardsNunnally, .hsuLinnLord] {
            for better in [Direction.higherIsBetter, .lowerIsBetter] {
                for criterion in [ClinicalCutoffCriterion.a, .b, .c, nil] {
                    var o = OutcomeAnalysisOptions()
                    o.pre = "pre"; o.post = "post"; o.method = method
                    o.reliability = ["m": 0.8]; o.better = ["m": better]
                    // A cut-off of exactly 25 (criterion b: functional mean 25 − 2 SD) lands on scores.
                    o.norms = ["m": NormsOverride(functionalMean: 31, functionalSD: 3)]
                    o.criterion = criterion
                    let rows = try OutcomeAnalysis.run(table: table, options: o, defaults: [:]).measures[0]
                    o.keepParticipants = false
                    let counted = try OutcomeAnalysis.run(table: table, options: o, defaults: [:]).measures[0]
                    #expect(rows.participants?.count == 356 && counted.participants == nil)
                    let label = "\(method) \(better) \(criterion?.rawValue ?? "none")"
                    let json = JSONEncoder()
                    json.outputFormatting = .sortedKeys
                    #expect(try json.encode(counted.reliableChange) == json.encode(rows.reliableChange), "\(label)")
                    #expect(try json.encode(counted.clinicalSignificance) == json.encode(rows.clinicalSignificance), "\(label)")
                    #expect(criterion == nil || rows.clinicalSignificance != nil, "\(label)")
                    let improved = rows.participants?.filter { $0.reliableChange == .improved }.count
                    #expect(counted.reliableChange?.result.improved == improved, "\(label)")
                }
            }
        }
    }

    /// Seed 000 design: funnel percentages print as the paper does, drop-out χ² from the counts as given.
    @Test func seed000ExampleFunnelAndDropout() throws {
        let table = try ScoreTable.parse(try exampleText("fabricated-seed000-scores.csv"))
        var o = OutcomeAnalysisOptions()
        o.pre = "baseline"; o.post = "follow-up"; o.confidenceLevel = 0.80
        o.funnel = FunnelCounts(approached: 103, agreed: 69)
        o.criteria = [FeasibilityCriterion(numerator: "agreed", denominator: "approached", threshold: 0.60),
                      FeasibilityCriterion(numerator: "baseline", denominator: "agreed", threshold: 0.70),
                      FeasibilityCriterion(numerator: "completed", denominator: "baseline", threshold: 0.50)]
        let r = try OutcomeAnalysis.run(table: table, options: o, defaults: [:])
        let f = try #require(r.feasibility)
        let printed = f.rates.map { "\($0.numerator)/\($0.denominator) \(String(format: "%.2f", 100 * $0.interval.estimate))" }
        #expect(printed == ["agreed/approached 66.99", "baseline/approached 45.63", "baseline/agreed 68.12", "completed/baseline 80.85"])
        #expect(f.rates.map(\.met) == [true, nil, false, true])
        #expect(abs(f.rates[0].interval.lower - 0.574418) < 1e-6)
        let d = try #require(r.dropout)
        #expect(d.arms.map(\.droppedOut) == [4, 1, 4])
        #expect(String(format: "%.1f", 100 * d.arms[0].rate) == "21.1")
        let chi = try #require(d.chiSquare)
        #expect(abs(chi.statistic - 1.694153) < 1e-6)
        #expect(abs(chi.p - 0.428666) < 1e-6)
        #expect(chi.df == 2)
        // ANOVA n differs by measure as in the paper: 37 for thoughts, 36 for anxiety, 38 otherwise.
        let n = Dictionary(uniqueKeysWithValues: r.measures.compactMap { m in m.anova.map { (m.measure, $0.result.n) } })
        #expect(n["ocdus.thoughts-interference"] == 37)
        #expect(n["dass21.anxiety"] == 36)
        #expect(n["dass21.stress"] == 38)
        let stress = try #require(r.measures.first { $0.measure == "dass21.stress" })
        #expect(stress.anova?.result.within.df2 == 35)
        // Differences at 80 % (as asked) and 95 % for each pair of arms.
        #expect(stress.armDifferences.count == 6)
        #expect(Set(stress.armDifferences.map(\.result.level)) == [0.80, 0.95])
        // Baseline table: 9 measures at baseline plus 4 covariates; sex is categorical.
        let b = try #require(r.baseline)
        #expect(b.rows.count == 13)
        let sex = try #require(b.rows.first { $0.variable == "sex" })
        #expect(sex.kind == "categorical" && sex.levels == ["F", "M"])
        // Without a reliability the OCDUS subscales ask for one, naming the option.
        let thoughts = try #require(r.measures.first { $0.measure == "ocdus.thoughts-interference" })
        #expect(thoughts.skipped["reliableChange"]?.contains("--reliability ocdus.thoughts-interference=R") == true)
    }

    /// Baseline and completion count a score on any analysed measure, not only the first.
    @Test func dropOutCountsScoresOnLaterMeasures() throws {
        let csv = """
        participant,arm,timepoint,measure,score
        P1,a,pre,m0,1
        P1,a,post,m0,2
        P2,a,pre,m2,1
        P2,a,post,m1,2
        P3,a,pre,m1,1
        P4,b,post,m0,2
        P5,b,pre,m0,1
        P5,b,post,m2,2
        P6,b,pre,m2,1
        P6,b,pre,m1,1
        P6,b,post,m0,
        """
        var o = OutcomeAnalysisOptions()
        o.pre = "pre"; o.post = "post"
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        let d = try #require(r.dropout)
        // a: P1, P2 and P3 at baseline, P3 dropped out; b: P5 and P6 at baseline (P4 has no pre score), P6
        // dropped out (a blank post score is no score).
        #expect(d.arms.map(\.baseline) == [3, 2])
        #expect(d.arms.map(\.completed) == [2, 1])
        #expect(d.total.baseline == 5 && d.total.completed == 3)
    }

    @Test func unknownTimepointIsNamedWithTheAvailableOnes() throws {
        let table = try ScoreTable.parse("participant,timepoint,measure,score\nP1,pre,m,1\nP1,post,m,2\n")
        var o = OutcomeAnalysisOptions()
        o.pre = "baseline"
        #expect(throws: OutcomeAnalysisError.unknownTimepoint(option: "--pre", label: "baseline", available: ["pre", "post"])) {
            try OutcomeAnalysis.run(table: table, options: o, defaults: [:])
        }
        let one = try ScoreTable.parse("participant,timepoint,measure,score\nP1,pre,m,1\n")
        #expect(throws: OutcomeAnalysisError.needsTwoTimepoints(available: ["pre"])) {
            try OutcomeAnalysis.run(table: one, options: OutcomeAnalysisOptions(), defaults: [:])
        }
    }

    @Test func oneArmSaysWhatItCannotCompare() throws {
        var csv = "participant,arm,timepoint,measure,score\n"
        for i in 1...6 { csv += "P\(i),only,pre,m,\(10 + i)\nP\(i),only,post,m,\(8 + i * 2)\n" }
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: OutcomeAnalysisOptions(), defaults: [:])
        #expect(r.notes.contains { $0.contains("only one arm") })
        #expect(r.measures[0].anova == nil)
        #expect(r.measures[0].skipped["reliableChange"]?.contains("--reliability m=R") == true)
        #expect(r.measures[0].change[0].n == 6)
    }

    @Test func unknownMeasureNeedsDirectionThenNorms() throws {
        var csv = "participant,timepoint,measure,score\n"
        for i in 1...8 { csv += "P\(i),pre,wellbeing,\(20 + i)\nP\(i),post,wellbeing,\(22 + i * 2)\n" }
        let table = try ScoreTable.parse(csv)
        var o = OutcomeAnalysisOptions()
        o.reliability = ["wellbeing": 0.8]
        var r = try OutcomeAnalysis.run(table: table, options: o, defaults: [:])
        #expect(r.measures[0].skipped["reliableChange"]?.contains("--better wellbeing=higher") == true)
        // Norms alone imply the direction (functional mean above clinical mean: higher is better).
        o.norms = ["wellbeing": NormsOverride(clinicalMean: 20, clinicalSD: 5, functionalMean: 40, functionalSD: 6)]
        r = try OutcomeAnalysis.run(table: table, options: o, defaults: [:])
        #expect(r.measures[0].direction == .higherIsBetter)
        let cs = try #require(r.measures[0].clinicalSignificance)
        #expect(cs.criterion == .c)
        #expect(abs(cs.cutoff - (5.0 * 40 + 6 * 20) / 11) < 1e-12)
    }

    @Test func permutingRowsChangesNoSummary() throws {
        let text = try exampleText("fabricated-seed000-scores.csv")
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        var rng = SeededGenerator(seed: 7)
        lines.shuffle(using: &rng)
        let shuffled = ([header] + lines).joined(separator: "\n")
        var o = OutcomeAnalysisOptions()
        o.pre = "baseline"; o.post = "follow-up"; o.keepParticipants = false
        let a = try OutcomeAnalysis.run(table: try ScoreTable.parse(text), options: o, defaults: [:])
        let b = try OutcomeAnalysis.run(table: try ScoreTable.parse(shuffled), options: o, defaults: [:])
        #expect(Set(a.measures.map(\.measure)) == Set(b.measures.map(\.measure)))
        for x in a.measures {
            let y = try #require(b.measures.first { $0.measure == x.measure })
            let fx = try #require(x.anova?.result), fy = try #require(y.anova?.result)
            #expect(abs(fx.interaction.f - fy.interaction.f) <= 1e-9 * abs(fx.interaction.f))
            #expect(abs(fx.within.ss - fy.within.ss) <= 1e-9 * abs(fx.within.ss))
        }
    }
}

@Suite struct OutcomeAnalysisLevelsTests {
    /// statistics.md §4 second unbalanced example (a = 3 with n = 5, 4, 6; b = 3), as a tidy file.
    static let rows = """
    s01 A 17 8 9|s02 A 15 9 14|s03 A 9 13 6|s04 A 15 11 8|s05 A 22 18 15|s06 B 22 24 18|s07 B 21 18 21|s08 B 27 18 24
    s09 B 17 22 16|s10 C 20 20 15|s11 C 13 10 10|s12 C 15 21 16|s13 C 8 6 6|s14 C 19 20 20|s15 C 15 17 16
    """

    /// `rows` as a tidy scores file: measure y at t1, t2 and t3.
    static var tidy: String {
        var csv = "participant,arm,timepoint,measure,score\n"
        for line in rows.replacingOccurrences(of: "\n", with: "|").split(separator: "|") {
            let f = line.split(separator: " ").map(String.init)
            for (k, t) in ["t1", "t2", "t3"].enumerated() { csv += "\(f[0]),\(f[1]),\(t),y,\(f[2 + k])\n" }
        }
        return csv
    }

    @Test func threeLevelsGiveSphericityAndCorrectedPValues() throws {
        let csv = Self.tidy
        var o = OutcomeAnalysisOptions()
        o.pre = "t1"; o.post = "t3"; o.anovaLevels = ["t1", "t2", "t3"]
        let r = try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        let a = try #require(r.measures[0].anova?.result)
        #expect(abs(a.within.f - 3.61725) < 5e-6)          // afex Type III, statistics.md §4
        #expect(abs(a.between.f - 4.9528605230) < 1e-9)
        let s = try #require(a.sphericity)
        #expect(abs(s.greenhouseGeisserEpsilon - 0.7458262644) < 1e-9)
        #expect(abs(s.mauchlyW - 0.6592051691) < 1e-9)
        #expect(abs(a.interaction.pGreenhouseGeisser! - 0.3709177310) < 1e-9)
        #expect(r.settings.anovaLevels == ["t1", "t2", "t3"])
        o.anovaLevels = ["t1", "week 9"]
        #expect(throws: OutcomeAnalysisError.unknownTimepoint(option: "--levels", label: "week 9", available: ["t1", "t2", "t3"])) {
            try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        }
    }

    /// Over the pre and post timepoints the mixed ANOVA comes from the measure's sums; over other levels it
    /// is computed from the scores. Both ways give the same table and exclusions.
    @Test func prePostANOVAFromTheSumsMatchesTheScores() throws {
        var csv = "participant,arm,timepoint,measure,score\n"
        var rng = SeededGenerator(seed: 11)
        for i in 1...90 {
            let arm = ["A", "B", "C", ""][i % 7 == 0 ? 3 : i % 3]
            let base = Double(Int.random(in: 300...700, using: &rng)) / 10
            csv += "P\(i),\(arm),t1,y,\(base)\n"
            if i % 11 != 0 { csv += "P\(i),\(arm),t2,y,\(base + Double(Int.random(in: -80...40, using: &rng)) / 10)\n" }
            csv += "P\(i),\(arm),t3,y,\(base - 1)\n"
        }
        let table = try ScoreTable.parse(csv)
        for type in [SumOfSquaresType.typeIII, .typeII] {
            for levels in [["t1", "t2"], ["t2", "t1"]] {
                var o = OutcomeAnalysisOptions()
                o.pre = "t1"; o.post = "t2"; o.anovaType = type; o.anovaLevels = levels
                let fromSums = try #require(try OutcomeAnalysis.run(table: table, options: o, defaults: [:]).measures[0].anova)
                // The same levels with the post timepoint moved: the ANOVA is then computed from the scores.
                o.post = "t3"
                let fromScores = try #require(try OutcomeAnalysis.run(table: table, options: o, defaults: [:]).measures[0].anova)
                #expect(fromSums.levels == levels)
                #expect(fromSums.excludedIncomplete == fromScores.excludedIncomplete && fromSums.excludedIncomplete > 0)
                #expect(fromSums.excludedNoArm == fromScores.excludedNoArm && fromSums.excludedNoArm > 0)
                let x = fromSums.result, y = fromScores.result
                #expect(x.groupLabels == y.groupLabels && x.groupSizes == y.groupSizes && x.levelLabels == y.levelLabels)
                for (a, b) in [(x.between, y.between), (x.within, y.within), (x.interaction, y.interaction)] {
                    #expect(abs(a.ss - b.ss) <= 1e-11 * abs(b.ss) && abs(a.f - b.f) <= 1e-11 * abs(b.f) && abs(a.p - b.p) <= 1e-12)
                }
                for j in x.cellMeans.indices { for t in 0..<2 { #expect(abs(x.cellMeans[j][t] - y.cellMeans[j][t]) <= 1e-13 * abs(y.cellMeans[j][t])) } }
            }
        }
    }

    @Test func unknownLevelIsNamed() throws {
        let csv = Self.tidy
        var o = OutcomeAnalysisOptions()
        o.pre = "t1"; o.post = "t3"
        o.anovaLevels = ["t1", "week 9"]
        #expect(throws: OutcomeAnalysisError.unknownTimepoint(option: "--levels", label: "week 9", available: ["t1", "t2", "t3"])) {
            try OutcomeAnalysis.run(table: try ScoreTable.parse(csv), options: o, defaults: [:])
        }
    }
}
