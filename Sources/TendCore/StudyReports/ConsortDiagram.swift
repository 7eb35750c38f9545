import Foundation

/// The CONSORT 2010 flow diagram as SVG (Schulz, Altman & Moher 2010, doi:10.1136/bmj.c332, Figure 1):
/// rows Enrolment, Allocation, Follow-up and Analysis; one column per arm (one column for a single-arm
/// evaluation, whose middle box reads "Enrolled" instead of "Randomised").
///
/// Accessibility: the SVG has `role="img"` with a `<title>` and a `<desc>` that states every count in words;
/// all wording is real `<text>`; boxes are black outlines and arrows, so nothing depends on colour.
public enum ConsortDiagram {
    static let labelColumn = 112.0
    static let columnWidth = 250.0
    static let gap = 24.0
    static let lineHeight = 15.0
    static let padding = 8.0
    static let fontSize = 12.0
    /// Rough average glyph width of a 12 px sans-serif face, for wrapping.
    static let glyphWidth = 6.4

    public static func svg(_ flow: ConsortFlow) -> String {
        let n = max(flow.arms.count, 1)
        let contentWidth = max(Double(n) * columnWidth + Double(n - 1) * gap, 2 * columnWidth + gap)
        let left = labelColumn + 16
        let width = left + contentWidth + 16
        let centre = left + contentWidth / 2
        var body: [String] = []
        var y = 16.0

        // Enrolment
        let enrolmentTop = y
        let assessed = box(x: centre - columnWidth / 2, y: y, width: columnWidth,
                           lines: ["Assessed for eligibility (n = \(flow.assessedForEligibility))"])
        body.append(assessed.svg)
        y += assessed.height + 20
        let excludedX = centre + 24
        var excludedLines = ["Excluded (n = \(flow.excluded))",
                             "• Not meeting inclusion criteria (n = \(flow.notMeetingCriteria))"]
        excludedLines += flow.notMeetingCriteriaReasons.map { "   – \($0.reason) (n = \($0.count))" }
        excludedLines.append("• Declined to participate (n = \(flow.declined))")
        excludedLines += flow.declinedReasons.map { "   – \($0.reason) (n = \($0.count))" }
        excludedLines.append("• Other reasons (n = \(flow.otherReasons))")
        excludedLines += flow.otherReasonsList.map { "   – \($0.reason) (n = \($0.count))" }
        let excluded = box(x: excludedX, y: y, width: left + contentWidth - excludedX, lines: excludedLines)
        body.append(excluded.svg)
        let excludedMid = y + excluded.height / 2
        y += excluded.height + 20
        let middleText = flow.isSingleArm ? "Enrolled (n = \(flow.arms.first?.allocated ?? 0))"
                                          : "Randomised (n = \(flow.randomised))"
        let middle = box(x: centre - columnWidth / 2, y: y, width: columnWidth, lines: [middleText])
        body.append(middle.svg)
        body.append(arrow(x1: centre, y1: enrolmentTop + assessed.height, x2: centre, y2: y))
        body.append(arrow(x1: centre, y1: excludedMid, x2: excludedX, y2: excludedMid))
        y += middle.height
        let enrolmentBottom = y
        body.append(stageLabel("Enrolment", y: enrolmentTop, height: enrolmentBottom - enrolmentTop))

        // Branch to the arm columns.
        let columnXs = (0..<n).map { k in
            left + (contentWidth - (Double(n) * columnWidth + Double(n - 1) * gap)) / 2 + Double(k) * (columnWidth + gap)
        }
        let branchY = y + 14
        y = branchY + 18
        body.append(line(x1: centre, y1: enrolmentBottom, x2: centre, y2: branchY))
        if n > 1 {
            body.append(line(x1: columnXs[0] + columnWidth / 2, y1: branchY, x2: columnXs[n - 1] + columnWidth / 2, y2: branchY))
        }
        // An arm outside the allocation sequence gets a dashed arrow (and says so in its box).
        for (k, x) in columnXs.enumerated() {
            let dashed = k < flow.arms.count && !flow.arms[k].randomised
            body.append(arrow(x1: x + columnWidth / 2, y1: branchY, x2: x + columnWidth / 2, y2: y, dashed: dashed))
        }

        let rows: [(String, (ConsortArm) -> [String])] = [
            ("Allocation", { arm in allocationLines(arm, singleArm: flow.isSingleArm) }),
            ("Follow-up", { arm in
                ["Lost to follow-up (n = \(arm.lostToFollowUp))"] + reasonLines(arm.lostToFollowUpReasons)
                    + ["Discontinued intervention (n = \(arm.discontinued))"] + reasonLines(arm.discontinuedReasons)
            }),
            ("Analysis", { arm in
                ["Analysed (n = \(arm.analysed))", "Excluded from analysis (n = \(arm.excludedFromAnalysis))"]
                    + reasonLines(arm.excludedFromAnalysisReasons)
            }),
        ]
        for (r, (stage, linesOf)) in rows.enumerated() {
            let top = y
            let boxes = flow.arms.enumerated().map { k, arm in
                box(x: columnXs[k], y: top, width: columnWidth, lines: linesOf(arm))
            }
            let height = boxes.map(\.height).max() ?? 30
            body += boxes.map(\.svg)
            body.append(stageLabel(stage, y: top, height: height))
            y = top + height
            if r < rows.count - 1 {
                for (k, b) in boxes.enumerated() {
                    body.append(arrow(x1: columnXs[k] + columnWidth / 2, y1: top + b.height, x2: columnXs[k] + columnWidth / 2, y2: y + 28))
                }
                y += 28
            }
        }
        let height = y + 16
        let title = flow.isSingleArm ? "CONSORT 2010 flow diagram (single-arm evaluation)" : "CONSORT 2010 flow diagram"
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVGChart.n(width)) \(SVGChart.n(height))\" role=\"img\" aria-labelledby=\"consort-title consort-desc\" font-family=\"sans-serif\" font-size=\"\(Int(fontSize))\">\n"
        svg += "<title id=\"consort-title\">\(SVGChart.esc(title))</title>\n"
        svg += "<desc id=\"consort-desc\">\(SVGChart.esc(description(flow)))</desc>\n"
        svg += "<defs><marker id=\"consort-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 Z\" fill=\"#000\"/></marker></defs>\n"
        svg += body.joined(separator: "\n")
        svg += "\n</svg>\n"
        return svg
    }

    /// The whole flow in sentences, for the SVG `<desc>` and for screen readers.
    public static func description(_ flow: ConsortFlow) -> String {
        var parts = ["\(flow.assessedForEligibility) assessed for eligibility; \(flow.excluded) excluded (\(flow.notMeetingCriteria) not meeting inclusion criteria, \(flow.declined) declined, \(flow.otherReasons) for other reasons)."]
        parts.append(flow.isSingleArm ? "\(flow.arms.first?.allocated ?? 0) enrolled." : "\(flow.randomised) randomised.")
        for arm in flow.arms {
            parts.append("\(arm.arm)\(arm.randomised ? "" : " (not randomised, sequential cohort)"): \(arm.allocated) allocated, \(arm.received) received the intervention, \(arm.notReceived) did not; \(arm.lostToFollowUp) lost to follow-up, \(arm.discontinued) discontinued; \(arm.analysed) analysed, \(arm.excludedFromAnalysis) excluded from analysis.")
        }
        return parts.joined(separator: " ")
    }

    static func allocationLines(_ arm: ConsortArm, singleArm: Bool) -> [String] {
        var head: [String]
        if singleArm { head = ["Started \(arm.arm) (n = \(arm.allocated))"] }
        else if arm.randomised { head = ["Allocated to \(arm.arm) (n = \(arm.allocated))"] }
        else { head = ["Assigned to \(arm.arm) (n = \(arm.allocated))", "Not randomised (sequential cohort)"] }
        return head + ["• Received allocated intervention (n = \(arm.received))",
                "• Did not receive allocated intervention (n = \(arm.notReceived))"] + reasonLines(arm.notReceivedReasons)
    }

    static func reasonLines(_ reasons: [ReasonCount]) -> [String] {
        reasons.map { "   – \($0.reason) (n = \($0.count))" }
    }

    struct Box {
        var svg: String
        var height: Double
    }

    static func box(x: Double, y: Double, width: Double, lines: [String]) -> Box {
        let maxChars = max(12, Int((width - 2 * padding) / glyphWidth))
        let wrapped = lines.flatMap { wrap($0, maxChars: maxChars) }
        let height = Double(wrapped.count) * lineHeight + 2 * padding
        var s = "<g><rect x=\"\(SVGChart.n(x))\" y=\"\(SVGChart.n(y))\" width=\"\(SVGChart.n(width))\" height=\"\(SVGChart.n(height))\" fill=\"#fff\" stroke=\"#000\"/>"
        for (i, text) in wrapped.enumerated() {
            let ty = y + padding + Double(i + 1) * lineHeight - 3.5
            s += "<text x=\"\(SVGChart.n(x + padding))\" y=\"\(SVGChart.n(ty))\" xml:space=\"preserve\">\(SVGChart.esc(text))</text>"
        }
        return Box(svg: s + "</g>", height: height)
    }

    /// Greedy word wrap; continuation lines keep the first line's leading indent plus two spaces. A count
    /// "(n = 12)" is never split.
    static func wrap(_ text: String, maxChars: Int) -> [String] {
        guard text.count > maxChars else { return [text] }
        let nbsp = "\u{A0}"
        return wrapWords(text.replacingOccurrences(of: "(n = ", with: "(n\(nbsp)=\(nbsp)"), maxChars: maxChars)
            .map { $0.replacingOccurrences(of: nbsp, with: " ") }
    }

    static func wrapWords(_ text: String, maxChars: Int) -> [String] {
        let indent = String(text.prefix { $0 == " " }) + "  "
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? (lines.isEmpty ? String(text.prefix { $0 == " " }) : indent) + word : current + " " + word
            if candidate.count > maxChars && !current.isEmpty {
                lines.append(current)
                current = indent + word
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    static func stageLabel(_ text: String, y: Double, height: Double) -> String {
        "<g><rect x=\"8\" y=\"\(SVGChart.n(y))\" width=\"\(SVGChart.n(labelColumn - 8))\" height=\"\(SVGChart.n(height))\" rx=\"8\" fill=\"#fff\" stroke=\"#000\" stroke-dasharray=\"4 3\"/><text x=\"\(SVGChart.n(8 + (labelColumn - 8) / 2))\" y=\"\(SVGChart.n(y + height / 2 + 4))\" text-anchor=\"middle\" font-weight=\"bold\">\(SVGChart.esc(text))</text></g>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double) -> String {
        "<line x1=\"\(SVGChart.n(x1))\" y1=\"\(SVGChart.n(y1))\" x2=\"\(SVGChart.n(x2))\" y2=\"\(SVGChart.n(y2))\" stroke=\"#000\"/>"
    }

    static func arrow(x1: Double, y1: Double, x2: Double, y2: Double, dashed: Bool = false) -> String {
        "<line x1=\"\(SVGChart.n(x1))\" y1=\"\(SVGChart.n(y1))\" x2=\"\(SVGChart.n(x2))\" y2=\"\(SVGChart.n(y2))\" stroke=\"#000\"\(dashed ? " stroke-dasharray=\"6 4\"" : "") marker-end=\"url(#consort-arrow)\"/>"
    }
}
