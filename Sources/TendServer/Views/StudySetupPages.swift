import Foundation
import TendCore

/// The structured study editor's pages: an overview of the set-up parts with what still stops the
/// study opening, and one page per part with its items and a small form. Arms are shown only to
/// staff who see arms.
enum StudySetupPages {
    static let problemsID = "setup-problems"

    struct Overview {
        var id: UUID
        var definition: StudyDefinition
        var status: StudyModel.Status
        var seesArms: Bool
        var problems: [InputError]
    }

    struct Item {
        var summary: String
        /// Why the item cannot be changed (a consent version in use, arms once recruiting), or nil.
        var locked: String?
    }

    struct PartPage {
        var id: UUID
        var definition: StudyDefinition
        var part: StudySetupPart
        var items: [Item]
        /// The item the form changes; nil for a new item (or a part with one form).
        var item: Int?
        /// The form's groups and values, or nil when nothing may be changed here.
        var groups: [SetupGroup]?
        var values: [String: String]
        var errors = FormErrors()
        /// Problems that belong to no single field (such as a rule for a recruiting study).
        var general: [String] = []
        var notice: String?
        /// Shown above the items: why the part cannot change now.
        var lockedNote: String?
        var mayRemove: Bool = false
    }

    static func breadcrumb(_ id: UUID, _ d: StudyDefinition, part: StudySetupPart? = nil) -> Markup {
        .el("p", ["class": "breadcrumb"], [
            .el("a", ["href": SiteURL.studies.path], [.text("Studies")]), .text(" › "),
            .el("a", ["href": SiteURL.study(.value(id)).path], [.txt(d.title)]),
            part == nil ? .empty : .group([.text(" › "), .el("a", ["href": SiteURL.studySetup(.value(id)).path], [.text("Set-up")])]),
        ])
    }

    static func overview(viewer: Viewer, page: Overview, csrf: String?) -> String {
        let d = page.definition
        let parts = StudySetupPart.allCases.filter { !$0.showsArms || page.seesArms }
        var content: [Markup] = [
            breadcrumb(page.id, d),
            .el("h1", [:], [.text("Set up the study")]),
            .el("p", ["class": "lead"], [.txt(d.title)]),
            .el("p", [:], [.text("Each part has its own page and is saved on its own. You can come back to any part until the study opens.")]),
        ]
        if page.problems.isEmpty {
            content.append(.el("div", ["class": "notice notice--success"], [
                .el("p", [:], [.text(page.status == .setup ? "Nothing stops the study opening: the study is ready to open from its page."
                                                           : "The study is open for recruitment.")]),
            ]))
        } else {
            content.append(.el("div", ["class": "notice notice--warning", "id": "problems"], [
                .el("h2", [:], [.text("Still to do before the study can open")]),
                .el("ul", ["class": "plain-list"], page.problems.map { problem in
                    .el("li", [:], [.el("code", [:], [.txt(problem.field)]), .text(": "),
                                    .txt("found \(problem.value); expected \(problem.expected)")])
                }),
            ]))
        }
        content.append(.el("h2", [:], [.text("Parts")]))
        content.append(.el("ul", ["class": "setup-parts"], parts.map { part in
            let count = StudySetupEditor.itemCount(part, in: d)
            return .el("li", [:], [
                .el("h3", [:], [.el("a", ["href": SiteURL.studySetupPart(.value(page.id), part).path], [.txt(part.title)])]),
                .el("p", [:], [.txt(part.purpose)]),
                part.isList ? .el("p", ["class": "hint"], [.txt(count == 0 ? "None yet." : "\(count) so far.")]) : .empty,
            ])
        }))
        content.append(.el("p", [:], [
            .text("Prefer to write the whole definition as JSON? The "),
            .el("a", ["href": SiteURL.study(.value(page.id)).path + "#advanced"], [.text("advanced editor")]),
            .text(" is on the study's page."),
        ]))
        return Layout.page(title: "Set up " + d.title, viewer: viewer, csrf: csrf, content: content)
    }

    static func field(_ f: SetupField, values: [String: String], errors: FormErrors) -> Markup {
        let value = values[f.id] ?? ""
        switch f.kind {
        case .text: return FormComponents.textField(.init(id: f.id, label: f.label, value: value, hint: f.hint), errors: errors)
        case .number:
            return FormComponents.textField(.init(id: f.id, label: f.label, value: value, hint: f.hint, spellcheck: false), errors: errors)
        case .date: return FormComponents.textField(.init(id: f.id, label: f.label, type: "date", value: value, hint: f.hint), errors: errors)
        case .textarea(let rows):
            return StudyFormParts.textarea(id: f.id, label: f.label, value: value, rows: rows, hint: f.hint, errors: errors)
        case .select(let options):
            return StudyFormParts.select(id: f.id, label: f.label, options: options.map { ($0.value, $0.label) }, selected: value,
                                         hint: f.hint, errors: errors)
        case .radios(let options):
            return FormComponents.radios(id: f.id, legend: f.label, choices: options.map { FormComponents.Choice(value: $0.value, label: $0.label) },
                                         selected: value, hint: f.hint, errors: errors)
        case .checkbox:
            return StudyFormParts.checkbox(id: f.id, label: f.label, checked: value == StudySetupEditor.yes, hint: f.hint, errors: errors)
        }
    }

