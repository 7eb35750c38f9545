import Foundation

/// A study's exports page: what each download holds and who it is for.
enum StudyExportPages {
    struct Page: Sendable, Equatable {
        var id: UUID
        var title: String
        var seesArms: Bool
        /// People who have joined the study (screening-log rows with an account).
        var participants: Int
        var mayExportAllocations: Bool
    }

    struct Download {
        var file: StudyExportFile
        var name: String
        var description: String
    }

    static func downloads(seesArms: Bool) -> [(heading: String, items: [Download])] {
        let arm = seesArms ? "arm, " : ""
        return [
            ("Scores", [
                Download(file: .tidyScores, name: "Scores, long format (CSV)",
                         description: "One row per participant, timepoint and measure: study code, \(arm)timepoint, measure, score, when it was completed and whether it was late (1) or in its window (0)."),
                Download(file: .wideScores, name: "Scores, wide format for R and SPSS (CSV)",
                         description: "One row per participant, each measure at each timepoint in its own column, with names SPSS, R and Stata accept."),
                Download(file: .spssSyntax, name: "SPSS syntax for the wide file (.sps)",
                         description: "Reads the wide file and labels its variables\(seesArms ? " and the arm codes" : ""). Save it next to the wide file and run it in SPSS or PSPP."),
            ]),
            ("Data dictionary and interchange", [
                Download(file: .dataDictionary, name: "Data dictionary in REDCap's layout (CSV)",
                         description: "The items and scores of the study's questionnaires, ready to upload as a REDCap data dictionary."),
                Download(file: .fhirBundle, name: "Questionnaire responses as FHIR R4 (JSON)",
                         description: "Every submitted questionnaire as a QuestionnaireResponse with its answers, identified only by study code."),
            ]),
            ("Analysis report", [
                Download(file: .reportHTML, name: "Analysis report (HTML)",
                         description: "Reliable and clinically significant change, \(seesArms ? "mixed ANOVA between arms" : "change with all arms pooled"), drop-out: the same analysis as tend analyse, run on the stored scores."),
                Download(file: .reportText, name: "Analysis report (plain text)", description: "The same report as text."),
                Download(file: .reportJSON, name: "Analysis results (JSON)", description: "The same results with their stable field names, for scripts."),
            ]),
        ]
    }

    static func page(viewer: Viewer, page: Page, csrf: String?) -> String {
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [
                .el("a", ["href": SiteURL.studies.path], [.text("Studies")]), .text(" › "),
                .el("a", ["href": SiteURL.study(.value(page.id)).path], [.txt(page.title)]),
            ]),
            .el("h1", [:], [.text("Data exports")]),
            .el("p", [:], [.txt("\(page.participants) \(page.participants == 1 ? "person has" : "people have") joined this study. Every file is built from the live data when you download it.")]),
            .el("p", [:], [.text("Participants appear only by their study code: no names, e-mail addresses or account ids. Each download is recorded in the audit trail with its number of rows.")]),
        ]
        if !page.seesArms {
            content.append(.el("div", ["class": "notice", "id": "blinded"], [
                .el("p", [:], [.text("You are blinded to allocation, so these files have no arm column and the report pools the arms.")]),
            ]))
        }
        for section in downloads(seesArms: page.seesArms) {
            content.append(.el("h2", [:], [.txt(section.heading)]))
            content.append(.el("ul", ["class": "plain-list"], section.items.map { item in
                .el("li", [:], [
                    .el("p", [:], [.el("a", ["href": SiteURL.studyExport(.value(page.id), item.file).path, "download": ""], [.txt(item.name)])]),
                    .el("p", ["class": "hint"], [.txt(item.description)]),
                ])
            }))
        }
        if page.mayExportAllocations {
            content.append(.el("h2", [:], [.text("Allocation list")]))
            content.append(.el("p", [:], [.el("a", ["href": SiteURL.studyAllocationsCSV(.value(page.id)).path], [.text("Download the allocation list (CSV)")])]))
        }
        return Layout.page(title: "Data exports – " + page.title, viewer: viewer, csrf: csrf, content: content)
    }
}
