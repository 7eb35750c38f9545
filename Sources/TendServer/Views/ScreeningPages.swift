import Foundation
import TendCore

/// The screening log and one person's study record. People are shown by study code only. Arm names
/// reach these pages only through `allocation` text built for unblinded staff.
enum ScreeningPages {
    struct AddForm: Sendable, Equatable {
        var approachedOn: String = ""
    }

    struct LogRow: Sendable, Equatable {
        var code: String
        var approachedOn: String
        var stage: ScreeningStage
        var exitStage: ScreeningStage?
        var reason: String?
    }

    struct ConsentRow: Sendable, Equatable {
        var version: String
        var signedAt: Date
        var items: Int
    }

    struct Person {
        var studyID: UUID
        var studyTitle: String
        var code: String
        var approachedOn: String
        var stage: ScreeningStage
        var eligibility: EligibilityDecision.Status?
        var eligibilityReason: String?
        var agreed: Bool?
        var agreementReason: String?
        var consents: [ConsentRow]
        /// What staff may know of the allocation: when, how, and the arm only for unblinded staff.
        var allocation: String?
        var offerAfterFollowUp: Bool
        var groupID: UUID?
        var hasAccount: Bool
        var exitKind: ScreeningStage?
        var exitStage: ScreeningStage?
        var exitReason: String?
        var exitedOn: String?
        var mayScreen: Bool
        var allocationBlocker: String?
        var questions: [EligibilityQuestion]
        var factors: [StratificationFactor]
        var answers: [String: String]
        var strata: [String: String]
        var milestone: ScreeningStage?
        /// Tests, doses, reimbursements, the abstinence strip and the timeline link (``StaffRecordPages``).
        var staffRecords: Markup = .empty
        var staffRecordErrors = false
    }

