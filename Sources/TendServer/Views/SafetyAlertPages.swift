import Foundation

/// A group's open safety alerts, each with the form to acknowledge it with a note.
enum SafetyAlertPages {
    struct Row: Sendable, Equatable {
        var id: UUID
        var member: String
        var studyCode: String
        var what: String
        var detail: String
        var timepoint: String
        var raisedAt: Date
        var escalated: Bool
        /// The note as typed, kept when it was rejected.
        var note: String
    }

    static func noteField(_ id: UUID) -> String { "note-" + id.uuidString.lowercased() }

    static func list(viewer: Viewer, groupID: UUID, groupName: String, rows: [Row], errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Safety alerts – \(groupName)", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("p", [:], [.el("a", ["href": SiteURL.group(.value(groupID)).path], [.text("Back to "), .txt(groupName)])]),
            .el("h1", [:], [.text("Safety alerts")]),
            .el("p", ["class": "lead"], [.txt(groupName)]),
            .el("p", [:], [.text("Questionnaire answers of members of this group that need a clinician to look at them today. Contact the person as your service's safety plan says, then acknowledge the alert with a note of what was done. Alerts not acknowledged in time are escalated to the administrators.")]),
            rows.isEmpty
                ? .el("p", [:], [.text("There are no open alerts.")])
                : .el("ul", ["class": "plain-list"], rows.map { row in item(row, groupID: groupID, errors: errors, csrf: csrf) }),
        ])
    }

    private static func item(_ row: Row, groupID: UUID, errors: FormErrors, csrf: String) -> Markup {
        let field = noteField(row.id)
        let error = errors.message(for: field)
        let headingID = "alert-" + row.id.uuidString.lowercased()
        return .el("li", ["class": "panel"], [
            .el("h2", ["id": headingID], [.txt(row.member), .text(" ("), .txt(row.studyCode), .text("): "), .txt(row.what)]),
            row.escalated ? .el("p", [:], [.el("strong", [:], [.text("Escalated: not acknowledged in time.")])]) : .empty,
            .el("p", [:], [.txt(row.detail)]),
            .el("p", ["class": "small"], [.txt("Timepoint \(row.timepoint); raised \(Layout.format(row.raisedAt)).")]),
            FormComponents.form(action: SiteURL.groupAlertAcknowledge(.value(groupID), .value(row.id)).path, csrf: csrf, [
                .el("div", ["class": error == nil ? "field" : "field field--error"], [
                    .el("label", ["class": "label", "for": field], [.text("Note: what was done")]),
                    .el("p", ["class": "hint", "id": field + "-hint"], [.text("Kept with the alert for the clinical team. Required.")]),
                    error.map { message in
                        Markup.el("p", ["class": "error-message", "id": field + "-error"], [
                            .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                        ])
                    } ?? .empty,
                    .el("textarea", ["class": error == nil ? "textarea" : "textarea textarea--error", "id": field, "name": "note",
                                     "rows": "3",
                                     "aria-describedby": error == nil ? field + "-hint" : field + "-hint " + field + "-error",
                                     "aria-invalid": error == nil ? nil : "true"], [.txt(row.note)]),
                ]),
                FormComponents.submit("Acknowledge this alert"),
            ]),
        ])
    }
}
