import Foundation

/// Plain-text tables with aligned columns (numbers right-aligned, text left-aligned).
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    var rightAligned: Set<Int> = []

    init(_ header: [String], numericFrom: Int = 1) {
        self.header = header
        rightAligned = Set(numericFrom..<max(numericFrom, header.count))
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(indent: String = "  ") -> String {
        var widths = header.map { $0.count }
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                parts.append(rightAligned.contains(i) ? pad + c : c + pad)
            }
            var s = indent + parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(header), indent + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}

/// Number formatting for reports: fixed decimals for display only (results keep full precision).
public enum Fmt {
    public static func num(_ x: Double?, _ digits: Int = 2) -> String {
        guard let x else { return "–" }
        if x.isNaN { return "–" }
        if x.isInfinite { return x > 0 ? "∞" : "−∞" }
        let s = String(format: "%.\(digits)f", x)
        guard s.hasPrefix("-") else { return s }
        // A negative number that rounds to zero prints as zero.
        return s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : "−" + s.dropFirst()
    }

    /// p-values: three decimals, "< .001" below that, no leading zero (APA style).
    public static func p(_ x: Double?) -> String {
        guard let x, !x.isNaN else { return "–" }
        if x < 0.001 { return "< .001" }
        var s = String(format: "%.3f", x)
        if s.hasPrefix("0") { s.removeFirst() }
        return s
    }

    public static func pct(_ x: Double?, _ digits: Int = 2) -> String {
        guard let x, !x.isNaN else { return "–" }
        return num(100 * x, digits) + "%"
    }

    public static func df(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : num(x, 2)
    }
}

/// The aligned text report `tend analyse` prints by default.
public enum TextReport {
    public static func render(_ r: OutcomeAnalysisResult) -> String {
        var out: [String] = []
        let s = r.settings
        out.append("Tend outcome analysis")
        out.append(String(repeating: "═", count: 21))
        var overview = "\(r.input.participants) participants, \(r.input.rows) rows; timepoints \(r.input.timepoints.joined(separator: ", ")); "
        overview += "change from \(s.pre) to \(s.post) (\(s.timepointSource))."
        out.append(overview)
        if !r.input.arms.isEmpty {
            out.append("Arms: " + r.input.arms.map { "\($0.arm) (n = \($0.participants))" }.joined(separator: ", "))
        }
        for note in r.notes { out.append("Note: \(note)") }
        if !r.rowIssues.isEmpty {
            out.append("Rows skipped or corrected (\(r.rowIssues.count)):")
            for issue in r.rowIssues.prefix(20) { out.append("  \(issue)") }
            if r.rowIssues.count > 20 { out.append("  … and \(r.rowIssues.count - 20) more (see --format json)") }
        }

        if let f = r.feasibility { out.append(""); out.append(feasibility(f)) }
        if let d = r.dropout { out.append(""); out.append(dropout(d)) }
        if let b = r.baseline { out.append(""); out.append(baseline(b)) }
        for m in r.measures { out.append(""); out.append(measure(m, settings: s)) }
        out.append("")
        out.append("Methods")
        out.append("───────")
        for p in r.methods { out.append(wrap(p, width: 100)); out.append("") }
        return out.joined(separator: "\n")
    }

    static func heading(_ title: String) -> String { title + "\n" + String(repeating: "─", count: title.count) }

    static func feasibility(_ f: FeasibilityAnalysis) -> String {
        var lines = [heading("Feasibility")]
        let counts = FunnelCounts.stages.compactMap { stage in f.funnel.count(stage).map { "\(stage) \($0)" + (f.sources[stage].map { $0 == "--funnel" ? "" : " (\($0))" } ?? "") } }
        lines.append("Funnel: " + counts.joined(separator: " → "))
        var t = TextTable(["rate", "count", "%", "95% CI (Wilson)", "criterion", "point estimate", "CI lower bound"], numericFrom: 1)
        for rate in f.rates {
            let i = rate.interval
            t.add(["\(rate.numerator) / \(rate.denominator)", "\(i.successes)/\(i.trials)", Fmt.pct(i.estimate),
                   "\(Fmt.pct(i.lower)) to \(Fmt.pct(i.upper))",
                   rate.threshold.map { "≥ " + Fmt.pct($0, 0) } ?? "",
                   rate.met.map { $0 ? "met" : "not met" } ?? "",
                   rate.metByLowerBound.map { $0 ? "met" : "not met" } ?? ""])
        }
        lines.append(t.render())
        return lines.joined(separator: "\n")
    }

