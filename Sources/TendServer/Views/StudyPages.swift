import Foundation
import TendCore

/// Study pages for staff: the list, the form to start a study and a study's definition page.
/// Arm names appear only when `seesArms` is true: blinded staff never see them.
enum StudyPages {
    static let blankTemplate = "blank"

    struct ListRow: Sendable, Equatable {
        var id: UUID
        var title: String
        var status: StudyModel.Status
    }

    struct TemplateChoice: Sendable, Equatable {
        var id: String
        var title: String
        var design: StudyDesign
    }

    struct NewForm: Sendable, Equatable {
        var template: String? = nil
        var title: String = ""
        var publicTitle: String = ""
    }

    struct Option: Sendable, Equatable {
        var value: String
        var label: String
    }

    struct StaffForm: Sendable, Equatable {
        var user: String? = nil
        var studyRole: String? = nil
    }

    struct StaffRow: Sendable, Equatable {
        var name: String
        var role: BlindedRole
        var blinded: Bool
    }

    struct ArmGroupChoice: Sendable, Equatable {
        var arm: String
        var armName: String
        var groups: [Option]
        var selected: String?
    }

    struct Detail {
        var id: UUID
        var definition: StudyDefinition
        var status: StudyModel.Status
        var openedAt: Date?
        var seesArms: Bool
        var yourRole: BlindedRole?
        var mayManage: Bool
        var mayScreen: Bool
        var mayExport: Bool
        var problems: [InputError]
        var staff: [StaffRow]
        var staffCandidates: [Option]
        var armGroups: [ArmGroupChoice]
        /// The definition as JSON, for those who may edit it (nil for everyone else).
        var definitionText: String?
    }

    static func statusText(_ status: StudyModel.Status) -> String {
        switch status {
        case .setup: return "Being set up"
        case .recruiting: return "Open for recruitment"
        }
    }

    static func roleName(_ role: BlindedRole) -> String {
        switch role {
        case .facilitator: return "Facilitator"
        case .researcher: return "Researcher"
        case .outcomeAssessor: return "Outcome assessor"
        case .statistician: return "Statistician"
        }
    }

