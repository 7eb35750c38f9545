import Foundation
import TendCore

/// The study dashboard and a participant's outcomes page. Every number comes from TendCore
/// (``StudyDashboard``, ``StudyOutcomes``, ``HTMLReport``); these functions only lay them out.
enum StudyDashboardPages {
    static let stylesheet = SiteURL.dashboardStylesheet.path

    static func number(_ x: Double, _ digits: Int = 1) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : "–"
    }

    static func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", x * 100) : "–" }

    static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        return p < 0.001 ? "p < .001" : "p = " + String(format: "%.3f", p).replacingOccurrences(of: "0.", with: ".")
    }

    /// A table with a caption, header cells with `scope`, the first cell of each row a row header, in a
    /// focusable box that scrolls sideways on a phone.
    static func table(_ caption: String, header: [String], rows: [[String]]) -> Markup {
        .el("div", ["class": "table-scroll", "role": "region", "aria-label": caption, "tabindex": "0"], [
            .el("table", ["class": "table"], [
                .el("caption", [:], [.txt(caption)]),
                .el("thead", [:], [.el("tr", [:], header.map { .el("th", ["scope": "col"], [.txt($0)]) })]),
                .el("tbody", [:], rows.map { row in
                    .el("tr", [:], row.enumerated().map { i, cell in
                        i == 0 ? .el("th", ["scope": "row"], [.txt(cell)]) : .el("td", [:], [.txt(cell)])
                    })
                }),
            ]),
        ])
    }

    static func rateName(_ stage: String) -> String {
        switch stage {
        case "approached": return "approached"
        case "agreed": return "agreed to take part"
        case "baseline": return "completed baseline"
        case "completed": return "completed the post assessment"
        default: return stage
        }
    }

    static func dashboard(viewer: Viewer, studyID: UUID, title: String, dashboard d: StudyDashboard,
                          analysis: StudyDashboardController.Analysis, csrf: String?) -> String {
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [
                .el("a", ["href": SiteURL.studies.path], [.text("Studies")]), .text(" › "),
                .el("a", ["href": SiteURL.study(.value(studyID)).path], [.txt(title)]),
            ]),
            .el("h1", [:], [.text("Study dashboard")]),
            .el("p", ["class": "lead"], [.text("Worked out from the study's live records each time this page is opened.")]),
            .el("nav", ["aria-label": "On this page"], [.el("ul", ["class": "dashboard-contents"], [
                ("flow", "Participant flow"), ("feasibility", "Recruitment and feasibility"), ("attrition", "Attrition by arm"),
                ("attendance", "Attendance by arm"), ("practice", "Practice by arm"), ("outcomes", "Outcomes"),
            ].map { .el("li", [:], [.el("a", ["href": "#" + $0.0], [.text($0.1)])]) })]),
        ]

        // CONSORT flow.
        content.append(.el("h2", ["id": "flow"], [.text("Participant flow (CONSORT 2010)")]))
        if let svg = d.diagramSVG, let description = d.diagramDescription {
            content.append(.el("figure", ["class": "consort"], [
                .raw(svg),
                .el("figcaption", [:], [.text("The flow of everyone in the screening log, from assessment for eligibility to analysis.")]),
            ]))
            content.append(.el("details", ["class": "consort-words"], [
                .el("summary", [:], [.text("The flow in words")]),
                .el("p", [:], [.txt(description)]),
            ]))
        } else {
            content.append(.el("p", [:], [.txt(d.flowProblem ?? "No flow yet.")]))
        }

        // Funnel and feasibility.
        content.append(.el("h2", ["id": "feasibility"], [.text("Recruitment and feasibility")]))
        let f = d.funnel
        content.append(table("People at each stage of recruitment", header: ["Stage", "People"], rows: [
            ["Approached", "\(f.approached ?? 0)"], ["Agreed to take part", "\(f.agreed ?? 0)"],
            ["Completed baseline", "\(f.baseline ?? 0)"], ["Completed the post assessment", "\(f.completed ?? 0)"],
        ]))
        if let feasibility = d.feasibility {
            if feasibility.rates.isEmpty {
                content.append(.el("p", [:], [.text("No rate can be worked out until someone has been approached.")]))
            } else {
                content.append(table("Rates with 95% Wilson intervals, against the study's feasibility criteria",
                                     header: ["Step", "Count", "Rate", "95% interval", "Criterion", "Judged on the rate", "Judged on the lower bound"],
                                     rows: feasibility.rates.map { r in
                                         let i = r.interval
                                         return ["Of those who \(rateName(r.denominator)), the share who \(rateName(r.numerator))",
                                                 "\(i.successes) of \(i.trials)", percent(i.estimate), "\(percent(i.lower)) to \(percent(i.upper))",
                                                 r.threshold.map { "At least " + percent($0) } ?? "No criterion",
                                                 r.met.map { $0 ? "Met" : "Not met" } ?? "–",
                                                 r.metByLowerBound.map { $0 ? "Met" : "Not met" } ?? "–"]
                                     }))
            }
        } else if let problem = d.feasibilityProblem {
            content.append(.el("p", [:], [.txt(problem)]))
        }

        // Attrition.
        content.append(.el("h2", ["id": "attrition"], [.text("Attrition by arm")]))
        if let a = d.attrition {
            content.append(table("Among those who completed baseline, those without a post assessment",
                                 header: ["Arm", "Completed baseline", "Completed post", "Dropped out", "Drop-out rate"],
                                 rows: (a.arms + [a.total]).map { [$0.arm == "all" ? "All arms" : $0.arm, "\($0.baseline)", "\($0.completed)", "\($0.droppedOut)", percent($0.rate)] }))
            if let chi = a.chiSquare {
                content.append(.el("p", ["class": "stat"], [.txt("Pearson χ²(\(number(chi.df, 0)), N = \(a.total.baseline)) = \(number(chi.statistic, 3)), \(pValue(chi.p)).")]))
            }
            if let exact = a.exact { content.append(.el("p", ["class": "stat"], [.txt("\(exact.method): exact \(pValue(exact.p)).")])) }
            if let note = a.note { content.append(.el("p", [:], [.txt("No test between arms: " + note + ".")])) }
        } else {
            content.append(.el("p", [:], [.txt(d.flowProblem ?? "No attrition yet.")]))
        }

        // Attendance.
        content.append(.el("h2", ["id": "attendance"], [.text("Attendance by arm")]))
        if d.attendance.isEmpty {
            content.append(.el("p", [:], [.text("No arm has a group chosen on the study page, so there is no attendance to show.")]))
        }
        for arm in d.attendance {
            content.append(.el("h3", [:], [.txt("\(arm.arm) (\(arm.members) allocated)")]))
            if arm.sessions.isEmpty {
                content.append(.el("p", [:], [.text("No attendance recorded yet.")]))
            } else {
                content.append(table("Attendance at each session, \(arm.arm)", header: ["Session", "Attended", "Missed", "Excused", "Not recorded", "Attended, of allocated"],
                                     rows: arm.sessions.map { ["Session \($0.session)", "\($0.attended)", "\($0.missed)", "\($0.excused)", "\($0.unrecorded)", percent($0.rate)] }))
            }
        }

        // Practice.
        content.append(.el("h2", ["id": "practice"], [.text("Practice by arm")]))
        content.append(.el("p", [:], [.text("Minutes and days of home practice logged by each allocated participant since their allocation; those who logged none count as zero.")]))
        content.append(table("Practice logged per participant", header: ["Arm", "Participants", "Logged any", "Minutes, mean (SD)", "Minutes, median", "Days, mean (SD)", "Days, median"],
                             rows: d.practice.map { p in
                                 [p.arm, "\(p.participants)", "\(p.practising)", "\(number(p.meanMinutes)) (\(number(p.sdMinutes)))", number(p.medianMinutes),
                                  "\(number(p.meanDays)) (\(number(p.sdDays)))", number(p.medianDays)]
                             }))

        // Outcomes.
        content.append(.el("h2", ["id": "outcomes"], [.text("Outcomes")]))
        if let result = analysis.result {
            content.append(.el("p", [:], [.txt("The outcome analysis of `tend analyse` on the scored questionnaires: \(result.input.participants) allocated participants, change from \(result.settings.pre) to \(result.settings.post).")]))
            content.append(.el("div", ["class": "report"], [.raw(analysis.html)]))
        } else {
            content.append(.el("p", [:], [.txt(analysis.problem ?? "No outcomes yet.")]))
        }
        return Layout.page(title: "Study dashboard: " + title, viewer: viewer, csrf: csrf, content: content, stylesheets: [stylesheet],
                           wide: true)
    }

    static func reliableChangeText(_ o: ParticipantOutcome) -> String {
        switch o.reliableChange {
        case .improved?: return "Reliable improvement"
        case .deteriorated?: return "Reliable deterioration"
        case .unchanged?: return "No reliable change"
        case nil: return "Reliable change not worked out"
        }
    }

    static func clinicalText(_ o: ParticipantOutcome) -> String? {
        guard let category = o.category.flatMap(CombinedCategory.init(rawValue:)) else { return nil }
        switch category {
        case .recovered: return "Recovered: reliable improvement, and moved from the clinical to the non-clinical range (clinically significant change)"
        case .improved: return "Improved reliably, without crossing the clinical cut-off"
        case .unchanged: return "No reliable change"
        case .deteriorated: return "Deteriorated reliably"
        case .harmed: return "Harmed: reliable deterioration into the clinical range"
        }
    }

    static func outcomes(viewer: Viewer, studyID: UUID, title: String, code: String, pre: String, post: String,
                         measures: [StudyOutcomes.ParticipantMeasure], csrf: String?) -> String {
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [
                .el("a", ["href": SiteURL.study(.value(studyID)).path], [.txt(title)]), .text(" › "),
                .el("a", ["href": SiteURL.studyPerson(.value(studyID), .value(code)).path], [.txt(code)]),
            ]),
            .el("h1", [:], [.txt("Outcomes of \(code)")]),
            .el("p", ["class": "lead"], [.txt("Each measure over time. Reliable change and clinically significant change from \(pre) to \(post) appear as soon as a \(post) score exists, from the same analysis as the study's report.")]),
        ]
        if measures.isEmpty {
            content.append(.el("p", [:], [.text("No questionnaire has been submitted yet.")]))
        }
        for m in measures {
            content.append(.el("h2", [:], [.txt(m.name)]))
            if let direction = m.direction {
                content.append(.el("p", ["class": "meta"], [.text(direction == .higherIsBetter ? "Higher scores are better." : "Lower scores are better.")]))
            }
            content.append(table("\(m.name) scores by timepoint", header: ["Timepoint", "Score"],
                                 rows: m.scores.map { [$0.timepoint, number($0.score, 2)] }))
            if let o = m.outcome {
                var facts: [Markup] = [
                    .el("dt", [:], [.text("Change")]), .el("dd", [:], [.txt("\(number(o.pre, 2)) to \(number(o.post, 2)) (\(o.change >= 0 ? "+" : "")\(number(o.change, 2)))")]),
                    .el("dt", [:], [.text("Reliable change")]),
                    .el("dd", [:], [.el("strong", [:], [.txt(reliableChangeText(o))]), .txt(o.rci.map { " (RCI \(number($0, 2)))" } ?? "")]),
                ]
                if let clinical = clinicalText(o) {
                    facts += [.el("dt", [:], [.text("Clinically significant change")]), .el("dd", [:], [.txt(clinical)])]
                }
                content.append(.el("dl", ["class": "summary"], facts))
            }
            if let pending = m.pending { content.append(.el("p", [:], [.txt(pending)])) }
        }
        return Layout.page(title: "Outcomes of \(code): " + title, viewer: viewer, csrf: csrf, content: content)
    }
}