    static func dropout(_ d: DropoutAnalysis) -> String {
        var lines = [heading("Drop-out by arm (a pre score but no post score)")]
        var t = TextTable(["arm", "baseline", "completed", "dropped out", "drop-out rate"])
        for a in d.arms + [d.total] {
            t.add([a.arm, "\(a.baseline)", "\(a.completed)", "\(a.droppedOut)", Fmt.pct(a.rate)])
        }
        lines.append(t.render())
        if let chi = d.chiSquare {
            lines.append("Pearson χ²(\(Fmt.df(chi.df)), N = \(d.total.baseline)) = \(Fmt.num(chi.statistic, 3)), p = \(Fmt.p(chi.p))"
                + (chi.cellsWithExpectedBelow5 > 0 ? "; \(chi.cellsWithExpectedBelow5) expected count(s) below 5" : ""))
        }
        if let e = d.exact { lines.append("\(e.method) exact p = \(Fmt.p(e.p))") }
        if let note = d.note { lines.append(note) }
        return lines.joined(separator: "\n")
    }

    static func baseline(_ b: BaselineTable) -> String {
        var lines = [heading("Baseline by arm")]
        var t = TextTable(["variable"] + b.arms + ["summary", "test", "p", "Levene p"])
        for row in b.rows {
            var cells = [row.variable]
            if row.kind == "continuous" {
                for g in row.groups {
                    if row.summary == "mean rank" { cells.append(g.meanRank.map { Fmt.num($0, 2) } ?? "–") }
                    else { cells.append("\(Fmt.num(g.mean)) (\(Fmt.num(g.sd)))") }
                }
            } else if let levels = row.levels, let counts = row.counts {
                for a in b.arms.indices {
                    cells.append(levels.indices.map { "\(levels[$0]) \(counts[$0][a])" }.joined(separator: ", "))
                }
            }
            let stat = row.statistic.map { "\(row.test)\(row.df.isEmpty ? "" : "(" + row.df.map(Fmt.df).joined(separator: ", ") + ")") = \(Fmt.num($0, 3))" } ?? row.test
            cells += [row.summary ?? "", stat, Fmt.p(row.p), Fmt.p(row.levene?.p)]
            t.add(cells)
        }
        lines.append(t.render())
        for row in b.rows where row.note != nil { lines.append("\(row.variable): \(row.note!)") }
        return lines.joined(separator: "\n")
    }