    static func log(viewer: Viewer, studyID: UUID, title: String, rows: [LogRow], counts: [ScreeningStage: Int], filter: ScreeningStage?,
                    mayScreen: Bool, form: AddForm, errors: FormErrors, today: String, csrf: String?) -> String {
        let path = SiteURL.studyScreening(.value(studyID)).path
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.study(.value(studyID)).path], [.txt(title)])]),
            .el("h1", [:], [.text("Screening log")]),
            FormComponents.errorSummary(errors),
        ]
        if mayScreen {
            content.append(.el("div", ["class": "panel"], [
                .el("h2", [:], [.text("Add a person approached")]),
                .el("p", [:], [.text("They get the next study code. Do not record their name here.")]),
                FormComponents.form(action: path, csrf: csrf, [
                    FormComponents.textField(.init(id: "approachedOn", label: "Date approached", value: form.approachedOn.isEmpty ? today : form.approachedOn,
                                                   hint: "Year-month-day, like 2026-03-02."), errors: errors),
                    FormComponents.submit("Add to the log"),
                ]),
            ]))
        }
        content.append(.el("form", ["method": "get", "action": path], [
            StudyFormParts.select(id: "stage", label: "Show people at stage",
                                  options: [("", "Every stage (\(counts.values.reduce(0, +)))")]
                                    + ScreeningStage.allCases.map { ($0.rawValue, "\($0.label) (\(counts[$0] ?? 0))") },
                                  selected: filter?.rawValue, errors: FormErrors()),
            .el("button", ["type": "submit", "class": "button button--secondary"], [.text("Show")]),
        ]))
        if rows.isEmpty {
            content.append(.el("p", [:], [.text(filter == nil ? "Nobody has been added yet." : "Nobody is at this stage.")]))
        } else {
            content.append(.el("div", ["class": "table-scroll", "tabindex": "0", "role": "region", "aria-label": "Screening log"], [
                .el("table", ["class": "table"], [
                    .el("thead", [:], [.el("tr", [:], ["Study code", "Approached", "Stage", "Reason"].map { .el("th", ["scope": "col"], [.text($0)]) })]),
                    .el("tbody", [:], rows.map { row in
                        .el("tr", [:], [
                            .el("td", [:], [.el("a", ["href": SiteURL.studyPerson(.value(studyID), .value(row.code)).path], [.txt(row.code)])]),
                            .el("td", ["class": "nowrap"], [.txt(row.approachedOn)]),
                            .el("td", [:], [.txt(row.stage.label + (row.exitStage.map { " (after \($0.label.lowercased()))" } ?? ""))]),
                            .el("td", [:], [.txt(row.reason ?? "")]),
                        ])
                    }),
                ]),
            ]))
        }
        return Layout.page(title: "Screening log – " + title, viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: content)
    }

    static func person(viewer: Viewer, page: Person, state: ScreeningController.PersonState, csrf: String?) -> String {
        let action = { (a: StudyPersonAction) in SiteURL.studyPersonAction(.value(page.studyID), .value(page.code), a).path }
        var facts: [Markup] = [
            .el("dt", [:], [.text("Approached")]), .el("dd", [:], [.txt(page.approachedOn)]),
            .el("dt", [:], [.text("Stage")]), .el("dd", [:], [.txt(page.stage.label)]),
            .el("dt", [:], [.text("Eligibility")]), .el("dd", [:], [.txt(page.eligibilityReason ?? "Not recorded yet")]),
            .el("dt", [:], [.text("Agreed to take part")]),
            .el("dd", [:], [.txt(page.agreed.map { $0 ? "Yes" : "No" } ?? "Not recorded yet"), .txt(page.agreementReason.map { " – " + $0 } ?? "")]),
            .el("dt", [:], [.text("Account")]), .el("dd", [:], [.text(page.hasAccount ? "Created" : "Not yet")]),
            .el("dt", [:], [.text("Consent")]),
            .el("dd", [:], page.consents.isEmpty ? [.text("Not signed")] : [
                .txt(page.consents.map { "Version \($0.version), signed \(Layout.format($0.signedAt)) (\($0.items) statements agreed)" }.joined(separator: "; ")),
                page.mayScreen ? .group([.text(" – "), .el("a", ["href": SiteURL.studyConsentPDF(.value(page.studyID), .value(page.code)).path],
                                                               [.text("Download the signed consent (PDF)")])]) : .empty,
            ]),
            .el("dt", [:], [.text("Allocation")]), .el("dd", [:], [.txt(page.allocation ?? "Not allocated")]),
            .el("dt", [:], [.text("Outcomes")]),
            .el("dd", [:], [.el("a", ["href": SiteURL.studyPersonOutcomes(.value(page.studyID), .value(page.code)).path], [.text("Their outcomes over time")])]),
        ]
        if page.offerAfterFollowUp {
            facts += [.el("dt", [:], [.text("Programme offer")]), .el("dd", [:], [.text("Offer the programme after their last follow-up (waiting list)")])]
        }
        if let groupID = page.groupID {
            facts += [.el("dt", [:], [.text("Group")]), .el("dd", [:], [.el("a", ["href": SiteURL.group(.value(groupID)).path], [.text("Their group")])])]
        }
        if let exit = page.exitKind {
            facts += [.el("dt", [:], [.text(exit.label)]),
                      .el("dd", [:], [.txt("On \(page.exitedOn ?? ""), at stage \(page.exitStage?.label.lowercased() ?? ""): \(page.exitReason ?? "")")])]
        }
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [
                .el("a", ["href": SiteURL.study(.value(page.studyID)).path], [.txt(page.studyTitle)]), .text(" › "),
                .el("a", ["href": SiteURL.studyScreening(.value(page.studyID)).path], [.text("Screening log")]),
            ]),
            .el("h1", [:], [.txt(page.code)]),
        ]
        for errors in [state.eligibilityErrors, state.agreementErrors, state.allocateErrors, state.milestoneErrors, state.exitErrors] {
            content.append(FormComponents.errorSummary(errors))
        }
        if let link = state.createdLink {
            content.append(.el("div", ["class": "notice notice--success", "role": "status"], [
                .el("h2", [:], [.text("Invitation link created")]),
                .el("p", [:], [.text("Give this link to \(page.code) only. It works once and lasts 7 days:")]),
                .el("p", [:], [.el("a", ["href": link], [.txt(link)])]),
            ]))
        }
        content.append(.el("dl", ["class": "summary"], facts))
        content.append(page.staffRecords)
        guard page.mayScreen, page.exitKind == nil else {
            return Layout.page(title: page.code, viewer: viewer, csrf: csrf, hasErrors: page.staffRecordErrors, content: content)
        }
        // Eligibility.
        let given = state.eligibilityForm
        var eligibilityFields: [Markup] = page.questions.map { q in
            let id = "q-" + q.id
            let value = given?[id] ?? page.answers[q.id]
            switch q.answer.kind {
            case .yesNo:
                return FormComponents.radios(id: id, legend: q.label, choices: [.init(value: "yes", label: "Yes"), .init(value: "no", label: "No")],
                                             selected: value, errors: state.eligibilityErrors)
            case .number:
                return FormComponents.textField(.init(id: id, label: q.label, value: value), errors: state.eligibilityErrors)
            case .choice:
                return FormComponents.radios(id: id, legend: q.label, choices: (q.answer.choices ?? []).map { .init(value: $0, label: $0) },
                                             selected: value, errors: state.eligibilityErrors)
            }
        }
        eligibilityFields += page.factors.map { f in
            StudyFormParts.select(id: "s-" + f.id, label: f.label, options: [("", "Choose…")] + f.levels.map { ($0, $0) },
                                  selected: given?["s-" + f.id] ?? page.strata[f.id], errors: state.eligibilityErrors)
        }
        content.append(.el("h2", [:], [.text("Screening answers")]))
        content.append(FormComponents.form(action: action(.eligibility), csrf: csrf, eligibilityFields + [FormComponents.submit("Save answers and decide")]))
        // Agreement.
        if page.eligibility == .eligible {
            content.append(.el("h2", [:], [.text("Did they agree to take part?")]))
            content.append(FormComponents.form(action: action(.agreement), csrf: csrf, [
                FormComponents.radios(id: "agreed", legend: "Agreed to take part",
                                      choices: [.init(value: "yes", label: "Yes"), .init(value: "no", label: "No, they declined")],
                                      selected: state.agreementForm?["agreed"] ?? page.agreed.map { $0 ? "yes" : "no" }, errors: state.agreementErrors),
                FormComponents.textField(.init(id: "reason", label: "Reason given (if they declined)",
                                               value: state.agreementForm?["reason"] ?? page.agreementReason ?? ""), errors: state.agreementErrors),
                FormComponents.submit("Save"),
            ]))
        }
        if page.agreed == true && !page.hasAccount {
            content.append(.el("div", ["class": "panel"], [
                .el("h2", [:], [.text("Invite them to create an account")]),
                .el("p", [:], [.text("A single-use link, valid for 7 days, for them to create their account and sign the consent form.")]),
                FormComponents.form(action: action(.invitation), csrf: csrf, [FormComponents.submit("Create invitation link")]),
            ]))
        }
        if page.allocation == nil && !page.consents.isEmpty {
            content.append(.el("div", ["class": "panel"], [
                .el("h2", [:], [.text("Allocate")]),
                page.allocationBlocker.map { Markup.el("p", [:], [.txt($0)]) }
                    ?? .el("p", [:], [.text("They consented but were not allocated automatically. Allocation uses the next place in the concealed sequence.")]),
                FormComponents.form(action: action(.allocate), csrf: csrf, [
                    FormComponents.textField(.init(id: "note", label: "Why you are allocating by hand", value: state.allocateForm?["note"]),
                                             errors: state.allocateErrors),
                    FormComponents.submit("Allocate"),
                ]),
            ]))
        }
        if page.allocation != nil && page.milestone != .completed {
            content.append(.el("h2", [:], [.text("Progress")]))
            content.append(FormComponents.form(action: action(.milestone), csrf: csrf, [
                FormComponents.radios(id: "milestone", legend: "Stage reached",
                                      choices: [.init(value: ScreeningStage.baseline.rawValue, label: "Baseline done"),
                                                .init(value: ScreeningStage.completed.rawValue, label: "Completed")],
                                      selected: page.milestone?.rawValue, errors: state.milestoneErrors),
                FormComponents.submit("Record stage"),
            ]))
        }
        content.append(.el("h2", [:], [.text("Withdrawal or loss")]))
        content.append(FormComponents.form(action: action(.exit), csrf: csrf, [
            FormComponents.radios(id: "kind", legend: "What happened",
                                  choices: [.init(value: ScreeningStage.withdrawn.rawValue, label: "They withdrew"),
                                            .init(value: ScreeningStage.lost.rawValue, label: "Lost to follow-up")],
                                  selected: state.exitForm?["kind"], errors: state.exitErrors),
            FormComponents.textField(.init(id: "exitReason", label: "Reason", value: state.exitForm?["exitReason"],
                                           hint: "Keep it brief and factual."), errors: state.exitErrors),
            .el("button", ["type": "submit", "class": "button button--warning"], [.text("Record and close their record")]),
        ]))
        let hasErrors = [state.eligibilityErrors, state.agreementErrors, state.allocateErrors, state.milestoneErrors, state.exitErrors].contains { !$0.isEmpty }
            || page.staffRecordErrors
        return Layout.page(title: page.code, viewer: viewer, csrf: csrf, hasErrors: hasErrors, content: content)
    }
}
