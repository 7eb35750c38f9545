import Foundation

/// A request `tend analyse` cannot carry out at all (as opposed to a measure or section that is skipped
/// with a reason while the rest is analysed).
public enum OutcomeAnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownTimepoint(option: String, label: String, available: [String])
    case needsTwoTimepoints(available: [String])
    case samePrePost(String)
    case noMeasures(requested: [String], available: [String])
    case invalidConfidenceLevel(Double)

    public var description: String {
        switch self {
        case .unknownTimepoint(let option, let label, let available):
            return "\(option) \(label): no such timepoint in the file; the timepoints are \(available.joined(separator: ", "))"
        case .needsTwoTimepoints(let available):
            return "the file has \(available.isEmpty ? "no timepoints" : "one timepoint (\(available[0]))"); change needs two (before and after)"
        case .samePrePost(let label):
            return "--pre and --post are both \(label); they must be two different timepoints"
        case .noMeasures(let requested, let available):
            return "none of the measures \(requested.joined(separator: ", ")) is in the file; it has \(available.joined(separator: ", "))"
        case .invalidConfidenceLevel(let level):
            return "--ci \(level): expected a confidence level between 0 and 1, such as 0.80 or 0.95"
        }
    }
}

/// The outcome analyses a service evaluation or pilot trial reports, run over a `ScoreTable`.
///
/// Per measure: descriptives by arm and timepoint, pre–post change with effect sizes, reliable change
/// (five methods), clinically significant change (criteria a, b, c) in the shape of seed 001 Table 2,
/// the arm × time mixed ANOVA, and pairwise between-arm differences in mean change. Across measures:
/// the baseline table by arm, drop-out by arm, and feasibility rates against success criteria.
public enum OutcomeAnalysis {
    public static func run(table: ScoreTable, options: OutcomeAnalysisOptions,
                           defaults: [String: MeasureDefaults]) throws(OutcomeAnalysisError) -> OutcomeAnalysisResult {
        guard options.confidenceLevel > 0, options.confidenceLevel < 1 else {
            throw .invalidConfidenceLevel(options.confidenceLevel)
        }
        var notes: [String] = []
        // Timepoints.
        guard table.timepoints.count >= 2 else { throw .needsTwoTimepoints(available: table.timepoints) }
        func lookup(_ label: String, option: String) throws(OutcomeAnalysisError) -> Int {
            guard let i = table.timepointIndex(label) else {
                throw .unknownTimepoint(option: option, label: label, available: table.timepoints)
            }
            return i
        }
        let preIndex: Int, postIndex: Int
        switch (options.pre, options.post) {
        case let (pre?, post?):
            preIndex = try lookup(pre, option: "--pre"); postIndex = try lookup(post, option: "--post")
        case let (pre?, nil):
            preIndex = try lookup(pre, option: "--pre")
            postIndex = preIndex + 1 < table.timepoints.count ? preIndex + 1 : 0
        case let (nil, post?):
            postIndex = try lookup(post, option: "--post")
            preIndex = postIndex == 0 ? 1 : 0
        case (nil, nil):
            preIndex = 0; postIndex = 1
        }
        if preIndex == postIndex { throw .samePrePost(table.timepoints[preIndex]) }
        var levelIndices: [Int] = []
        for label in options.anovaLevels ?? [table.timepoints[preIndex], table.timepoints[postIndex]] {
            guard let i = table.timepointIndex(label) else {
                throw .unknownTimepoint(option: "--levels", label: label, available: table.timepoints)
            }
            levelIndices.append(i)
        }
        let timepointSource: String
        switch (options.pre, options.post) {
        case (nil, nil): timepointSource = "the first two timepoints in the file (pass --pre and --post to choose)"
        case (.some, .some): timepointSource = "--pre and --post"
        case (.some, nil): timepointSource = "--pre, and the timepoint after it in the file as post"
        case (nil, .some): timepointSource = "--post, and the first other timepoint in the file as pre"
        }

        // Measures.
        var measureIndices: [Int] = []
        if let requested = options.measures {
            for id in requested {
                if let i = table.measureIndex(id) { measureIndices.append(i) }
                else { notes.append("--measure \(id): not in the file (it has \(table.measures.joined(separator: ", "))); left out") }
            }
            if measureIndices.isEmpty { throw .noMeasures(requested: requested, available: table.measures) }
        } else {
            measureIndices = Array(table.measures.indices)
        }
        let analysedIds = Set(measureIndices.map { table.measures[$0] })
        for (flag, keys) in [("--reliability", Array(options.reliability.keys)), ("--norms", Array(options.norms.keys)), ("--better", Array(options.better.keys)), ("--criterion", Array(options.criterionByMeasure.keys))] {
            for key in keys.sorted() where !analysedIds.contains(key) {
                notes.append("\(flag) \(key): no measure of that name is analysed; ignored")
            }
        }

        // Arms present.
        var armCounts = [Int](repeating: 0, count: table.arms.count)
        var noArm = 0
        for a in table.armOfParticipant { if a >= 0 { armCounts[Int(a)] += 1 } else { noArm += 1 } }
        let activeArms = table.arms.indices.filter { armCounts[$0] > 0 }
        if table.hasArmColumn && noArm > 0 && !activeArms.isEmpty {
            notes.append("\(noArm) participant\(noArm == 1 ? " has" : "s have") no arm; they count in the overall figures but not in comparisons between arms")
        }
        let multiArm = activeArms.count >= 2
        if table.hasArmColumn && activeArms.count == 1 {
            notes.append("only one arm (\(table.arms[activeArms[0]])) is in the file: the mixed ANOVA, the baseline table and the comparisons between arms need two or more")
        }

        let context = Context(table: table, options: options, pre: preIndex, post: postIndex,
                              levels: levelIndices, activeArms: activeArms, multiArm: multiArm)
        // Measures are independent, and so is a measure's mixed ANOVA over other levels than pre and post
        // from the rest of its analyses: run them as separate jobs on every core, the larger ones (a measure
        // without its ANOVA) first, so that both cores stay busy to the end.
        let indices = measureIndices
        let M = indices.count
        let slots = ResultSlots<(analysis: MeasureAnalysis, baseline: BaselineRow?)>(count: M)
        let anovas = ResultSlots<ANOVAOutcome>(count: M)
        let separateANOVA = multiArm && !context.anovaFromSums
        // Who has a pre and a post score on any measure (drop-out, feasibility) is one more job, last, so
        // that it runs while the other core finishes a measure.
        let needsPresence = multiArm || options.funnel != nil || !options.criteria.isEmpty
        let measureJobs = separateANOVA ? 2 * M : M
        let presenceSlot = ResultSlots<PresenceCounts>(count: 1)
        DispatchQueue.concurrentPerform(iterations: measureJobs + (needsPresence ? 1 : 0)) { k in
            if k == measureJobs {
                presenceSlot.set(0, presenceCounts(context: context, measureIndices: indices))
                return
            }
            let m = indices[k % M]
            if k < M {
                let id = table.measures[m]
                slots.set(k, analyseMeasure(m, defaults: defaults[id] ?? MeasureDefaults(name: id), context: context))
            } else {
                var skipped: [String: String] = [:]
                let section = mixedANOVA(m, context: context, skipped: &skipped)
                anovas.set(k - M, ANOVAOutcome(section: section, skipped: skipped["anova"]))
            }
        }
        var analysed = slots.values()
        if separateANOVA {
            for (k, outcome) in anovas.values().enumerated() {
                analysed[k].analysis.anova = outcome.section
                if let reason = outcome.skipped { analysed[k].analysis.skipped["anova"] = reason }
            }
        }
        let measures = analysed.map(\.analysis)

        let presence = needsPresence ? presenceSlot.values()[0] : nil
        let baseline = multiArm ? baselineTable(context: context, measureIndices: measureIndices,
                                                measureRows: analysed.map(\.baseline), notes: &notes) : nil
        let dropout = multiArm ? presence.map { dropoutAnalysis(context: context, presence: $0) } : nil
        let feasibility = presence.flatMap { feasibilityAnalysis(context: context, presence: $0, notes: &notes) }

        let settings = SettingsSummary(
            pre: table.timepoints[preIndex], post: table.timepoints[postIndex], timepointSource: timepointSource,
            anovaLevels: levelIndices.map { table.timepoints[$0] }, method: options.method, anovaType: options.anovaType,
            confidenceLevel: options.confidenceLevel,
            differenceVariance: options.welch ? "Welch" : "pooled (two arms)",
            significanceLevel: options.significanceLevel)
        var result = OutcomeAnalysisResult(
            input: InputSummary(rows: table.rowCount, participants: table.participantCount,
                                arms: activeArms.map { ArmCount(arm: table.arms[$0], participants: armCounts[$0]) },
                                timepoints: table.timepoints, measures: table.measures, covariates: table.covariateNames),
            settings: settings, measures: measures, baseline: baseline, dropout: dropout, feasibility: feasibility,
            notes: notes, rowIssues: table.issues, methods: [])
        result.methods = MethodsText.paragraphs(for: result)
        return result
    }