    static func measure(_ m: MeasureAnalysis, settings s: SettingsSummary) -> String {
        var lines = [heading("\(m.name == m.measure ? m.measure : "\(m.name) [\(m.measure)]")")]
        for caveat in m.caveats { lines.append("Caution: \(caveat)") }
        lines.append("Direction: " + (m.direction.map { $0 == .higherIsBetter ? "higher is better" : "lower is better" } ?? "unknown") + " (\(m.directionSource))")
        var d = TextTable(["arm", "timepoint", "n", "mean", "SD", "95% CI"])
        for c in m.descriptives {
            d.add([c.arm ?? "all", c.timepoint, "\(c.n)", Fmt.num(c.mean), Fmt.num(c.sd),
                   c.ciLower.map { "\(Fmt.num($0)) to \(Fmt.num(c.ciUpper))" } ?? "–"])
        }
        lines.append(d.render())
        lines.append("")
        lines.append("Change \(s.pre) → \(s.post) (participants with both):")
        var ch = TextTable(["arm", "n", "mean pre", "mean post", "mean change", "95% CI", "d_z", "d_av", "% change"])
        for c in m.change {
            ch.add([c.arm ?? "all", "\(c.n)", Fmt.num(c.meanPre), Fmt.num(c.meanPost), Fmt.num(c.meanChange),
                    c.ciLower.map { "\(Fmt.num($0)) to \(Fmt.num(c.ciUpper))" } ?? "–",
                    Fmt.num(c.dz), Fmt.num(c.dav), c.percentChange.map { Fmt.num($0, 1) + "%" } ?? "–"])
        }
        lines.append(ch.render())

        if let rc = m.reliableChange {
            let r = rc.result
            lines.append("")
            lines.append("Reliable change (\(r.method.displayName)): reliability \(Fmt.num(rc.reliability, 3)) (\(rc.reliabilitySource)); "
                + "n used \(r.nUsed) of \(rc.nGiven) given; SD pre \(Fmt.num(r.sdPre, 3)); S_diff \(Fmt.num(r.sDiff, 3)); SEM \(Fmt.num(r.sem, 3)); "
                + "critical value \(Fmt.num(r.criticalValue, 4))" + (r.method == .jacobsonTruax ? " (a change of \(Fmt.num(r.criticalValue * r.sDiff, 2)) points)" : ""))
            lines.append("  improved \(r.improved), no reliable change \(r.unchanged), deteriorated \(r.deteriorated)")
        } else if let why = m.skipped["reliableChange"] {
            lines.append(""); lines.append("Reliable change not computed: \(why)")
        }
        if let cs = m.clinicalSignificance {
            lines.append("")
            lines.append("Clinically significant change: criterion \(cs.criterion.rawValue) = \(Fmt.num(cs.cutoff, 3)) (\(cs.criterionReason)).")
            lines.append("  Clinical mean \(Fmt.num(cs.clinicalMean, 3)), SD \(Fmt.num(cs.clinicalSD, 3)) from \(cs.clinicalSource)"
                + (cs.functionalMean.map { "; functional mean \(Fmt.num($0, 3)), SD \(Fmt.num(cs.functionalSD, 3))" + (cs.functionalSource.map { " from \($0)" } ?? "") } ?? ""))
            lines.append("  Cut-offs: a \(Fmt.num(cs.cutoffs.a, 3)), b \(Fmt.num(cs.cutoffs.b, 3)), c \(Fmt.num(cs.cutoffs.c, 3))")
            var t = TextTable(["", "deterioration", "improvement", "no change", "total"])
            for (label, row) in [("not significant", cs.table.notSignificant), ("okay at baseline", cs.table.okayAtBaseline), ("significant change", cs.table.significantChange)] {
                t.add([label, "\(row.deterioration)", "\(row.improvement)", "\(row.noChange)", "\(row.deterioration + row.improvement + row.noChange)"])
            }
            lines.append(t.render())
            lines.append("  recovered \(cs.recovered), improved \(cs.improved), unchanged \(cs.unchanged), deteriorated \(cs.deteriorated), "
                + "harmed (deteriorated into the clinical range) \(cs.harmed)")
        } else if let why = m.skipped["clinicalSignificance"] {
            lines.append(""); lines.append("Clinically significant change not computed: \(why)")
        }

        if let a = m.anova {
            lines.append("")
            let res = a.result
            lines.append("Mixed ANOVA, arm × time (\(a.levels.joined(separator: ", "))), Type \(res.type == .typeIII ? "III" : "II") sums of squares; "
                + "N = \(res.n) (\(zip(res.groupLabels, res.groupSizes).map { "\($0) \($1)" }.joined(separator: ", ")))"
                + (a.excludedIncomplete > 0 ? "; \(a.excludedIncomplete) excluded for a missing level" : "")
                + (a.excludedNoArm > 0 ? "; \(a.excludedNoArm) without an arm excluded" : ""))
            var t = TextTable(["effect", "SS", "df", "MS", "F", "p", "partial η²", "generalised η²", "size"])
            for e in [res.between, res.within, res.interaction] {
                t.add([e.name, Fmt.num(e.ss, 3), "\(Fmt.df(e.df1)), \(Fmt.df(e.df2))", Fmt.num(e.ms, 3), Fmt.num(e.f, 3), Fmt.p(e.p),
                       Fmt.num(e.partialEtaSquared, 3), Fmt.num(e.generalizedEtaSquared, 3), e.sizeLabel])
            }
            t.add(["error (between)", Fmt.num(res.errorBetween.ss, 3), Fmt.df(res.errorBetween.df), Fmt.num(res.errorBetween.ms, 3), "", "", "", "", ""])
            t.add(["error (within)", Fmt.num(res.errorWithin.ss, 3), Fmt.df(res.errorWithin.df), Fmt.num(res.errorWithin.ms, 3), "", "", "", "", ""])
            lines.append(t.render())
            if let sp = res.sphericity {
                lines.append("  Mauchly W = \(Fmt.num(sp.mauchlyW, 4)), χ²(\(Fmt.df(sp.df))) = \(Fmt.num(sp.chiSquare, 3)), p = \(Fmt.p(sp.p)); "
                    + "Greenhouse–Geisser ε = \(Fmt.num(sp.greenhouseGeisserEpsilon, 4)), Huynh–Feldt ε = \(Fmt.num(sp.huynhFeldtEpsilon, 4)); "
                    + "corrected p (GG): time \(Fmt.p(res.within.pGreenhouseGeisser)), interaction \(Fmt.p(res.interaction.pGreenhouseGeisser))")
            }
        } else if let why = m.skipped["anova"] {
            lines.append(""); lines.append("Mixed ANOVA not computed: \(why)")
        }
        if !m.armDifferences.isEmpty {
            lines.append("")
            lines.append("Differences between arms in mean change (first minus second):")
            var t = TextTable(["arms", "n", "mean change", "difference", "CI", "level", "method", "p"])
            for d in m.armDifferences {
                t.add(["\(d.armA) − \(d.armB)", "\(d.nA), \(d.nB)", "\(Fmt.num(d.meanChangeA)), \(Fmt.num(d.meanChangeB))",
                       Fmt.num(d.result.difference), "\(Fmt.num(d.result.lower)) to \(Fmt.num(d.result.upper))",
                       MethodsText.percent(d.result.level), d.result.method, Fmt.p(d.result.p)])
            }
            lines.append(t.render())
        }
        for (key, why) in m.skipped.sorted(by: { $0.key < $1.key }) where key.hasPrefix("armDifference") {
            lines.append("\(key): \(why)")
        }
        if let participants = m.participants, !participants.isEmpty, participants.count <= 60 {
            lines.append("")
            lines.append("Participants:")
            var t = TextTable(["participant", "arm", s.pre, s.post, "change", "RCI", "reliable change", "clinical", "category"], numericFrom: 2)
            t.rightAligned = [2, 3, 4, 5]
            for p in participants {
                t.add([p.participant, p.arm ?? "", Fmt.num(p.pre), Fmt.num(p.post), Fmt.num(p.change), Fmt.num(p.rci),
                       p.reliableChange?.rawValue ?? "", p.clinsigRow.map(rowLabel) ?? "", p.category ?? ""])
            }
            lines.append(t.render())
        }
        return lines.joined(separator: "\n")
    }

