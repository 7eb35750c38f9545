
/// Form controls in the GOV.UK pattern, with our own markup: a label tied to the input, the hint and
/// the error message referenced from `aria-describedby`, `aria-invalid` on a field in error, and an
/// error summary at the top whose links move focus to the fields.
enum FormComponents {
    struct TextField {
        var id: String
        var label: String
        var type: String = "text"
        var value: String? = nil
        var hint: String? = nil
        var autocomplete: String? = nil
        var spellcheck: Bool? = nil
    }

    static func errorSummary(_ errors: FormErrors) -> Markup {
        guard !errors.isEmpty else { return .empty }
        return .el("div", ["class": "error-summary", "role": "alert", "aria-labelledby": "error-summary-title", "tabindex": "-1"], [
            .el("h2", ["class": "error-summary__title", "id": "error-summary-title"], [.text("There is a problem")]),
            .el("ul", ["class": "error-summary__list"], errors.items.map { item in
                .el("li", [:], [.el("a", ["href": "#" + item.field], [.txt(item.message)])])
            }),
        ])
    }

    static func textField(_ field: TextField, errors: FormErrors) -> Markup {
        let error = errors.message(for: field.id)
        let hintID = field.hint == nil ? nil : field.id + "-hint"
        let errorID = error == nil ? nil : field.id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": field.id], [.txt(field.label)]),
            field.hint.map { hint in Markup.el("p", ["class": "hint", "id": hintID], [.txt(hint)]) } ?? .empty,
            error.map { message in
                Markup.el("p", ["class": "error-message", "id": errorID], [
                    .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                ])
            } ?? .empty,
            .void("input", [
                "class": error == nil ? "input" : "input input--error",
                "id": field.id,
                "name": field.id,
                "type": field.type,
                // Passwords are never sent back to the browser.
                "value": field.type == "password" ? nil : (field.value?.isEmpty == false ? field.value : nil),
                "autocomplete": field.autocomplete,
                "spellcheck": field.spellcheck.map { $0 ? "true" : "false" },
                "aria-describedby": describedBy.isEmpty ? nil : describedBy,
                "aria-invalid": error == nil ? nil : "true",
            ]),
        ])
    }

    struct Choice {
        var value: String
        var label: String
        var hint: String? = nil
    }

    /// Radio buttons in a fieldset; the first radio's id is the field id (for the summary link).
    static func radios(id: String, legend: String, choices: [Choice], selected: String?, hint: String? = nil, errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        let hintID = hint == nil ? nil : id + "-hint"
        let errorID = error == nil ? nil : id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("fieldset", ["class": "fieldset", "aria-describedby": describedBy.isEmpty ? nil : describedBy], [
                .el("legend", ["class": "label"], [.txt(legend)]),
                hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty,
                error.map { message in
                    Markup.el("p", ["class": "error-message", "id": errorID], [
                        .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                    ])
                } ?? .empty,
                .el("div", ["class": "radios"], choices.enumerated().map { index, choice in
                    let inputID = index == 0 ? id : "\(id)-\(index + 1)"
                    let choiceHintID = choice.hint == nil ? nil : inputID + "-hint"
                    return .el("div", ["class": "radio"], [
                        .void("input", [
                            "class": "radio__input", "id": inputID, "name": id, "type": "radio", "value": choice.value,
                            "checked": selected == choice.value ? "checked" : nil,
                            "aria-describedby": choiceHintID,
                        ]),
                        .el("label", ["class": "radio__label", "for": inputID], [.txt(choice.label)]),
                        choice.hint.map { Markup.el("p", ["class": "hint radio__hint", "id": choiceHintID], [.txt($0)]) } ?? .empty,
                    ])
                }),
            ]),
        ])
    }

    static func submit(_ title: String) -> Markup {
        .el("button", ["type": "submit", "class": "button"], [.txt(title)])
    }

    /// A form posting to `action` with the CSRF field first. `novalidate` so our own messages show.
    static func form(action: String, csrf: String?, _ children: [Markup]) -> Markup {
        .el("form", ["method": "post", "action": action, "novalidate": "novalidate"], [Layout.csrfInput(csrf)] + children)
    }
}