    /// A measure's mixed ANOVA, or why it was skipped.
    struct ANOVAOutcome {
        var section: ANOVASection?
        var skipped: String?
    }

    /// Write-once slots filled from concurrent iterations, each index by exactly one of them.
    final class ResultSlots<T>: @unchecked Sendable {
        private var storage: [T?]
        private let lock = NSLock()
        init(count: Int) { storage = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: T) { lock.lock(); storage[i] = value; lock.unlock() }
        func values() -> [T] { storage.map { $0! } }
    }

    struct Context: Sendable {
        let table: ScoreTable
        let options: OutcomeAnalysisOptions
        let pre: Int
        let post: Int
        let levels: [Int]
        let activeArms: [Int]
        let multiArm: Bool
        /// The mixed ANOVA's levels are the pre and post timepoints, so it comes from the measure's sums.
        var anovaFromSums: Bool { levels.count == 2 && pre != post && Set(levels) == [pre, post] }
    }

    // MARK: - One measure

    /// One measure's analyses, and its baseline-table row when it can come from the same sums (see
    /// `largeBaselineRow`). The mixed ANOVA is included when it comes from the same sums (`twoLevelANOVA`),
    /// else it is a job of its own (`mixedANOVA`).
    static func analyseMeasure(_ m: Int, defaults: MeasureDefaults, context c: Context) -> (analysis: MeasureAnalysis, baseline: BaselineRow?) {
        let table = c.table, options = c.options
        let id = table.measures[m]
        var skipped: [String: String] = [:]

        // Direction.
        let override = options.norms[id]
        var direction: Direction? = nil
        var directionSource = "unknown"
        if let d = options.better[id] {
            direction = d; directionSource = "--better"
        } else if let d = defaults.direction {
            direction = d; directionSource = "instrument definition"
        } else if let fm = override?.functionalMean, let cm = override?.clinicalMean, fm != cm {
            direction = fm > cm ? .higherIsBetter : .lowerIsBetter
            directionSource = "implied by --norms (functional mean \(fm > cm ? "above" : "below") clinical mean)"
        }

        // Every mean, SD and count by timepoint and arm, and of the complete pairs, in one pass.
        let sums = measureSums(m, context: c)

        // Descriptives per timepoint, overall and by arm.
        var descriptives: [CellSummary] = []
        for t in table.timepoints.indices {
            let overall = sums.timepoint(t)
            if overall.n == 0 { continue }
            descriptives.append(cellSummary(arm: nil, timepoint: table.timepoints[t], sums: overall))
            if c.multiArm {
                for a in c.activeArms where sums.timepoint(t, arm: a).n > 0 {
                    descriptives.append(cellSummary(arm: table.arms[a], timepoint: table.timepoints[t], sums: sums.timepoint(t, arm: a)))
                }
            }
        }

        // Complete pairs.
        let nPairs = sums.pairPre().n
        let nGiven = sums.nGiven
        var change: [ChangeSummary] = []
        if let s = changeSummary(arm: nil, pre: sums.pairPre(), post: sums.pairPost(), change: sums.pairChange()) { change.append(s) }
        if c.multiArm {
            for a in c.activeArms {
                if let s = changeSummary(arm: table.arms[a], pre: sums.pairPre(arm: a), post: sums.pairPost(arm: a),
                                         change: sums.pairChange(arm: a)) { change.append(s) }
            }
        }

        // Reliable change.
        var rci: ReliableChangeFigures? = nil
        let reliability = options.reliability[id] ?? defaults.reliability
        let reliabilitySource = options.reliability[id] != nil ? "--reliability" : (defaults.reliabilitySource ?? "instrument definition")
        if nPairs < 2 {
            skipped["reliableChange"] = "needs at least two participants with both \(table.timepoints[c.pre]) and \(table.timepoints[c.post]) scores; \(nPairs) \(nPairs == 1 ? "has" : "have") both"
        } else if reliability == nil {
            skipped["reliableChange"] = "needs the measure's reliability: pass --reliability \(id)=R (for example a published Cronbach's alpha)"
        } else if direction == nil {
            skipped["reliableChange"] = "needs to know whether higher scores are better: pass --better \(id)=higher or --better \(id)=lower (or --norms with clinical and functional means)"
        } else if let reliability, let direction {
            do {
                rci = try reliableChangeFigures(sums, m: m, context: c, reliability: reliability, direction: direction)
            } catch {
                skipped["reliableChange"] = "\(error)"
            }
        }

        // Clinically significant change: the cut-off, then one pass over the pairs for the tables.
        var clinsig: (criterion: ClinicalCutoffCriterion, reason: String, cutoff: Double, cutoffs: ClinicalCutoffs,
                      norms: ClinicalNorms, clinicalSource: String, functionalSource: String?)? = nil
        if let r = rci, let direction {
            let functionalMean = override?.functionalMean ?? defaults.functionalMean
            let functionalSD = override?.functionalSD ?? defaults.functionalSD
            let functionalSource = (override?.functionalMean != nil) ? "--norms" : defaults.functionalSource
            let hasFunctional = functionalMean != nil && functionalSD != nil
            var criterion: ClinicalCutoffCriterion? = options.criterionByMeasure[id] ?? options.criterion
            var reason = options.criterionByMeasure[id] != nil ? "--criterion \(id)=\(criterion!.rawValue)" : "--criterion \(options.criterion?.rawValue ?? "")"
            if criterion == nil {
                if let preferred = defaults.preferredCriterion, !(preferred != .a && !hasFunctional) {
                    criterion = preferred
                    reason = defaults.preferredCriterionReason ?? "the instrument definition's preferred criterion"
                } else if hasFunctional {
                    criterion = .c
                    reason = "non-clinical norms are available, so criterion c (Jacobson & Truax 1991)"
                }
            }
            if let criterion {
                if criterion != .a && !hasFunctional {
                    let paper = defaults.functionalNormsMissing.map { " (they would come from \($0))" } ?? ""
                    skipped["clinicalSignificance"] = "criterion \(criterion.rawValue) needs the non-clinical mean and SD\(paper): pass --norms \(id)=,,MEAN,SD, or --criterion a"
                } else {
                    let clinicalMean = override?.clinicalMean ?? r.meanPre
                    let clinicalSD = override?.clinicalSD ?? r.sdPre
                    let clinicalSource = override?.clinicalMean != nil ? "--norms" : "the sample's \(table.timepoints[c.pre]) mean and SD (as R clinsig does by default)"
                    let norms = ClinicalNorms(clinicalMean: clinicalMean, clinicalSD: clinicalSD,
                                              functionalMean: functionalMean, functionalSD: functionalSD)
                    let cutoffs = ClinicalSignificance.cutoffs(norms: norms, direction: direction)
                    if let cutoff = cutoffs.value(for: criterion) {
                        clinsig = (criterion, reason, cutoff, cutoffs, norms, clinicalSource, functionalSource)
                    } else {
                        skipped["clinicalSignificance"] = "criterion \(criterion.rawValue) could not be computed from the norms given"
                    }
                }
            } else {
                let paper = defaults.functionalNormsMissing.map { "; they would come from \($0)" } ?? ""
                skipped["clinicalSignificance"] = "needs non-clinical norms for criterion c (pass --norms \(id)=,,MEAN,SD\(paper)) or --criterion a, which uses the sample's own \(table.timepoints[c.pre]) distribution"
            }
        } else if skipped["reliableChange"] != nil {
            skipped["clinicalSignificance"] = "needs reliable change, which was not computed"
        }

        // Per pair: the reliable change category, the clinsig table cell and the combined category (counted,
        // and kept per participant when asked for).
        var counts = PairCounts()
        var kept = KeptPairs()
        if let r = rci, let direction, r.values == nil, !options.keepParticipants {
            // Only the counts are wanted: each pair's category, clinsig row and the two cut-off tests make an
            // index into 36 counters, from which every count is then read.
            let cells = categoryCells(m, figures: r, direction: direction, cutoff: clinsig?.cutoff, context: c)
            for (index, count) in cells.enumerated() where count > 0 {
                let cat: ReliableChangeCategory = [.improved, .unchanged, .deteriorated][index % 3]
                let rest = index / 3
                guard clinsig != nil else { counts.add(cat, row: nil, combined: nil, count: count); continue }
                let row: ClinsigRow = [.notSignificant, .okayAtBaseline, .significantChange][rest % 3]
                let combined = CombinedCategory(cat, clinicalPre: (rest / 3) % 2 == 1, functionalPost: rest / 6 == 1)
                counts.add(cat, row: row, combined: combined, count: count)
            }
        } else if rci != nil || options.keepParticipants {
            let keep = options.keepParticipants
            if keep { kept.reserve(nPairs) }
            let preScores = table.scores[m][c.pre], postScores = table.scores[m][c.post]
            let sign = direction?.sign ?? 1
            let cutoff = clinsig?.cutoff
            var k = 0
            for p in 0..<table.participantCount {
                let x = preScores[p], y = postScores[p]
                if x.isNaN || y.isNaN { continue }
                var category: ReliableChangeCategory? = nil
                var value: Double? = nil
                var row: ClinsigRow? = nil
                var combined: CombinedCategory? = nil
                if let r = rci, let direction {
                    let v = r.values?[k] ?? r.rci(pre: x, post: y)
                    let cat = ReliableChange.classify(rci: v, criticalValue: r.criticalValue, direction: direction)
                    value = v
                    category = cat
                    if let cutoff {
                        let s = sign
                        if s * x > s * cutoff { row = .okayAtBaseline }
                        else if s * y > s * cutoff { row = .significantChange }
                        else { row = .notSignificant }
                        combined = CombinedCategory(cat, clinicalPre: s * x < s * cutoff, functionalPost: s * y > s * cutoff)
                    }
                    counts.add(cat, row: row, combined: combined)
                }
                if keep { kept.append(p, x, y, value, category, row, combined) }
                k += 1
            }
        }

        var rciSection: ReliableChangeSection? = nil
        if let r = rci, let reliability {
            rciSection = ReliableChangeSection(
                reliability: reliability, reliabilitySource: reliabilitySource, nGiven: nGiven,
                result: ReliableChangeSummary(
                    method: r.method, nUsed: r.nUsed, meanPre: r.meanPre, sdPre: r.sdPre, meanPost: r.meanPost,
                    sdPost: r.sdPost, sem: r.sem, sDiff: r.sDiff, sep: r.sep, rPrePost: r.rPrePost, rDD: r.rDD,
                    criticalValue: r.criticalValue, improved: counts.reliableChange.improved, unchanged: counts.reliableChange.unchanged,
                    deteriorated: counts.reliableChange.deteriorated))
        }
        var cscSection: ClinicalSignificanceSection? = nil
        if let r = rci, let cs = clinsig {
            cscSection = ClinicalSignificanceSection(
                criterion: cs.criterion, criterionReason: cs.reason, cutoff: cs.cutoff, cutoffs: cs.cutoffs,
                clinicalMean: cs.norms.clinicalMean, clinicalSD: cs.norms.clinicalSD, clinicalSource: cs.clinicalSource,
                functionalMean: cs.norms.functionalMean, functionalSD: cs.norms.functionalSD, functionalSource: cs.functionalSource,
                reliableChangeThreshold: r.criticalValue * r.sDiff, table: counts.table,
                recovered: counts.combined.recovered, improved: counts.combined.improved, unchanged: counts.combined.unchanged,
                deteriorated: counts.combined.deteriorated, harmed: counts.combined.harmed)
        }

        // The mixed ANOVA over pre and post comes from the sums; over other levels it is a job of its own
        // (see `run`), whose section is filled in there.
        let anova: ANOVASection? = c.multiArm && c.anovaFromSums ? twoLevelANOVA(sums, context: c, skipped: &skipped) : nil

        // Between-arm differences in mean change.
        var differences: [ArmDifference] = []
        if c.multiArm {
            var levels = [options.confidenceLevel]
            if abs(options.confidenceLevel - 0.95) > 1e-12 { levels.append(0.95) }
            let variance: MeanDifferenceVariance = options.welch ? .welch : .pooledTwoArms
            for level in levels {
                for i in c.activeArms.indices {
                    for j in c.activeArms.indices where j > i {
                        let a = c.activeArms[i], b = c.activeArms[j]
                        let x = sums.pairChange(arm: a), y = sums.pairChange(arm: b)
                        guard x.n >= 2, y.n >= 2 else { continue }
                        if let result = meanDifference(x, y, level: level, variance: variance) {
                            differences.append(ArmDifference(armA: table.arms[a], armB: table.arms[b], nA: x.n, nB: y.n,
                                                             meanChangeA: x.mean, meanChangeB: y.mean, result: result))
                            continue
                        }
                        // A case the sums do not cover (no variation): the function gives the result or the error.
                        let (preA, postA) = completePairs(m, context: c, arm: a), (preB, postB) = completePairs(m, context: c, arm: b)
                        let changeA = zip(preA, postA).map { $1 - $0 }, changeB = zip(preB, postB).map { $1 - $0 }
                        do {
                            let result = try MeanDifference.twoSample(changeA, changeB, level: level, variance: variance)
                            differences.append(ArmDifference(armA: table.arms[a], armB: table.arms[b], nA: changeA.count, nB: changeB.count,
                                                             meanChangeA: Descriptive.mean(changeA), meanChangeB: Descriptive.mean(changeB),
                                                             result: result))
                        } catch {
                            skipped["armDifference \(table.arms[a]) − \(table.arms[b])"] = "\(error)"
                        }
                    }
                }
            }
        }

        // Per-participant rows.
        var participants: [ParticipantOutcome]? = nil
        if options.keepParticipants {
            var list: [ParticipantOutcome] = []
            list.reserveCapacity(kept.participant.count)
            for k in kept.participant.indices {
                let p = kept.participant[k]
                let a = table.armOfParticipant[p]
                let column: String? = kept.category[k].map {
                    switch $0 { case .improved: "improvement"; case .deteriorated: "deterioration"; case .unchanged: "noChange" }
                }
                let row = kept.row[k]?.rawValue
                list.append(ParticipantOutcome(
                    participant: table.participants[p], arm: a >= 0 ? table.arms[Int(a)] : nil,
                    pre: kept.pre[k], post: kept.post[k], change: kept.post[k] - kept.pre[k],
                    rci: kept.rci[k], reliableChange: kept.category[k],
                    clinsigRow: row, clinsigColumn: row == nil ? nil : column,
                    category: kept.combined[k]?.rawValue))
            }
            participants = list
        }

        let analysis = MeasureAnalysis(measure: id, name: defaults.name, direction: direction, directionSource: directionSource,
                                       caveats: defaults.caveats, descriptives: descriptives, change: change, reliableChange: rciSection,
                                       clinicalSignificance: cscSection, anova: anova, armDifferences: differences,
                                       skipped: skipped, participants: participants)
        return (analysis, c.multiArm ? largeBaselineRow(m, sums: sums, context: c) : nil)
    }

