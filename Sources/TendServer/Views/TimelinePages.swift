import Foundation
import TendCore

/// A study participant's timeline for staff: one section per week, each event with its kind in words.
enum TimelinePages {
    static func timeline(viewer: Viewer, studyID: UUID, studyTitle: String, code: String, weeks: [TimelineWeek], dayZero: LocalDate?,
                         newestFirst: Bool, seesArms: Bool, csrf: String?) -> String {
        let path = SiteURL.studyTimeline(.value(studyID), .value(code)).path
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [
                .el("a", ["href": SiteURL.study(.value(studyID)).path], [.txt(studyTitle)]), .text(" › "),
                .el("a", ["href": SiteURL.studyScreening(.value(studyID)).path], [.text("Screening log")]), .text(" › "),
                .el("a", ["href": SiteURL.studyPerson(.value(studyID), .value(code)).path], [.txt(code)]),
            ]),
            .el("h1", [:], [.txt("\(code): timeline")]),
            .el("p", [:], [.txt(dayZero.map { "Weeks are study weeks counted from day 0, \($0)." }
                                ?? "Weeks start on Mondays until they are allocated and their day 0 is known.")]),
            .el("p", [:], [
                .text(newestFirst ? "Newest first. " : "Oldest first. "),
                .el("a", ["href": path + (newestFirst ? "?order=oldest" : "?order=newest")],
                    [.text(newestFirst ? "Show oldest first" : "Show newest first")]),
            ]),
            .el("p", ["class": "hint"], [.text(seesArms
                ? "Practice and diary are shown as counts per week; what participants wrote is not shown here. Alert notes stay with the alert."
                : "You are blinded to allocation: sessions, modules and practice are not shown, as they would reveal the arm. Alert notes stay with the alert.")]),
        ]
        if weeks.isEmpty {
            content.append(.el("p", [:], [.text("Nothing recorded yet.")]))
        }
        for week in weeks {
            let heading = "Week starting \(week.start)" + (week.studyWeek.map { " (study week \($0))" } ?? "")
            content.append(.el("section", ["class": "timeline-week", "aria-label": heading], [
                .el("h2", [:], [.txt(heading)]),
                .el("ul", ["class": "timeline"], week.events.map { event in
                    .el("li", ["class": "timeline__event timeline__event--\(event.kind.rawValue)"], [
                        .el("span", ["class": "timeline__date nowrap"], [.txt(event.date.description)]), .text(" "),
                        .el("strong", [:], [.txt(event.kind.label + ":")]), .text(" "),
                        .txt(event.text),
                    ])
                }),
            ]))
        }
        return Layout.page(title: "Timeline – " + code, viewer: viewer, csrf: csrf, content: content)
    }
}
