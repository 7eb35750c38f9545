import Foundation

/// Calm charts of a participant's own practice and diary. Each chart shows one thing, so nothing depends
/// on telling colours apart: values are written on the bars, and trend lines carry a marker per day and
/// their latest value as text. Every chart has a title and a description for screen readers and scales to
/// its container.
public enum PracticeCharts {
    private static let width = 640.0
    private static let height = 220.0
    private static let left = 44.0, right = 16.0, top = 16.0, bottom = 36.0

    /// Minutes practised per week as bars, the week's total written above each bar.
    /// `id` names the chart's title and description elements (`<id>-title`, `<id>-desc`) so several charts
    /// can share a page; without it they are `t` and `d`.
    public static func weeklyMinutes(_ weeks: [WeekMinutes], title: String = "Minutes of practice each week", id: String? = nil) -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let peak = max(Double(weeks.map(\.minutes).max() ?? 0), 10)
        let ticks = SVGChart.ticks(0, peak, count: 4)
        let yMax = max(ticks.last ?? peak, peak)
        let y = SVGChart.Scale(domain: (0, yMax), range: (top + plotHeight, top))
        let slot = plotWidth / Double(max(weeks.count, 1))
        let total = weeks.reduce(0) { $0 + $1.minutes }
        var svg = open(title: title, id: id, description: "\(weeks.count) weeks, \(total) minutes in all. "
            + weeks.map { "Week of \(shortDate($0.weekStarting)): \($0.minutes) minutes" }.joined(separator: "; ") + ".")
        svg += grid(ticks, y: y)
        for (index, week) in weeks.enumerated() {
            let x0 = left + Double(index) * slot + slot * 0.18
            let barWidth = slot * 0.64
            let yTop = y(Double(week.minutes))
            if week.minutes > 0 {
                svg += "<rect class=\"bar\" x=\"\(SVGChart.n(x0))\" y=\"\(SVGChart.n(yTop))\" width=\"\(SVGChart.n(barWidth))\" height=\"\(SVGChart.n(top + plotHeight - yTop))\" rx=\"3\"/>"
            }
            let mid = x0 + barWidth / 2
            svg += "<text class=\"value\" x=\"\(SVGChart.n(mid))\" y=\"\(SVGChart.n(yTop - 5))\" text-anchor=\"middle\">\(week.minutes)</text>"
            svg += "<text class=\"axis\" x=\"\(SVGChart.n(mid))\" y=\"\(SVGChart.n(height - 14))\" text-anchor=\"middle\">\(shortDate(week.weekStarting))</text>"
        }
        return svg + "</svg>"
    }

    /// One diary rating over the days from `start` through `end`: a line through the days with an entry
    /// (gaps are left as gaps), a marker on each, the scale from 0 to `maximum` (10 for ratings; for doses
    /// pass nil to fit the data) and the latest value written at the end of the line.
    public static func trend(_ points: [TrendPoint], title: String, from start: LocalDate, through end: LocalDate,
                             maximum: Double? = 10, id: String? = nil) -> String {
        let plotWidth = width - left - right - 24, plotHeight = height - top - bottom
        let shown = points.filter { $0.date >= start && $0.date <= end }
        let yMax = maximum ?? max(SVGChart.ticks(0, max(shown.map(\.value).max() ?? 1, 1), count: 4).last ?? 1, 1)
        let ticks = maximum == 10 ? [0, 2, 4, 6, 8, 10] : SVGChart.ticks(0, yMax, count: 4)
        let y = SVGChart.Scale(domain: (0, yMax), range: (top + plotHeight, top))
        let span = Double(max(end.daysSinceEpoch - start.daysSinceEpoch, 1))
        let x = SVGChart.Scale(domain: (0, span), range: (left, left + plotWidth))
        func px(_ date: LocalDate) -> Double { x(Double(date.daysSinceEpoch - start.daysSinceEpoch)) }
        let summary: String
        if let last = shown.last {
            summary = "\(shown.count) entries from \(shortDate(start)) to \(shortDate(end)); latest \(SVGChart.label(last.value)) on \(shortDate(last.date))."
        } else {
            summary = "No entries between \(shortDate(start)) and \(shortDate(end))."
        }
        var svg = open(title: title, id: id, description: summary)
        svg += grid(ticks, y: y)
        // Consecutive days are joined; a missing day breaks the line.
        var runs: [[TrendPoint]] = []
        for point in shown {
            if let previous = runs.last?.last, point.date.daysSinceEpoch - previous.date.daysSinceEpoch == 1 {
                runs[runs.count - 1].append(point)
            } else {
                runs.append([point])
            }
        }
        for run in runs where run.count > 1 {
            let path = run.map { "\(SVGChart.n(px($0.date))),\(SVGChart.n(y($0.value)))" }.joined(separator: " ")
            svg += "<polyline class=\"line\" fill=\"none\" points=\"\(path)\"/>"
        }
        for point in shown {
            svg += "<circle class=\"point\" cx=\"\(SVGChart.n(px(point.date)))\" cy=\"\(SVGChart.n(y(point.value)))\" r=\"3.5\"/>"
        }
        if let last = shown.last {
            svg += "<text class=\"value\" x=\"\(SVGChart.n(px(last.date) + 7))\" y=\"\(SVGChart.n(y(last.value) + 4))\">\(SVGChart.label(last.value))</text>"
        }
        svg += "<text class=\"axis\" x=\"\(SVGChart.n(left))\" y=\"\(SVGChart.n(height - 14))\">\(shortDate(start))</text>"
        svg += "<text class=\"axis\" x=\"\(SVGChart.n(left + plotWidth))\" y=\"\(SVGChart.n(height - 14))\" text-anchor=\"end\">\(shortDate(end))</text>"
        return svg + "</svg>"
    }

    private static func open(title: String, id: String?, description: String) -> String {
        let titleID = id.map { SVGChart.esc($0) + "-title" } ?? "t", descID = id.map { SVGChart.esc($0) + "-desc" } ?? "d"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"practice-chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\">"
            + "<title id=\"\(titleID)\">\(SVGChart.esc(title))</title><desc id=\"\(descID)\">\(SVGChart.esc(description))</desc>"
    }

    private static func grid(_ ticks: [Double], y: SVGChart.Scale) -> String {
        ticks.map { tick in
            "<line class=\"grid\" x1=\"\(SVGChart.n(left))\" x2=\"\(SVGChart.n(width - right))\" y1=\"\(SVGChart.n(y(tick)))\" y2=\"\(SVGChart.n(y(tick)))\"/>"
                + "<text class=\"axis\" x=\"\(SVGChart.n(left - 6))\" y=\"\(SVGChart.n(y(tick) + 4))\" text-anchor=\"end\">\(SVGChart.label(tick))</text>"
        }.joined()
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `16 Nov`.
    static func shortDate(_ date: LocalDate) -> String { "\(date.day) \(months[date.month - 1])" }
}
