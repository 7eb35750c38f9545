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
        // Measures are independent: analyse them on every core.
        let indices = measureIndices
        let slots = ResultSlots<MeasureAnalysis>(count: indices.count)
        DispatchQueue.concurrentPerform(iterations: indices.count) { k in
            let m = indices[k]
            let id = table.measures[m]
            slots.set(k, analyseMeasure(m, defaults: defaults[id] ?? MeasureDefaults(name: id), context: context))
        }
        let measures = slots.values()

        let baseline = multiArm ? baselineTable(context: context, measureIndices: measureIndices, notes: &notes) : nil
        let dropout = multiArm ? dropoutAnalysis(context: context, measureIndices: measureIndices) : nil
        let feasibility = feasibilityAnalysis(context: context, measureIndices: measureIndices, notes: &notes)

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
    }

    // MARK: - One measure

    static func analyseMeasure(_ m: Int, defaults: MeasureDefaults, context c: Context) -> MeasureAnalysis {
        let table = c.table, options = c.options
        let id = table.measures[m]
        let preScores = table.scores[m][c.pre], postScores = table.scores[m][c.post]
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

        // Descriptives per timepoint, overall and by arm.
        var descriptives: [CellSummary] = []
        for t in table.timepoints.indices {
            let column = table.scores[m][t]
            var overall: [Double] = []
            overall.reserveCapacity(column.count)
            var byArm = [[Double]](repeating: [], count: table.arms.count)
            for a in byArm.indices { byArm[a].reserveCapacity(column.count / max(1, table.arms.count) + 16) }
            for (p, v) in column.enumerated() where !v.isNaN {
                overall.append(v)
                let a = table.armOfParticipant[p]
                if a >= 0 { byArm[Int(a)].append(v) }
            }
            if overall.isEmpty { continue }
            descriptives.append(cellSummary(arm: nil, timepoint: table.timepoints[t], values: overall))
            if c.multiArm {
                for a in c.activeArms where !byArm[a].isEmpty {
                    descriptives.append(cellSummary(arm: table.arms[a], timepoint: table.timepoints[t], values: byArm[a]))
                }
            }
        }

        // Complete pairs.
        var pairIndex: [Int] = []
        var pre: [Double] = [], post: [Double] = []
        pairIndex.reserveCapacity(table.participantCount)
        pre.reserveCapacity(table.participantCount)
        post.reserveCapacity(table.participantCount)
        var nGiven = 0
        for p in 0..<table.participantCount {
            let x = preScores[p], y = postScores[p]
            if !x.isNaN || !y.isNaN { nGiven += 1 }
            if !x.isNaN && !y.isNaN { pairIndex.append(p); pre.append(x); post.append(y) }
        }
        var change: [ChangeSummary] = []
        if let s = changeSummary(arm: nil, pre: pre, post: post) { change.append(s) }
        var changeByArm = [[Double]](repeating: [], count: table.arms.count)
        if c.multiArm {
            var preByArm = [[Double]](repeating: [], count: table.arms.count)
            var postByArm = preByArm
            for (k, p) in pairIndex.enumerated() {
                let a = table.armOfParticipant[p]
                guard a >= 0 else { continue }
                preByArm[Int(a)].append(pre[k]); postByArm[Int(a)].append(post[k])
                changeByArm[Int(a)].append(post[k] - pre[k])
            }
            for a in c.activeArms {
                if let s = changeSummary(arm: table.arms[a], pre: preByArm[a], post: postByArm[a]) { change.append(s) }
            }
        }

        // Reliable change.
        var rciResult: ReliableChangeResult? = nil
        var rciSection: ReliableChangeSection? = nil
        let reliability = options.reliability[id] ?? defaults.reliability
        let reliabilitySource = options.reliability[id] != nil ? "--reliability" : (defaults.reliabilitySource ?? "instrument definition")
        if pre.count < 2 {
            skipped["reliableChange"] = "needs at least two participants with both \(table.timepoints[c.pre]) and \(table.timepoints[c.post]) scores; \(pre.count) \(pre.count == 1 ? "has" : "have") both"
        } else if reliability == nil {
            skipped["reliableChange"] = "needs the measure's reliability: pass --reliability \(id)=R (for example a published Cronbach's alpha)"
        } else if direction == nil {
            skipped["reliableChange"] = "needs to know whether higher scores are better: pass --better \(id)=higher or --better \(id)=lower (or --norms with clinical and functional means)"
        } else if let reliability, let direction {
            do {
                let r = try ReliableChange.compute(pre: pre, post: post, reliability: reliability, direction: direction,
                                                   method: options.method, significanceLevel: options.significanceLevel)
                rciResult = r
                rciSection = ReliableChangeSection(
                    reliability: reliability, reliabilitySource: reliabilitySource, nGiven: nGiven,
                    result: ReliableChangeSummary(
                        method: r.method, nUsed: r.nUsed, meanPre: r.meanPre, sdPre: r.sdPre, meanPost: r.meanPost,
                        sdPost: r.sdPost, sem: r.sem, sDiff: r.sDiff, sep: r.sep, rPrePost: r.rPrePost, rDD: r.rDD,
                        criticalValue: r.criticalValue, improved: r.counts.improved, unchanged: r.counts.unchanged,
                        deteriorated: r.counts.deteriorated))
            } catch {
                skipped["reliableChange"] = "\(error)"
            }
        }

        // Clinically significant change.
        var cscSection: ClinicalSignificanceSection? = nil
        var rows: [String]? = nil
        var combinedCategories: [CombinedCategory]? = nil
        if let r = rciResult, let direction {
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
                        let threshold = r.criticalValue * r.sDiff
                        var counts = ClinsigTableCounts(notSignificant: .init(deterioration: 0, improvement: 0, noChange: 0),
                                                        okayAtBaseline: .init(deterioration: 0, improvement: 0, noChange: 0),
                                                        significantChange: .init(deterioration: 0, improvement: 0, noChange: 0))
                        var rowLabels: [String] = []
                        rowLabels.reserveCapacity(pre.count)
                        let s = direction.sign
                        for k in pre.indices {
                            let row: String
                            if s * pre[k] > s * cutoff { row = "okayAtBaseline" }
                            else if s * post[k] > s * cutoff { row = "significantChange" }
                            else { row = "notSignificant" }
                            rowLabels.append(row)
                            switch (row, r.categories[k]) {
                            case ("okayAtBaseline", .improved): counts.okayAtBaseline.improvement += 1
                            case ("okayAtBaseline", .deteriorated): counts.okayAtBaseline.deterioration += 1
                            case ("okayAtBaseline", .unchanged): counts.okayAtBaseline.noChange += 1
                            case ("significantChange", .improved): counts.significantChange.improvement += 1
                            case ("significantChange", .deteriorated): counts.significantChange.deterioration += 1
                            case ("significantChange", .unchanged): counts.significantChange.noChange += 1
                            case (_, .improved): counts.notSignificant.improvement += 1
                            case (_, .deteriorated): counts.notSignificant.deterioration += 1
                            default: counts.notSignificant.noChange += 1
                            }
                        }
                        rows = rowLabels
                        let combined = ClinicalSignificance.combined(pre: pre, post: post, reliableChange: r, cutoff: cutoff, direction: direction)
                        combinedCategories = combined
                        var tally: [CombinedCategory: Int] = [:]
                        for cat in combined { tally[cat, default: 0] += 1 }
                        cscSection = ClinicalSignificanceSection(
                            criterion: criterion, criterionReason: reason, cutoff: cutoff, cutoffs: cutoffs,
                            clinicalMean: clinicalMean, clinicalSD: clinicalSD, clinicalSource: clinicalSource,
                            functionalMean: functionalMean, functionalSD: functionalSD, functionalSource: functionalSource,
                            reliableChangeThreshold: threshold, table: counts,
                            recovered: tally[.recovered] ?? 0, improved: tally[.improved] ?? 0,
                            unchanged: tally[.unchanged] ?? 0, deteriorated: tally[.deteriorated] ?? 0,
                            harmed: tally[.harmed] ?? 0)
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

        // Mixed ANOVA.
        var anova: ANOVASection? = nil
        if c.multiArm {
            anova = mixedANOVA(m, context: c, skipped: &skipped)
        }

        // Between-arm differences in mean change.
        var differences: [ArmDifference] = []
        if c.multiArm {
            var levels = [options.confidenceLevel]
            if abs(options.confidenceLevel - 0.95) > 1e-12 { levels.append(0.95) }
            for level in levels {
                for i in c.activeArms.indices {
                    for j in c.activeArms.indices where j > i {
                        let a = c.activeArms[i], b = c.activeArms[j]
                        let x = changeByArm[a], y = changeByArm[b]
                        guard x.count >= 2, y.count >= 2 else { continue }
                        do {
                            let result = try MeanDifference.twoSample(x, y, level: level, variance: options.welch ? .welch : .pooledTwoArms)
                            differences.append(ArmDifference(armA: table.arms[a], armB: table.arms[b], nA: x.count, nB: y.count,
                                                             meanChangeA: Descriptive.mean(x), meanChangeB: Descriptive.mean(y),
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
            list.reserveCapacity(pairIndex.count)
            for (k, p) in pairIndex.enumerated() {
                let a = table.armOfParticipant[p]
                let column: String? = rciResult.map {
                    switch $0.categories[k] { case .improved: "improvement"; case .deteriorated: "deterioration"; case .unchanged: "noChange" }
                }
                list.append(ParticipantOutcome(
                    participant: table.participants[p], arm: a >= 0 ? table.arms[Int(a)] : nil,
                    pre: pre[k], post: post[k], change: post[k] - pre[k],
                    rci: rciResult?.rci[k], reliableChange: rciResult?.categories[k],
                    clinsigRow: rows?[k], clinsigColumn: rows == nil ? nil : column,
                    category: combinedCategories?[k].rawValue))
            }
            participants = list
        }

        return MeasureAnalysis(measure: id, name: defaults.name, direction: direction, directionSource: directionSource,
                               caveats: defaults.caveats, descriptives: descriptives, change: change, reliableChange: rciSection,
                               clinicalSignificance: cscSection, anova: anova, armDifferences: differences,
                               skipped: skipped, participants: participants)
    }

    static func cellSummary(arm: String?, timepoint: String, values: [Double]) -> CellSummary {
        // One call gives n, mean, SD and the 95 % t interval (undefined, NaN, when n < 2).
        let ci = MeanInterval.oneSample(values, level: 0.95)
        let defined = values.count >= 2
        return CellSummary(arm: arm, timepoint: timepoint, n: ci.n, mean: ci.mean, sd: ci.sd,
                           ciLower: defined ? ci.lower : nil, ciUpper: defined ? ci.upper : nil)
    }

    static func changeSummary(arm: String?, pre: [Double], post: [Double]) -> ChangeSummary? {
        guard !pre.isEmpty else { return nil }
        var changes = [Double](repeating: 0, count: pre.count)
        for i in pre.indices { changes[i] = post[i] - pre[i] }
        let ci = MeanInterval.oneSample(changes, level: 0.95)
        let meanPre = Descriptive.mean(pre), meanPost = Descriptive.mean(post)
        var summary = ChangeSummary(arm: arm, n: pre.count, meanPre: meanPre, meanPost: meanPost,
                                    meanChange: ci.mean, sdChange: ci.sd,
                                    ciLower: pre.count >= 2 ? ci.lower : nil, ciUpper: pre.count >= 2 ? ci.upper : nil,
                                    dz: nil, dav: nil,
                                    percentChange: meanPre != 0 ? 100 * (meanPost - meanPre) / meanPre : nil)
        if pre.count >= 3, let es = try? PairedEffectSize.compute(pre: pre, post: post) {
            summary.dz = es.dz.isFinite ? es.dz : nil
            summary.dav = es.dAv.isFinite ? es.dAv : nil
        }
        return summary
    }

    static func mixedANOVA(_ m: Int, context c: Context, skipped: inout [String: String]) -> ANOVASection? {
        let table = c.table
        let levels = c.levels
        let b = levels.count
        var values: [Double] = []          // subject-major: b scores per kept subject
        var groups: [Int] = []
        var incomplete = 0, noArm = 0
        var groupOfArm = [Int](repeating: -1, count: table.arms.count)
        var usedArms: [Int] = []
        var anyScore = false
        let columns = levels.map { table.scores[m][$0] }
        for p in 0..<table.participantCount {
            var complete = true, any = false
            for column in columns {
                if column[p].isNaN { complete = false } else { any = true }
            }
            if !any { continue }
            anyScore = true
            let a = table.armOfParticipant[p]
            if a < 0 { noArm += 1; continue }
            if !complete { incomplete += 1; continue }
            if groupOfArm[Int(a)] < 0 { groupOfArm[Int(a)] = usedArms.count; usedArms.append(Int(a)) }
            for column in columns { values.append(column[p]) }
            groups.append(groupOfArm[Int(a)])
        }
        guard anyScore else { return nil }
        // Report groups in file order of arms.
        let order = usedArms.sorted()
        let remap = Dictionary(uniqueKeysWithValues: usedArms.enumerated().map { ($0.element, order.firstIndex(of: $0.element)!) })
        groups = groups.map { remap[usedArms[$0]]! }
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
