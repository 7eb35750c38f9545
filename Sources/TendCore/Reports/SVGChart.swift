import Foundation

/// Small, dependency-free SVG charts for reports. Every chart scales to its container (viewBox), carries
/// a title and description for screen readers, and encodes categories by shape as well as colour so it
/// reads without colour.
enum SVGChart {
    /// Linear map from a data range to a pixel range.
    struct Scale {
        var from: (Double, Double)
        var to: (Double, Double)
        init(domain: (Double, Double), range: (Double, Double)) { from = domain; to = range }
        func callAsFunction(_ x: Double) -> Double {
            let span = from.1 - from.0
            let t = span == 0 ? 0.5 : (x - from.0) / span
            return to.0 + t * (to.1 - to.0)
        }
    }

    /// "Nice" tick values covering a range (1, 2, 2.5, 5 × 10^k steps).
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func label(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e6 { return Fmt.num(x, 0) }
        let s = Fmt.num(x, 2)
        return s.hasSuffix("0") ? String(s.dropLast()) : s
    }

    static func esc(_ s: String) -> String { HTML.escape(s) }

    static func n(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Marker of a category: shape and colour (Okabe–Ito palette).
    static func marker(_ category: String, x: Double, y: Double) -> String {
        let (color, shape) = style(category)
        switch shape {
        case "triangle-up":
            return "<path d=\"M\(n(x)),\(n(y - 5)) L\(n(x + 5)),\(n(y + 4)) L\(n(x - 5)),\(n(y + 4)) Z\" fill=\"\(color)\"/>"
        case "triangle-down":
            return "<path d=\"M\(n(x)),\(n(y + 5)) L\(n(x + 5)),\(n(y - 4)) L\(n(x - 5)),\(n(y - 4)) Z\" fill=\"\(color)\"/>"
        case "cross":
            return "<path d=\"M\(n(x - 4)),\(n(y - 4)) L\(n(x + 4)),\(n(y + 4)) M\(n(x + 4)),\(n(y - 4)) L\(n(x - 4)),\(n(y + 4))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>"
        case "ring":
            return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"4\" fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        default:
            return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"4.5\" fill=\"\(color)\"/>"
        }
    }

    static func style(_ category: String) -> (String, String) {
        switch category {
        case "recovered": return ("#007a5a", "disc")
        case "improved": return ("#0072b2", "triangle-up")
        case "deteriorated": return ("#b35900", "triangle-down")
        case "harmed": return ("#c0392b", "cross")
        default: return ("#5f6368", "ring")
        }
    }

    static let categoryOrder = ["recovered", "improved", "unchanged", "deteriorated", "harmed"]

    /// Jacobson–Truax plot: pre on x, post on y, the no-change line, the reliable-change band, the
    /// cut-off lines and one marker per participant by category.
    static func jacobsonTruax(measure: MeasureAnalysis, pre: String, post: String) -> String? {
        guard let participants = measure.participants, !participants.isEmpty else { return nil }
        let w = 420.0, h = 400.0, left = 52.0, right = 16.0, top = 16.0, bottom = 46.0
        var values = participants.flatMap { [$0.pre, $0.post] }
        if let cut = measure.clinicalSignificance?.cutoff { values.append(cut) }
        var lo = values.min()!, hi = values.max()!
        let pad = max((hi - lo) * 0.08, 0.5)
        lo -= pad; hi += pad
        let sx = Scale(domain: (lo, hi), range: (left, w - right))
        let sy = Scale(domain: (lo, hi), range: (h - bottom, top))
        var s = "<svg viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-labelledby=\"jt-\(esc(measure.measure))-t jt-\(esc(measure.measure))-d\" class=\"chart\">"
        s += "<title id=\"jt-\(esc(measure.measure))-t\">\(esc(measure.name)): \(esc(pre)) against \(esc(post)) score per participant</title>"
        let counts = Dictionary(grouping: participants, by: { categoryOf($0) }).mapValues(\.count)
        s += "<desc id=\"jt-\(esc(measure.measure))-d\">Each marker stands for the participants with those two scores. Points on the diagonal did not change. "
        s += categoryOrder.compactMap { c in counts[c].map { "\($0) \(c)" } }.joined(separator: ", ") + ".</desc>"
        s += "<defs><clipPath id=\"clip-\(esc(measure.measure))\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(w - left - right))\" height=\"\(n(h - top - bottom))\"/></clipPath></defs>"
        // Axes and grid.
        for t in ticks(lo, hi) {
            s += "<line x1=\"\(n(sx(t)))\" y1=\"\(n(top))\" x2=\"\(n(sx(t)))\" y2=\"\(n(h - bottom))\" class=\"grid\"/>"
            s += "<line x1=\"\(n(left))\" y1=\"\(n(sy(t)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(t)))\" class=\"grid\"/>"
            s += "<text x=\"\(n(sx(t)))\" y=\"\(n(h - bottom + 16))\" text-anchor=\"middle\" class=\"tick\">\(label(t))</text>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(sy(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(label(t))</text>"
        }
        s += "<text x=\"\(n((left + w - right) / 2))\" y=\"\(n(h - 8))\" text-anchor=\"middle\" class=\"axis\">\(esc(pre))</text>"
        s += "<text x=\"14\" y=\"\(n((top + h - bottom) / 2))\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 14 \(n((top + h - bottom) / 2)))\">\(esc(post))</text>"
        s += "<g clip-path=\"url(#clip-\(esc(measure.measure)))\">"
        // Reliable-change band (Jacobson–Truax: parallel to the diagonal).
        if let rc = measure.reliableChange?.result, rc.method == .jacobsonTruax {
            let half = rc.criticalValue * rc.sDiff
            let pts = [(lo, lo + half), (hi, hi + half), (hi, hi - half), (lo, lo - half)]
            s += "<path d=\"M" + pts.map { "\(n(sx($0.0))),\(n(sy($0.1)))" }.joined(separator: " L") + " Z\" class=\"band\"/>"
        }
        s += "<line x1=\"\(n(sx(lo)))\" y1=\"\(n(sy(lo)))\" x2=\"\(n(sx(hi)))\" y2=\"\(n(sy(hi)))\" class=\"diagonal\"/>"
        if let cut = measure.clinicalSignificance?.cutoff {
            s += "<line x1=\"\(n(sx(cut)))\" y1=\"\(n(top))\" x2=\"\(n(sx(cut)))\" y2=\"\(n(h - bottom))\" class=\"cutoff\"/>"
            s += "<line x1=\"\(n(left))\" y1=\"\(n(sy(cut)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(cut)))\" class=\"cutoff\"/>"
        }
        // Markers of one category on the same spot (to the nearest half unit of the 420-unit plot) look
        // like one; each is drawn once, so a study of thousands draws hundreds. The description above
        // still counts every participant.
        var drawn = Set<MarkerSpot>()
        for p in participants {
            let category = categoryOf(p), x = sx(p.pre), y = sy(p.post)
            guard drawn.insert(MarkerSpot(category: category, x: Int((x * 2).rounded()), y: Int((y * 2).rounded()))).inserted else { continue }
            s += marker(category, x: x, y: y)
        }
        s += "</g></svg>"
        return s
    }

    private struct MarkerSpot: Hashable {
        var category: String
        var x: Int
        var y: Int
    }

    static func categoryOf(_ p: ParticipantOutcome) -> String {
        if let c = p.category { return c }
        return p.reliableChange?.rawValue ?? "unchanged"
    }

    /// Legend for the category markers, as HTML (so it wraps on a phone).
    static func legend(categories: [String]) -> String {
        var s = "<ul class=\"legend\">"
        for c in categories {
            s += "<li><svg viewBox=\"0 0 14 14\" width=\"14\" height=\"14\" aria-hidden=\"true\">" + marker(c, x: 7, y: 7) + "</svg> \(esc(c))</li>"
        }
        return s + "</ul>"
    }

    /// Means by arm across timepoints with 95 % confidence intervals.
    static func armMeans(measure: MeasureAnalysis, timepoints: [String], arms: [String]) -> String? {
        let cells = measure.descriptives.filter { $0.arm != nil }
        guard !cells.isEmpty, arms.count >= 2 else { return nil }
        let points = timepoints.filter { t in cells.contains { $0.timepoint == t } }
        guard points.count >= 1 else { return nil }
        let w = 420.0, h = 300.0, left = 52.0, right = 16.0, top = 16.0, bottom = 46.0
        var values: [Double] = []
        for c in cells { values.append(c.ciLower ?? c.mean); values.append(c.ciUpper ?? c.mean) }
        var lo = values.min()!, hi = values.max()!
        let pad = max((hi - lo) * 0.1, 0.1)
        lo -= pad; hi += pad
        let step = (w - left - right) / Double(points.count)
        let sy = Scale(domain: (lo, hi), range: (h - bottom, top))
        let dashes = ["", "6 3", "2 3", "8 3 2 3"]
        var s = "<svg viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(esc(measure.name)): mean by arm and timepoint with 95% confidence intervals\" class=\"chart\">"
        for t in ticks(lo, hi) {
            s += "<line x1=\"\(n(left))\" y1=\"\(n(sy(t)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(t)))\" class=\"grid\"/>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(sy(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(label(t))</text>"
        }
        for (i, t) in points.enumerated() {
            s += "<text x=\"\(n(left + step * (Double(i) + 0.5)))\" y=\"\(n(h - bottom + 18))\" text-anchor=\"middle\" class=\"tick\">\(esc(t))</text>"
        }
        let palette = ["#0072b2", "#b35900", "#007a5a", "#6a3d9a", "#5f6368"]
        for (k, arm) in arms.enumerated() {
            let offset = (Double(k) - Double(arms.count - 1) / 2) * 8
            var path: [String] = []
            for (i, t) in points.enumerated() {
                guard let c = cells.first(where: { $0.arm == arm && $0.timepoint == t }) else { continue }
                let x = left + step * (Double(i) + 0.5) + offset
                path.append("\(n(x)),\(n(sy(c.mean)))")
                if let l = c.ciLower, let u = c.ciUpper {
                    s += "<line x1=\"\(n(x))\" y1=\"\(n(sy(l)))\" x2=\"\(n(x))\" y2=\"\(n(sy(u)))\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"1.5\"/>"
                }
                s += "<circle cx=\"\(n(x))\" cy=\"\(n(sy(c.mean)))\" r=\"4\" fill=\"\(palette[k % palette.count])\"><title>\(esc(arm)), \(esc(t)): mean \(Fmt.num(c.mean)) (n = \(c.n))</title></circle>"
            }
            if path.count >= 2 {
                s += "<polyline points=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"2\" stroke-dasharray=\"\(dashes[k % dashes.count])\"/>"
            }
            let ly = top + 14 + Double(k) * 16
            s += "<line x1=\"\(n(w - right - 110))\" y1=\"\(n(ly - 4))\" x2=\"\(n(w - right - 88))\" y2=\"\(n(ly - 4))\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"2\" stroke-dasharray=\"\(dashes[k % dashes.count])\"/>"
            s += "<text x=\"\(n(w - right - 84))\" y=\"\(n(ly))\" class=\"tick\">\(esc(arm))</text>"
        }
        return s + "</svg>"
    }

    /// Recruitment funnel as horizontal bars.
    static func funnel(_ f: FeasibilityAnalysis) -> String? {
        let stages = FunnelCounts.stages.compactMap { stage in f.funnel.count(stage).map { (stage, $0) } }
        guard let top = stages.map(\.1).max(), top > 0 else { return nil }
        let w = 420.0, rowH = 34.0, left = 92.0
        let h = rowH * Double(stages.count) + 8
        var s = "<svg viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"Recruitment funnel: \(stages.map { "\($0.0) \($0.1)" }.joined(separator: ", "))\" class=\"chart\">"
        for (i, (stage, count)) in stages.enumerated() {
            let y = 4 + Double(i) * rowH
            let bw = (w - left - 60) * Double(count) / Double(top)
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(y + rowH / 2 + 4))\" text-anchor=\"end\" class=\"tick\">\(esc(stage))</text>"
            s += "<rect x=\"\(n(left))\" y=\"\(n(y + 4))\" width=\"\(n(max(bw, 1)))\" height=\"\(n(rowH - 10))\" class=\"bar\"/>"
            s += "<text x=\"\(n(left + bw + 6))\" y=\"\(n(y + rowH / 2 + 4))\" class=\"tick\">\(count)</text>"
        }
        return s + "</svg>"
    }
}
