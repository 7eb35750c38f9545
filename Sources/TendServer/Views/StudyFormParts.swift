/// Form controls the study pages need beyond ``FormComponents``: a select, a text area and tick boxes,
/// each with its label, hint and error tied to it the same way.
enum StudyFormParts {
    private static func describedBy(_ id: String, hint: String?, error: String?) -> String? {
        let ids = [hint == nil ? nil : id + "-hint", error == nil ? nil : id + "-error"].compactMap { $0 }
        return ids.isEmpty ? nil : ids.joined(separator: " ")
    }

    private static func hintAndError(_ id: String, hint: String?, error: String?) -> [Markup] {
        [
            hint.map { Markup.el("p", ["class": "hint", "id": id + "-hint"], [.txt($0)]) } ?? .empty,
            error.map { message in
                Markup.el("p", ["class": "error-message", "id": id + "-error"], [
                    .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                ])
            } ?? .empty,
        ]
    }

    static func select(id: String, label: String, options: [(value: String, label: String)], selected: String?,
                       hint: String? = nil, errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            .group(hintAndError(id, hint: hint, error: error)),
            .el("select", ["class": error == nil ? "select" : "select select--error", "id": id, "name": id,
                           "aria-describedby": describedBy(id, hint: hint, error: error),
                           "aria-invalid": error == nil ? nil : "true"],
                options.map { option in
                    .el("option", ["value": option.value, "selected": option.value == selected ? "selected" : nil], [.txt(option.label)])
                }),
        ])
    }

    static func textarea(id: String, label: String, value: String, rows: Int = 4, hint: String? = nil, code: Bool = false,
                         errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        let classes = ["textarea", code ? "input--code" : nil, error == nil ? nil : "textarea--error"].compactMap { $0 }
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            .group(hintAndError(id, hint: hint, error: error)),
            .el("textarea", ["class": classes.joined(separator: " "), "id": id, "name": id, "rows": String(rows),
                             "spellcheck": code ? "false" : nil,
                             "aria-describedby": describedBy(id, hint: hint, error: error),
                             "aria-invalid": error == nil ? nil : "true"], [.text(value)]),
        ])
    }

    /// One tick box with its own label; `id` is also the field name and the error-summary target.
    static func checkbox(id: String, label: String, checked: Bool, hint: String? = nil, errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .group(hintAndError(id, hint: hint, error: error)),
            .el("div", ["class": "radio"], [
                .void("input", ["class": "radio__input", "type": "checkbox", "id": id, "name": id, "value": "yes",
                                "checked": checked ? "checked" : nil,
                                "aria-describedby": describedBy(id, hint: hint, error: error),
                                "aria-invalid": error == nil ? nil : "true"]),
                .el("label", ["class": "radio__label", "for": id], [.txt(label)]),
            ]),
        ])
    }

    static func hidden(_ name: String, _ value: String) -> Markup {
        .void("input", ["type": "hidden", "name": name, "value": value])
    }
}