    /// The row of the clinsig table a pair falls in.
    enum ClinsigRow: String {
        case notSignificant, okayAtBaseline, significantChange
    }

    /// What a measure counts of its complete pairs: reliable change categories, and with a cut-off the
    /// clinsig table cells and combined categories.
    struct PairCounts {
        var reliableChange = ReliableChangeCounts(improved: 0, unchanged: 0, deteriorated: 0)
        var table = ClinsigTableCounts(notSignificant: .init(deterioration: 0, improvement: 0, noChange: 0),
                                       okayAtBaseline: .init(deterioration: 0, improvement: 0, noChange: 0),
                                       significantChange: .init(deterioration: 0, improvement: 0, noChange: 0))
        var combined = CombinedCounts(recovered: 0, improved: 0, unchanged: 0, deteriorated: 0, harmed: 0)

        /// Adds `count` pairs with this reliable change and, when there is a cut-off, this row and combined category.
        mutating func add(_ change: ReliableChangeCategory, row: ClinsigRow?, combined both: CombinedCategory?, count: Int = 1) {
            switch change {
            case .improved: reliableChange.improved += count
            case .unchanged: reliableChange.unchanged += count
            case .deteriorated: reliableChange.deteriorated += count
            }
            switch row {
            case .okayAtBaseline: table.okayAtBaseline.add(change, count)
            case .significantChange: table.significantChange.add(change, count)
            case .notSignificant: table.notSignificant.add(change, count)
            case nil: break
            }
            switch both {
            case .recovered: combined.recovered += count
            case .improved: combined.improved += count
            case .unchanged: combined.unchanged += count
            case .deteriorated: combined.deteriorated += count
            case .harmed: combined.harmed += count
            case nil: break
            }
        }
    }