    static func rowLabel(_ key: String) -> String {
        switch key {
        case "okayAtBaseline": return "okay at baseline"
        case "significantChange": return "significant change"
        default: return "not significant"
        }
    }

    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.count + word.count + 1 > width, !current.isEmpty { lines.append(current); current = "" }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }
}

/// Per-participant CSV (`--format csv`): one row per participant × measure with both timepoints.
public enum ParticipantCSV {
    public static func render(_ r: OutcomeAnalysisResult) -> String {
        var out = "measure,participant,arm,pre,post,change,rci,reliable_change,clinical_row,clinical_column,category\n"
        for m in r.measures {
            for p in m.participants ?? [] {
                let fields: [String] = [
                    m.measure, p.participant, p.arm ?? "", shortest(p.pre), shortest(p.post), shortest(p.change),
                    p.rci.map(shortest) ?? "", p.reliableChange?.rawValue ?? "", p.clinsigRow ?? "", p.clinsigColumn ?? "", p.category ?? "",
                ]
                out += fields.map(\.csvEscaped).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    static func shortest(_ x: Double) -> String { x.isNaN ? "" : "\(x)" }
}

/// JSON output (`--format json`): the result's stable field names, keys sorted, NaN as "NaN".
public enum JSONReport {
    public static func render(_ r: OutcomeAnalysisResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(r)
    }
}
