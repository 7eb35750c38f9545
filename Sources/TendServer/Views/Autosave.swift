import Foundation
import Vapor

/// Forms opt in to autosave with ``form(key:action:csrf:owner:_:)`` and list ``script`` in
/// `Layout.page(..., scripts:)`. Without JavaScript the form is an ordinary form (a validation error still
/// re-renders it with everything typed kept); with it, `autosave.js` keeps the fields on the device and
/// posts them to `/my/drafts/KEY` every few seconds while they change. Password fields are never saved.
enum Autosave {
    /// The script to include on a page with an autosaving form.
    static var script: String { SiteURL.autosaveScript.path }

    /// A short, stable tag of the signed-in person, so that a local copy saved on a shared device is only
    /// ever restored into the same person's form. Not secret and not reversible.
    static func owner(_ userID: UUID?) -> String {
        guard let userID else { return "" }
        return String(SecretToken.digest("tend-draft-owner:" + userID.uuidString.lowercased()).prefix(16))
    }

    /// A POST form (CSRF field first, `novalidate` so our own messages show) that autosaves under `key`,
    /// with the quiet status line at its end.
    static func form(key: String, action: String, csrf: String?, owner: UUID?, _ children: [Markup]) -> Markup {
        .el("form", [
            "method": "post",
            "action": action,
            "novalidate": "novalidate",
            "data-autosave": key,
            "data-autosave-url": SiteURL.myDraft(.value(key)).path,
            "data-autosave-owner": Self.owner(owner),
        ], [Layout.csrfInput(csrf)] + children + [status])
    }

    /// Where `autosave.js` says, politely, whether the text is saved. Empty until the script writes to it.
    static let status: Markup = .el("p", ["class": "autosave-status", "data-autosave-status": "", "role": "status", "aria-live": "polite"], [])

    /// A text area in the same pattern as ``FormComponents/textField(_:errors:)``.
    static func textArea(id: String, label: String, value: String?, hint: String? = nil, rows: Int = 5, errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        let hintID = hint == nil ? nil : id + "-hint"
        let errorID = error == nil ? nil : id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty,
            error.map { message in
                Markup.el("p", ["class": "error-message", "id": errorID], [
                    .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                ])
            } ?? .empty,
            .el("textarea", [
                "class": error == nil ? "textarea" : "textarea textarea--error",
                "id": id, "name": id, "rows": String(rows),
                "aria-describedby": describedBy.isEmpty ? nil : describedBy,
                "aria-invalid": error == nil ? nil : "true",
            ], [.text(value ?? "")]),
        ])
    }
}