    /// Per-participant results of the complete pairs, kept for the participant rows.
    struct KeptPairs {
        var participant: [Int] = []
        var pre: [Double] = [], post: [Double] = []
        var rci: [Double?] = []
        var category: [ReliableChangeCategory?] = []
        var row: [ClinsigRow?] = []
        var combined: [CombinedCategory?] = []

        mutating func reserve(_ n: Int) {
            participant.reserveCapacity(n); pre.reserveCapacity(n); post.reserveCapacity(n); rci.reserveCapacity(n)
            category.reserveCapacity(n); row.reserveCapacity(n); combined.reserveCapacity(n)
        }

        mutating func append(_ p: Int, _ x: Double, _ y: Double, _ v: Double?, _ cat: ReliableChangeCategory?,
                             _ r: ClinsigRow?, _ both: CombinedCategory?) {
            participant.append(p); pre.append(x); post.append(y); rci.append(v)
            category.append(cat); row.append(r); combined.append(both)
        }
    }

    static func mixedANOVA(_ m: Int, context c: Context, skipped: inout [String: String]) -> ANOVASection? {
        let table = c.table
        let levels = c.levels
        let b = levels.count
        let N = table.participantCount
        var incomplete = 0, noArm = 0, kept = 0
        var groupOfArm = [Int](repeating: -1, count: table.arms.count)
        var usedArms: [Int] = []
        var anyScore = false
        // Subject-major: b scores per kept subject, written in place (room for every participant).
        var groups: [Int] = []
        let values = [Double](unsafeUninitializedCapacity: N * b) { valueBuffer, valueCount in
            groups = [Int](unsafeUninitializedCapacity: N) { groupBuffer, groupCount in
                withColumns(levels.map { table.scores[m][$0] }) { columns in
                    table.armOfParticipant.withUnsafeBufferPointer { arms in
                        for p in 0..<N {
                            var complete = true, any = false
                            for t in 0..<b {
                                if columns[t][p].isNaN { complete = false } else { any = true }
                            }
                            if !any { continue }
                            anyScore = true
                            let a = Int(arms[p])
                            if a < 0 { noArm += 1; continue }
                            if !complete { incomplete += 1; continue }
                            if groupOfArm[a] < 0 { groupOfArm[a] = usedArms.count; usedArms.append(a) }
                            for t in 0..<b { valueBuffer[kept * b + t] = columns[t][p] }
                            groupBuffer[kept] = groupOfArm[a]
                            kept += 1
                        }
                    }
                }
                groupCount = kept
            }
            valueCount = kept * b
        }
        guard anyScore else { return nil }
        // Report groups in file order of arms.
        let order = usedArms.sorted()
        let remap = usedArms.map { order.firstIndex(of: $0)! }
        for i in groups.indices { groups[i] = remap[groups[i]] }
        do {
            let result = try MixedANOVA.compute(flatValues: values, levels: b, groups: groups, groupLabels: order.map { table.arms[$0] },
                                                levelLabels: levels.map { table.timepoints[$0] }, type: c.options.anovaType)
            return ANOVASection(levels: levels.map { table.timepoints[$0] }, excludedIncomplete: incomplete,
                                excludedNoArm: noArm, result: result)
        } catch {
            skipped["anova"] = "\(error) (\(groups.count) participants with every level; \(incomplete) missing a level were excluded)"
            return nil
        }
    }
}