    static func list(viewer: Viewer, rows: [ListRow], mayCreate: Bool, csrf: String?) -> String {
        Layout.page(title: "Studies", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Studies")]),
            mayCreate ? .el("p", [:], [.el("a", ["class": "button", "href": SiteURL.newStudy.path], [.text("Start a new study")])]) : .empty,
            rows.isEmpty ? .el("p", [:], [.text("You are not on the staff of any study yet.")])
                : .el("ul", ["class": "item-list"], rows.map { row in
                    .el("li", [:], [
                        .el("a", ["href": SiteURL.study(.value(row.id)).path], [.txt(row.title)]),
                        .text(" – "), .txt(statusText(row.status)),
                    ])
                }),
        ])
    }

    static func newStudy(viewer: Viewer, templates: [TemplateChoice], form: NewForm, errors: FormErrors, csrf: String?) -> String {
        let choices = templates.map { FormComponents.Choice(value: $0.id, label: $0.title, hint: $0.design == .randomised ? "Randomised" : "Single arm") }
            + [FormComponents.Choice(value: blankTemplate, label: "A blank study", hint: "Write the whole definition yourself")]
        return Layout.page(title: "Start a new study", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.studies.path], [.text("Studies")])]),
            .el("h1", [:], [.text("Start a new study")]),
            FormComponents.errorSummary(errors),
            FormComponents.form(action: SiteURL.studies.path, csrf: csrf, [
                FormComponents.radios(id: "template", legend: "Start from", choices: choices, selected: form.template,
                                      hint: "A template fills in arms, screening questions, consent and measures; you can change them before the study opens.",
                                      errors: errors),
                FormComponents.textField(.init(id: "title", label: "Title", value: form.title, hint: "What staff see."), errors: errors),
                FormComponents.textField(.init(id: "publicTitle", label: "Public title", value: form.publicTitle,
                                               hint: "What participants see. Name no arm and no hypothesis."), errors: errors),
                FormComponents.submit("Create study"),
            ]),
        ])
    }

    static func detail(viewer: Viewer, page: Detail, state: StudyController.PageState, csrf: String?) -> String {
        let d = page.definition
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.studies.path], [.text("Studies")])]),
            .el("h1", [:], [.txt(d.title)]),
            FormComponents.errorSummary(state.definitionErrors),
            FormComponents.errorSummary(state.staffErrors),
            .el("dl", ["class": "summary"], [
                .el("dt", [:], [.text("Public title")]), .el("dd", [:], [.txt(d.publicTitle)]),
                .el("dt", [:], [.text("Design")]), .el("dd", [:], [.text(d.design == .randomised ? "Randomised" : "Single arm")]),
                .el("dt", [:], [.text("Status")]),
                .el("dd", [:], [.txt(statusText(page.status) + (page.openedAt.map { " since " + Layout.format($0) } ?? ""))]),
                .el("dt", [:], [.text("Your role")]),
                .el("dd", [:], [.txt(page.yourRole.map(roleName) ?? "Administrator"), .text(page.seesArms ? "" : " (blinded to allocation)")]),
            ]),
            page.mayScreen || page.yourRole != nil
                ? .el("p", [:], [.el("a", ["href": SiteURL.studyScreening(.value(page.id)).path], [.text("Screening log")])]) : .empty,
            page.mayScreen && page.seesArms
                ? .el("p", [:], [.el("a", ["href": SiteURL.studyDashboard(.value(page.id)).path], [.text("Study dashboard")])]) : .empty,
            page.mayExport
                ? .el("p", [:], [.el("a", ["href": SiteURL.studyAllocationsCSV(.value(page.id)).path], [.text("Download the allocation list (CSV)")])])
                : .empty,
            page.seesArms && page.definition.arms.contains(where: { $0.role == .waitlist })
                ? .el("p", [:], [.el("a", ["href": SiteURL.studyWaitlist(.value(page.id)).path], [.text("Waitlist offers")])]) : .empty,
            page.yourRole == .researcher || page.yourRole == .statistician
                ? .el("p", [:], [.el("a", ["href": SiteURL.studyExports(.value(page.id)).path], [.text("Data exports")])]) : .empty,
        ]
        if !page.problems.isEmpty {
            content.append(.el("div", ["class": "notice notice--warning", "id": "problems"], [
                .el("h2", [:], [.text("The definition is not ready to run")]),
                .el("ul", ["class": "plain-list"], page.problems.map { problem in
                    .el("li", [:], [.el("code", [:], [.txt(problem.field)]), .text(": "),
                                    .txt("found \(problem.value); expected \(problem.expected)")])
                }),
            ]))
        }
        // Arms.
        content.append(.el("h2", [:], [.text("Arms")]))
        if page.seesArms {
            content.append(d.arms.isEmpty ? .el("p", [:], [.text("No arms yet.")]) : .el("ul", ["class": "item-list"], d.arms.map { arm in
                .el("li", [:], [.txt(arm.name), .txt(" – " + arm.role.rawValue
                    + (arm.programme.map { ", programme \($0.id) (\($0.version))" } ?? "")
                    + (d.design == .randomised ? ", ratio \(arm.ratio)" + (arm.allocated ? "" : ", not randomised") : ""))])
            }))
        } else {
            content.append(.el("p", [:], [.text("You are blinded to allocation on this study, so its arms are not shown. The study has \(d.arms.count) arm\(d.arms.count == 1 ? "" : "s").")]))
        }
        if !d.stratification.isEmpty {
            content.append(.el("p", [:], [.txt("Allocation is stratified by " + d.stratification.map(\.label).joined(separator: ", ") + ".")]))
        }
        // Eligibility.
        content.append(.el("h2", [:], [.text("Who can take part")]))
        content.append(d.eligibility.rules.isEmpty ? .el("p", [:], [.text("No screening rules yet.")]) : .el("ul", ["class": "item-list"], d.eligibility.rules.map { rule in
            .el("li", [:], [.txt((rule.kind == .inclusion ? "Include: " : "Exclude: ") + rule.label)])
        }))
        // Schedule.
        content.append(.el("h2", [:], [.text("Measures")]))
        content.append(d.schedule.isEmpty ? .el("p", [:], [.text("No measures yet.")]) : .el("ul", ["class": "item-list"], d.schedule.map { m in
            .el("li", [:], [.txt((m.label ?? m.measureID) + " at " + m.timepoints.joined(separator: ", "))])
        }))
        // Consent.
        content.append(.el("h2", [:], [.text("Consent form versions")]))
        content.append(d.consentForms.isEmpty ? .el("p", [:], [.text("No consent form yet.")]) : .group(d.consentForms.map { form in
            .group([
                .el("h3", [:], [.txt("Version \(form.version), from \(form.effective)")]),
                .el("ul", ["class": "item-list"], form.items.map { item in
                    .el("li", [:], [.txt(item.statement), .text(item.required ? " (required)" : " (optional)")])
                }),
            ])
        }))
        // Staff.
        content.append(.el("h2", [:], [.text("Study staff")]))
        content.append(page.staff.isEmpty ? .el("p", [:], [.text("No staff yet.")]) : .el("div", ["class": "table-scroll"], [
            .el("table", ["class": "table"], [
                .el("thead", [:], [.el("tr", [:], [.el("th", ["scope": "col"], [.text("Name")]), .el("th", ["scope": "col"], [.text("Role")]),
                                                   .el("th", ["scope": "col"], [.text("Blinded")])])]),
                .el("tbody", [:], page.staff.map { row in
                    .el("tr", [:], [.el("td", [:], [.txt(row.name)]), .el("td", [:], [.txt(roleName(row.role))]),
                                    .el("td", [:], [.text(row.blinded ? "Yes" : "No")])])
                }),
            ]),
        ]))
        if page.mayManage {
            content.append(.el("p", [:], [.el("a", ["class": "button button--secondary", "href": SiteURL.studySetup(.value(page.id)).path],
                                              [.text(page.status == .setup ? "Set up the study, part by part" : "Change the study's set-up")])]))
            content.append(.el("div", ["class": "panel"], [
                .el("h2", [:], [.text("Add a member of staff")]),
                FormComponents.form(action: SiteURL.studyStaff(.value(page.id)).path, csrf: csrf, [
                    StudyFormParts.select(id: "user", label: "Member of staff",
                                          options: [("", "Choose…")] + page.staffCandidates.map { ($0.value, $0.label) },
                                          selected: state.staffForm.user, errors: state.staffErrors),
                    StudyFormParts.select(id: "studyRole", label: "Role on this study",
                                          options: [("", "Choose…")] + BlindedRole.allCases.map { ($0.rawValue, roleName($0)) },
                                          selected: state.staffForm.studyRole,
                                          hint: "Roles listed in the definition's blindedRoles never see arms or allocations.",
                                          errors: state.staffErrors),
                    FormComponents.submit("Add to study"),
                ]),
            ]))
            if !page.armGroups.isEmpty {
                content.append(.el("div", ["class": "panel"], [
                    .el("h2", [:], [.text("Groups for allocated participants")]),
                    .el("p", [:], [.text("People allocated to an arm are added to the group chosen for it. Leave it empty to add them by hand.")]),
                    FormComponents.form(action: SiteURL.studyArmGroups(.value(page.id)).path, csrf: csrf, page.armGroups.map { choice in
                        StudyFormParts.select(id: "arm-" + choice.arm, label: "Group for " + choice.armName,
                                              options: [("", "None")] + choice.groups.map { ($0.value, $0.label) },
                                              selected: choice.selected, errors: state.staffErrors)
                    } + [FormComponents.submit("Save groups")]),
                ]))
            }
            if page.status == .setup {
                content.append(.el("div", ["class": "panel"], [
                    .el("h2", [:], [.text("Open for recruitment")]),
                    .el("p", [:], [.text("Opening draws and records a new random allocation seed. Arms, design, randomisation and strata are then fixed.")]),
                    FormComponents.form(action: SiteURL.studyOpen(.value(page.id)).path, csrf: csrf, [FormComponents.submit("Open the study")]),
                ]))
            }
            if let text = page.definitionText {
                content.append(.el("h2", ["id": "advanced"], [.text("Advanced: edit the definition as JSON")]))
                content.append(FormComponents.form(action: SiteURL.studyDefinition(.value(page.id)).path, csrf: csrf, [
                    StudyFormParts.textarea(id: "definition", label: "Definition (JSON)", value: text, rows: 24,
                                            hint: "Each problem is listed above with its field, such as arms[1].ratio.", code: true,
                                            errors: state.definitionErrors),
                    FormComponents.submit("Save definition"),
                ]))
            }
        }
        let hasErrors = !state.definitionErrors.isEmpty || !state.staffErrors.isEmpty
        return Layout.page(title: d.title, viewer: viewer, csrf: csrf, hasErrors: hasErrors, content: content)
    }
}
