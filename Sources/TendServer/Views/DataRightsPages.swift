import Foundation

/// "My data" (`/my/data`) and the admins' list of deletion requests (`/admin/deletion-requests`).
enum DataRightsPages {
    struct DeletionForm: Sendable, Equatable {
        var note: String = ""
    }

    struct PendingRequest: Sendable, Equatable {
        var id: UUID
        var name: String
        var email: String
        var requestedAt: Date
        var note: String?
    }

    /// What the audit trail keeps after a deletion, said the same way to participants and admins.
    static let auditStatement = "The audit trail is kept, as the law requires: it records who did what and when (for example signing in, or a member of staff opening a record). Its entries hold only account numbers, roles and the kind of action, never names, e-mail addresses or anything you wrote. After the deletion they stay, pointing at an account marked as deleted."

    static func myData(viewer: Viewer, userID: UUID, pendingSince: Date?, form: DeletionForm, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "My data", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("My data")]),
            .el("p", ["class": "lead"], [.text("You can download everything Tend keeps about you, and ask for it to be deleted.")]),
            .el("section", ["aria-labelledby": "download-heading", "class": "panel"], [
                .el("h2", ["id": "download-heading"], [.text("Download your data")]),
                .el("p", [:], [.text("The spreadsheet file (CSV) opens in Excel, Numbers or LibreOffice: one row for each piece of information, with the section it belongs to and when it was recorded. The JSON file holds the same, for computer programs.")]),
                .el("ul", ["class": "plain-list"], [
                    .el("li", [:], [.el("a", ["href": SiteURL.myDataCSV.path, "download": ""], [.text("Download as a spreadsheet (CSV)")])]),
                    .el("li", [:], [.el("a", ["href": SiteURL.myDataJSON.path, "download": ""], [.text("Download as JSON")])]),
                ]),
                .el("h3", [:], [.text("What the files contain")]),
                .el("ul", [:], ParticipantDataExport.sections.map { section in Markup.el("li", [:], [.txt(section.summary)]) }),
            ]),
            .el("section", ["aria-labelledby": "delete-heading"], [
                .el("h2", ["id": "delete-heading"], [.text("Ask for your data to be deleted")]),
                pendingSince.map { date in
                    Markup.el("div", ["class": "notice notice--info", "role": "status"], [
                        .el("p", [:], [.txt("You asked for your data to be deleted on \(Layout.format(date)). An administrator will carry it out; you do not need to do anything else. Until then you can still sign in and download your data.")]),
                    ])
                } ?? deletionForm(userID: userID, form: form, errors: errors, csrf: csrf),
                .el("p", [:], [.text(auditStatement)]),
            ]),
        // Loaded after the request too: the script then forgets the form's copy kept on this device.
        ], scripts: [Autosave.script])
    }

    private static func deletionForm(userID: UUID, form: DeletionForm, errors: FormErrors, csrf: String) -> Markup {
        .group([
            .el("p", [:], [.text("An administrator will delete your group memberships, your attendance, your invitation and anything you have started typing, and remove your name and e-mail address from your account. After that you cannot sign in. This cannot be undone, so download your data first if you want to keep it.")]),
            Autosave.form(key: ParticipantDataController.deletionFormKey, action: SiteURL.myDeletionRequest.path, csrf: csrf, owner: userID, [
                Autosave.textArea(id: "note", label: "Anything you would like the team to know (optional)", value: form.note,
                                  hint: "For example, whether you would like someone to contact you first. This note is deleted with your data.",
                                  rows: 4, errors: errors),
                FormComponents.textField(.init(id: "password", label: "Your password", type: "password",
                                               hint: "To confirm it is you.", autocomplete: "current-password"), errors: errors),
                .el("button", ["type": "submit", "class": "button button--warning"], [.text("Ask for my data to be deleted")]),
            ]),
        ])
    }

    static func understoodFieldID(_ id: UUID) -> String { "understood-" + id.uuidString.lowercased() }

    static func adminRequests(viewer: Viewer, pending: [PendingRequest], carriedOut: Bool, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Deletion requests", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Deletion requests")]),
            carriedOut
                ? .el("div", ["class": "notice notice--success", "role": "status"], [.el("p", [:], [.text("The deletion was carried out.")])])
                : .empty,
            .el("p", [:], [.text("Participants ask for their data to be deleted on their My data page, confirming with their password. Carrying a request out deletes their group memberships, attendance, invitations and drafts, replaces their name and e-mail address, ends their sessions so they cannot sign in, and cannot be undone.")]),
            .el("p", [:], [.text(auditStatement)]),
            .el("h2", [:], [.text("Waiting to be carried out")]),
            pending.isEmpty
                ? .el("p", [:], [.text("There are no requests waiting.")])
                : .el("ul", ["class": "plain-list"], pending.map { request in pendingItem(request, errors: errors, csrf: csrf) }),
        ])
    }

    private static func pendingItem(_ request: PendingRequest, errors: FormErrors, csrf: String) -> Markup {
        let fieldID = understoodFieldID(request.id)
        let error = errors.message(for: fieldID)
        return .el("li", ["class": "panel"], [
            .el("h3", [:], [.txt(request.name)]),
            .el("p", [:], [.txt(request.email), .text(" · asked "), .txt(Layout.format(request.requestedAt))]),
            request.note.map { note in
                Markup.group([.el("p", ["class": "small"], [.text("Their note:")]), .el("blockquote", [:], [.txt(note)])])
            } ?? .empty,
            FormComponents.form(action: SiteURL.adminDeletionRequestCarryOut(.value(request.id)).path, csrf: csrf, [
                .el("div", ["class": error == nil ? "field" : "field field--error"], [
                    error.map { message in
                        Markup.el("p", ["class": "error-message", "id": fieldID + "-error"], [
                            .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                        ])
                    } ?? .empty,
                    .el("div", ["class": "radio"], [
                        .void("input", ["type": "checkbox", "class": "radio__input", "id": fieldID, "name": "understood", "value": "yes",
                                        "aria-describedby": error == nil ? nil : fieldID + "-error",
                                        "aria-invalid": error == nil ? nil : "true"]),
                        .el("label", ["class": "radio__label", "for": fieldID], [
                            .txt("I understand this deletes \(request.name)'s data and cannot be undone"),
                        ]),
                    ]),
                ]),
                .el("button", ["type": "submit", "class": "button button--warning"], [.text("Carry out the deletion")]),
            ]),
        ])
    }
}
