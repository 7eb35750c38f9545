import Foundation

/// HTML escaping.
public enum HTML {
    /// `& < > " '` as entities. Most values (class names, labels, links) hold none of them and come back
    /// as they are, without a copy; the rest are rewritten byte by byte (all five are ASCII, so a UTF-8
    /// sequence is never split).
    public static func escape(_ s: String) -> String { escape(s, quotes: true) }

    /// Text between tags: `&`, `<` and `>` only (quotes may stay as they are there).
    public static func escapeText(_ s: String) -> String { escape(s, quotes: false) }

    private static func escape(_ s: String, quotes: Bool) -> String {
        @inline(__always) func special(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || (quotes && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")))
        }
        let clean = s.utf8.withContiguousStorageIfAvailable { !$0.contains(where: special) } ?? !s.utf8.contains(where: special)
        if clean { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\"") where quotes: out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'") where quotes: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The self-contained HTML report of `tend analyse --report`: one file, inline CSS and SVG, no script,
/// no network; readable on a phone (tables scroll sideways inside their own box, charts scale).
public enum HTMLReport {
    public static func render(_ r: OutcomeAnalysisResult, title: String) -> String {
        let e = HTML.escape
        var b = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Outcome analysis — \(e(title))</title>
        <style>\(css)</style>
        </head>
        <body>
        <header><p class="kicker">Tend outcome analysis</p><h1>\(e(title))</h1>
        <p>\(r.input.participants) participants · \(r.input.rows) rows · change from <strong>\(e(r.settings.pre))</strong> to <strong>\(e(r.settings.post))</strong>\(r.input.arms.isEmpty ? "" : " · arms: " + r.input.arms.map { "\(e($0.arm)) (\($0.participants))" }.joined(separator: ", "))</p>
        </header>
        <main>
        <nav aria-label="Contents"><h2 class="visually-hidden">Contents</h2><ul>
        """
        if r.feasibility != nil { b += "<li><a href=\"#feasibility\">Feasibility</a></li>" }
        if r.dropout != nil { b += "<li><a href=\"#dropout\">Drop-out</a></li>" }
        if r.baseline != nil { b += "<li><a href=\"#baseline\">Baseline</a></li>" }
        for m in r.measures { b += "<li><a href=\"#m-\(anchor(m.measure))\">\(e(m.name))</a></li>" }
        b += "<li><a href=\"#methods\">Methods</a></li></ul></nav>"

        if !r.notes.isEmpty || !r.rowIssues.isEmpty {
            b += "<section class=\"notes\" aria-labelledby=\"notes-h\"><h2 id=\"notes-h\">Notes on the input</h2><ul>"
            for n in r.notes { b += "<li>\(e(n))</li>" }
            for i in r.rowIssues.prefix(50) { b += "<li>\(e(i.description))</li>" }
            if r.rowIssues.count > 50 { b += "<li>… \(r.rowIssues.count - 50) more row problems (see the JSON output)</li>" }
            b += "</ul></section>"
        }
        if let f = r.feasibility { b += feasibility(f) }
        if let d = r.dropout { b += dropout(d) }
        if let base = r.baseline { b += baseline(base) }
        for m in r.measures { b += measure(m, result: r) }
        b += "<section id=\"methods\" aria-labelledby=\"methods-h\"><h2 id=\"methods-h\">Methods</h2>"
        for p in r.methods { b += "<p>\(e(p))</p>" }
        b += "</section></main><footer><p>Made with Tend. Numbers are shown rounded; the JSON output keeps full precision.</p></footer></body></html>\n"
        return b
    }

    static func anchor(_ s: String) -> String {
        String(s.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" })
    }

    /// A table in a focusable scrolling region; `context` (a measure's name) keeps region labels unique.
    static func table(caption: String, header: [String], rows: [[String]], numericFrom: Int = 1, context: String? = nil) -> String {
        let e = HTML.escape
        let label = context.map { "\($0): \(caption)" } ?? caption
        var s = "<div class=\"table-wrap\" role=\"region\" aria-label=\"\(e(label))\" tabindex=\"0\"><table><caption>\(e(caption))</caption><thead><tr>"
        for (i, h) in header.enumerated() { s += "<th scope=\"col\"\(i >= numericFrom ? " class=\"num\"" : "")>\(e(h))</th>" }
        s += "</tr></thead><tbody>"
        for row in rows {
            s += "<tr>"
            for (i, c) in row.enumerated() {
                s += i == 0 ? "<th scope=\"row\">\(e(c))</th>" : "<td\(i >= numericFrom ? " class=\"num\"" : "")>\(e(c))</td>"
            }
            s += "</tr>"
        }
        return s + "</tbody></table></div>"
    }

    static func feasibility(_ f: FeasibilityAnalysis) -> String {
        var s = "<section id=\"feasibility\" aria-labelledby=\"feasibility-h\"><h2 id=\"feasibility-h\">Feasibility</h2>"
        if let chart = SVGChart.funnel(f) { s += "<figure>\(chart)<figcaption>Recruitment funnel.</figcaption></figure>" }
        s += table(caption: "Rates with 95% Wilson intervals against the success criteria",
                   header: ["Rate", "Count", "Rate %", "95% CI", "Criterion", "Point estimate", "CI lower bound"],
                   rows: f.rates.map { rate in
                       let i = rate.interval
                       return ["\(rate.numerator) / \(rate.denominator)", "\(i.successes)/\(i.trials)", Fmt.pct(i.estimate),
                               "\(Fmt.pct(i.lower)) – \(Fmt.pct(i.upper))", rate.threshold.map { "≥ " + Fmt.pct($0, 0) } ?? "–",
                               rate.met.map { $0 ? "met" : "not met" } ?? "–", rate.metByLowerBound.map { $0 ? "met" : "not met" } ?? "–"]
                   })
        return s + "</section>"
    }

    static func dropout(_ d: DropoutAnalysis) -> String {
        var s = "<section id=\"dropout\" aria-labelledby=\"dropout-h\"><h2 id=\"dropout-h\">Drop-out by arm</h2>"
        s += table(caption: "A pre score but no post score", header: ["Arm", "Baseline", "Completed", "Dropped out", "Rate"],
                   rows: (d.arms + [d.total]).map { [$0.arm, "\($0.baseline)", "\($0.completed)", "\($0.droppedOut)", Fmt.pct($0.rate)] })
        if let chi = d.chiSquare {
            s += "<p>Pearson χ²(\(Fmt.df(chi.df)), N = \(d.total.baseline)) = \(Fmt.num(chi.statistic, 3)), p = \(Fmt.p(chi.p)).</p>"
        }
        if let x = d.exact { s += "<p>\(HTML.escape(x.method)) exact p = \(Fmt.p(x.p)).</p>" }
        if let n = d.note { s += "<p>\(HTML.escape(n))</p>" }
        return s + "</section>"
    }

    static func baseline(_ base: BaselineTable) -> String {
        var s = "<section id=\"baseline\" aria-labelledby=\"baseline-h\"><h2 id=\"baseline-h\">Baseline by arm</h2>"
        var rows: [[String]] = []
        for row in base.rows {
            var cells = [row.variable]
            if row.kind == "continuous" {
                for g in row.groups {
                    cells.append(row.summary == "mean rank" ? (g.meanRank.map { "rank " + Fmt.num($0) } ?? "–") : "\(Fmt.num(g.mean)) (\(Fmt.num(g.sd)))")
                }
            } else if let levels = row.levels, let counts = row.counts {
                for a in base.arms.indices { cells.append(levels.indices.map { "\(levels[$0]) \(counts[$0][a])" }.joined(separator: ", ")) }
            }
            cells.append(row.statistic.map { "\(row.test) = \(Fmt.num($0, 3))" } ?? row.test)
            cells.append(Fmt.p(row.p))
            cells.append(Fmt.p(row.levene?.p))
            rows.append(cells)
        }
        s += table(caption: "Mean (SD) where Shapiro–Wilk does not reject normality in any arm, otherwise mean rank; counts for categories",
                   header: ["Variable"] + base.arms + ["Test", "p", "Levene p"], rows: rows)
        return s + "</section>"
    }

    static func measure(_ m: MeasureAnalysis, result r: OutcomeAnalysisResult) -> String {
        let e = HTML.escape
        let s0 = r.settings
        var s = "<section id=\"m-\(anchor(m.measure))\" aria-labelledby=\"m-\(anchor(m.measure))-h\"><h2 id=\"m-\(anchor(m.measure))-h\">\(e(m.name))</h2>"
        s += "<p class=\"meta\">\(e(m.measure)) · " + (m.direction.map { $0 == .higherIsBetter ? "higher is better" : "lower is better" } ?? "direction unknown") + " (\(e(m.directionSource)))</p>"
        for caveat in m.caveats { s += "<p class=\"caveat\"><strong>Caution:</strong> \(e(caveat))</p>" }
        s += table(caption: "Scores by \(r.input.arms.count >= 2 ? "arm and " : "")timepoint",
                   header: ["Arm", "Timepoint", "n", "Mean", "SD", "95% CI"],
                   rows: m.descriptives.map { c in
                       [c.arm ?? "all", c.timepoint, "\(c.n)", Fmt.num(c.mean), Fmt.num(c.sd),
                        c.ciLower.map { "\(Fmt.num($0)) – \(Fmt.num(c.ciUpper))" } ?? "–"]
                   }, numericFrom: 2, context: m.name)
        s += table(caption: "Change from \(s0.pre) to \(s0.post), participants with both",
                   header: ["Arm", "n", "Mean change", "95% CI", "d_z", "d_av", "% change"],
                   rows: m.change.map { c in
                       [c.arm ?? "all", "\(c.n)", Fmt.num(c.meanChange), c.ciLower.map { "\(Fmt.num($0)) – \(Fmt.num(c.ciUpper))" } ?? "–",
                        Fmt.num(c.dz), Fmt.num(c.dav), c.percentChange.map { Fmt.num($0, 1) + "%" } ?? "–"]
                   }, context: m.name)
        if let chart = SVGChart.armMeans(measure: m, timepoints: r.input.timepoints, arms: r.input.arms.map(\.arm)) {
            s += "<figure>\(chart)<figcaption>Mean by arm and timepoint with 95% confidence intervals.</figcaption></figure>"
        }
        if let rc = m.reliableChange {
            let x = rc.result
            s += "<h3>Reliable change</h3><p>\(e(x.method.displayName)); reliability \(Fmt.num(rc.reliability, 3)) (\(e(rc.reliabilitySource))); "
            s += "n used \(x.nUsed) of \(rc.nGiven); SD pre \(Fmt.num(x.sdPre, 3)); S<sub>diff</sub> \(Fmt.num(x.sDiff, 3)); critical value \(Fmt.num(x.criticalValue, 4)). "
            s += "<strong>\(x.improved)</strong> improved, <strong>\(x.unchanged)</strong> no reliable change, <strong>\(x.deteriorated)</strong> deteriorated.</p>"
        } else if let why = m.skipped["reliableChange"] {
            s += "<h3>Reliable change</h3><p class=\"skipped\">Not computed: \(e(why))</p>"
        }
        if let cs = m.clinicalSignificance {
            s += "<h3>Clinically significant change</h3><p>Criterion \(cs.criterion.rawValue) = \(Fmt.num(cs.cutoff, 3)): \(e(cs.criterionReason)). "
            s += "Clinical mean \(Fmt.num(cs.clinicalMean, 3)), SD \(Fmt.num(cs.clinicalSD, 3)) (\(e(cs.clinicalSource)))"
            if let fm = cs.functionalMean { s += "; functional mean \(Fmt.num(fm, 3)), SD \(Fmt.num(cs.functionalSD, 3))" + (cs.functionalSource.map { " (\(e($0)))" } ?? "") }
            s += ".</p>"
            let t = cs.table
            s += table(caption: "Reliable change × clinically significant change (as seed 001 Table 2)",
                       header: ["Clinical change", "Deterioration", "Improvement", "No change"],
                       rows: [("Not significant", t.notSignificant), ("Okay at baseline", t.okayAtBaseline), ("Significant change", t.significantChange)]
                        .map { [$0.0, "\($0.1.deterioration)", "\($0.1.improvement)", "\($0.1.noChange)"] }, context: m.name)
            s += "<p>Recovered \(cs.recovered) · improved \(cs.improved) · unchanged \(cs.unchanged) · deteriorated \(cs.deteriorated) · harmed (into the clinical range) \(cs.harmed).</p>"
        } else if let why = m.skipped["clinicalSignificance"] {
            s += "<h3>Clinically significant change</h3><p class=\"skipped\">Not computed: \(e(why))</p>"
        }
        if let chart = SVGChart.jacobsonTruax(measure: m, pre: s0.pre, post: s0.post) {
            let present = SVGChart.categoryOrder.filter { c in m.participants?.contains { SVGChart.categoryOf($0) == c } ?? false }
            s += "<figure>\(chart)\(SVGChart.legend(categories: present))<figcaption>Jacobson–Truax plot: the diagonal is no change"
            s += m.reliableChange?.result.method == .jacobsonTruax ? ", the shaded band is change too small to be reliable" : ""
            s += m.clinicalSignificance != nil ? ", the dashed lines are the cut-off" : ""
            s += ".</figcaption></figure>"
        }
        if let a = m.anova {
            let x = a.result
            s += "<h3>Mixed ANOVA</h3><p>Arm × time (\(e(a.levels.joined(separator: ", ")))), Type \(x.type == .typeIII ? "III" : "II") sums of squares, N = \(x.n)"
            s += a.excludedIncomplete > 0 ? "; \(a.excludedIncomplete) excluded for a missing level" : ""
            s += ".</p>"
            s += table(caption: "Mixed ANOVA", header: ["Effect", "SS", "df", "MS", "F", "p", "partial η²", "generalised η²", "Size"],
                       rows: [x.between, x.within, x.interaction].map {
                           [$0.name, Fmt.num($0.ss, 3), "\(Fmt.df($0.df1)), \(Fmt.df($0.df2))", Fmt.num($0.ms, 3), Fmt.num($0.f, 3), Fmt.p($0.p),
                            Fmt.num($0.partialEtaSquared, 3), Fmt.num($0.generalizedEtaSquared, 3), $0.sizeLabel]
                       } + [["Error (between)", Fmt.num(x.errorBetween.ss, 3), Fmt.df(x.errorBetween.df), Fmt.num(x.errorBetween.ms, 3), "", "", "", "", ""],
                            ["Error (within)", Fmt.num(x.errorWithin.ss, 3), Fmt.df(x.errorWithin.df), Fmt.num(x.errorWithin.ms, 3), "", "", "", "", ""]],
                       context: m.name)
            if let sp = x.sphericity {
                s += "<p>Mauchly W = \(Fmt.num(sp.mauchlyW, 4)), p = \(Fmt.p(sp.p)); Greenhouse–Geisser ε = \(Fmt.num(sp.greenhouseGeisserEpsilon, 4)); Huynh–Feldt ε = \(Fmt.num(sp.huynhFeldtEpsilon, 4)).</p>"
            }
        } else if let why = m.skipped["anova"] {
            s += "<h3>Mixed ANOVA</h3><p class=\"skipped\">Not computed: \(e(why))</p>"
        }
        if !m.armDifferences.isEmpty {
            s += table(caption: "Differences between arms in mean change (first minus second)",
                       header: ["Arms", "n", "Difference", "CI", "Level", "Method", "p"],
                       rows: m.armDifferences.map { d in
                           ["\(d.armA) − \(d.armB)", "\(d.nA), \(d.nB)", Fmt.num(d.result.difference),
                            "\(Fmt.num(d.result.lower)) – \(Fmt.num(d.result.upper))", MethodsText.percent(d.result.level), d.result.method, Fmt.p(d.result.p)]
                       }, context: m.name)
        }
        return s + "</section>"
    }

    static let css = """
    :root{--ink:#1f2933;--muted:#52606d;--line:#d9dee3;--accent:#0b6e4f;--bg:#fbfaf7}
    *{box-sizing:border-box}
    body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
    header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
    header{padding-top:1.5rem}
    .kicker{color:var(--accent);font-weight:600;margin:0;letter-spacing:.02em}
    h1{font-size:1.6rem;margin:.2rem 0 .5rem;overflow-wrap:anywhere}
    h2{font-size:1.3rem;margin:2rem 0 .5rem;padding-top:1rem;border-top:2px solid var(--line)}
    h3{font-size:1.05rem;margin:1.5rem 0 .4rem}
    nav ul{display:flex;flex-wrap:wrap;gap:.4rem .9rem;padding:0;list-style:none}
    a{color:#0b5394}
    .meta,.skipped{color:var(--muted)}
    .caveat{background:#fff8e6;border-left:4px solid #b35900;padding:.3rem .6rem}
    .table-wrap{overflow-x:auto;margin:.6rem 0 1rem;border:1px solid var(--line);border-radius:6px;background:#fff}
    .table-wrap:focus{outline:3px solid #0b5394}
    table{border-collapse:collapse;width:100%;font-size:.92rem}
    caption{text-align:left;padding:.5rem .6rem;color:var(--muted);font-size:.88rem}
    th,td{padding:.35rem .6rem;border-top:1px solid var(--line);text-align:left;white-space:nowrap}
    thead th{background:#f1f3f5}
    .num{text-align:right;font-variant-numeric:tabular-nums}
    figure{margin:1rem 0;max-width:30rem}
    figcaption{color:var(--muted);font-size:.88rem}
    .chart{width:100%;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
    .chart .grid{stroke:#eceff1;stroke-width:1}
    .chart .tick{font-size:11px;fill:#52606d}
    .chart .axis{font-size:12px;fill:#1f2933}
    .chart .diagonal{stroke:#52606d;stroke-width:1.2}
    .chart .band{fill:#9aa5b1;fill-opacity:.25}
    .chart .cutoff{stroke:#6a3d9a;stroke-width:1.2;stroke-dasharray:5 4}
    .chart .bar{fill:#0b6e4f}
    .legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.4rem 0;font-size:.88rem}
    .notes{background:#fff8e6;border:1px solid #f0d9a0;border-radius:6px;padding:.2rem 1rem;margin-top:1rem}
    .notes h2{border:0;margin-top:.5rem;padding-top:0}
    .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
    footer{color:var(--muted);font-size:.85rem;padding:2rem 1rem}
    @media (max-width:30rem){body{font-size:15px}h1{font-size:1.35rem}}
    """
}