    static func group(_ g: SetupGroup, values: [String: String], errors: FormErrors, index: Int) -> Markup {
        let fields = g.fields.map { field($0, values: values, errors: errors) }
        guard let legend = g.legend else { return .group(fields) }
        let hintID = "group-\(index)-hint"
        // A group of tick boxes alone (a measure's timepoints) lays them side by side.
        let grid = g.fields.allSatisfy { if case .checkbox = $0.kind { return true } else { return false } } && g.fields.count > 1
        return .el("fieldset", ["class": grid ? "fieldset setup-group setup-grid" : "fieldset setup-group",
                                "aria-describedby": g.hint == nil ? nil : hintID], [
            .el("legend", ["class": "label"], [.txt(legend)]),
            g.hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty,
            .group(fields),
        ])
    }

    static func part(viewer: Viewer, page: PartPage, csrf: String?) -> String {
        let d = page.definition
        let part = page.part
        let id = page.id
        var content: [Markup] = [
            breadcrumb(id, d, part: part),
            .el("h1", [:], [.txt(part.title)]),
            page.notice.map { Markup.el("div", ["class": "notice notice--success", "role": "status"], [.el("p", [:], [.txt($0)])]) } ?? .empty,
            FormComponents.errorSummary(page.errors),
            .el("p", [:], [.txt(part.purpose)]),
            page.lockedNote.map { Markup.el("p", ["class": "notice notice--info"], [.txt($0)]) } ?? .empty,
        ]
        // On one item's page only its form shows; the list is one link away.
        if part.isList && page.item == nil {
            content.append(.el("h2", [:], [.txt(page.items.isEmpty ? "None yet" : "So far")]))
            if !page.items.isEmpty {
                content.append(.el("ol", ["class": "item-list"], page.items.enumerated().map { index, item in
                    .el("li", [:], [
                        .txt(item.summary), .text(" "),
                        item.locked == nil
                            ? .el("a", ["href": SiteURL.studySetupItem(.value(id), part, .value(index)).path], [
                                .text("Change"), .el("span", ["class": "visually-hidden"], [.txt(" \(part.itemName) \(index + 1)")]),
                            ])
                            : .el("span", ["class": "hint"], [.txt("(" + item.locked! + ")")]),
                    ])
                }))
            }
        }
        if let groups = page.groups {
            let action = page.item.map { SiteURL.studySetupItem(.value(id), part, .value($0)).path } ?? SiteURL.studySetupPart(.value(id), part).path
            let heading: String
            if !part.isList { heading = "Change " + part.title.lowercased() }
            else if let item = page.item { heading = "Change \(part.itemName) \(item + 1)" }
            else { heading = "Add a\("aeiou".contains(part.itemName.first!) ? "n" : "") \(part.itemName)" }
            var form: [Markup] = []
            if !page.general.isEmpty {
                form.append(.el("div", ["class": "field field--error", "id": problemsID, "tabindex": "-1"], [
                    .el("p", ["class": "error-message"], [.el("span", ["class": "visually-hidden"], [.text("Error: ")]),
                                                          .text("This change cannot be saved:")]),
                    .el("ul", ["class": "plain-list"], page.general.map { .el("li", [:], [.txt($0)]) }),
                ]))
            }
            if part == .consent { form.append(StudyFormParts.hidden("rows", String(StudySetupEditor.consentRows(page.values)))) }
            if part == .schedule && d.timepoints.isEmpty {
                form.append(.el("p", [:], [.text("Add timepoints first: "),
                                           .el("a", ["href": SiteURL.studySetupPart(.value(id), .timepoints).path], [.text("timepoints")]), .text(".")]))
            }
            form += groups.enumerated().map { group($1, values: page.values, errors: page.errors, index: $0) }
            form.append(.el("div", ["class": "button-row"], [
                FormComponents.submit(page.item == nil && part.isList ? "Add \(part.itemName)" : "Save"),
                .el("a", ["class": "button button--quiet", "href": SiteURL.studySetup(.value(id)).path], [.text("Back to set-up")]),
            ]))
            content.append(.el("div", ["class": "panel", "id": "edit"], [
                .el("h2", [:], [.txt(heading)]),
                FormComponents.form(action: action, csrf: csrf, form),
            ]))
            if page.mayRemove, let item = page.item {
                content.append(.el("div", ["class": "panel"], [
                    .el("h2", [:], [.txt("Remove \(part.itemName) \(item + 1)")]),
                    FormComponents.form(action: SiteURL.studySetupItemRemove(.value(id), part, .value(item)).path, csrf: csrf, [
                        .el("button", ["type": "submit", "class": "button button--warning"], [.txt("Remove this \(part.itemName)")]),
                    ]),
                ]))
            }
        } else if !page.general.isEmpty {
            content.append(.el("div", ["class": "notice notice--warning", "id": problemsID, "tabindex": "-1"], [
                .el("ul", ["class": "plain-list"], page.general.map { .el("li", [:], [.txt($0)]) }),
            ]))
        }
        if page.groups == nil || page.item != nil {
            content.append(.el("p", [:], [.el("a", ["href": page.item == nil ? SiteURL.studySetup(.value(id)).path
                                                        : SiteURL.studySetupPart(.value(id), part).path],
                                              [.txt(page.item == nil ? "Back to set-up" : "Back to " + part.title.lowercased())])]))
        }
        return Layout.page(title: part.title + " – " + d.title, viewer: viewer, csrf: csrf, hasErrors: !page.errors.isEmpty, content: content)
    }
}
