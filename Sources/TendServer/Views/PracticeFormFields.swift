import TendCore

/// The form controls the practice, diary and thought pages need beyond ``FormComponents``: whole-number
/// fields, a select, a text area and a single tick box, each with the same label, hint and error
/// wiring (`aria-describedby`, `aria-invalid`, the message beside the field).
enum PracticeFormFields {
    private struct Parts {
        var error: String?
        var describedBy: String?
        var hint: Markup
        var message: Markup
    }

    private static func parts(id: String, hint: String?, errors: FormErrors) -> Parts {
        let error = errors.message(for: id)
        let hintID = hint == nil ? nil : id + "-hint"
        let errorID = error == nil ? nil : id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        return Parts(
            error: error, describedBy: describedBy.isEmpty ? nil : describedBy,
            hint: hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty,
            message: error.map { message in
                Markup.el("p", ["class": "error-message", "id": errorID], [
                    .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                ])
            } ?? .empty)
    }

    private static func wrap(_ parts: Parts, _ children: [Markup]) -> Markup {
        .el("div", ["class": parts.error == nil ? "field" : "field field--error"], children)
    }

    /// A short field for a whole number (minutes, a 0–10 rating, doses); the typed text is kept as typed.
    static func number(id: String, label: String, value: String, hint: String?, errors: FormErrors) -> Markup {
        let p = parts(id: id, hint: hint, errors: errors)
        return wrap(p, [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            p.hint, p.message,
            .void("input", [
                "class": p.error == nil ? "input input--number" : "input input--number input--error",
                "id": id, "name": id, "type": "text", "inputmode": "numeric", "autocomplete": "off",
                "value": value.isEmpty ? nil : value,
                "aria-describedby": p.describedBy, "aria-invalid": p.error == nil ? nil : "true",
            ]),
        ])
    }

    /// A date picker (`YYYY-MM-DD`); browsers without one show a text field that takes the same format.
    static func date(id: String, label: String, value: String, hint: String?, max: String, errors: FormErrors) -> Markup {
        let p = parts(id: id, hint: hint, errors: errors)
        return wrap(p, [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            p.hint, p.message,
            .void("input", [
                "class": p.error == nil ? "input input--date" : "input input--date input--error",
                "id": id, "name": id, "type": "date", "max": max, "value": value.isEmpty ? nil : value,
                "aria-describedby": p.describedBy, "aria-invalid": p.error == nil ? nil : "true",
            ]),
        ])
    }

    struct Option: Sendable, Equatable {
        var value: String
        var label: String
    }

    static func select(id: String, label: String, options: [Option], selected: String, hint: String?, errors: FormErrors) -> Markup {
        let p = parts(id: id, hint: hint, errors: errors)
        return wrap(p, [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            p.hint, p.message,
            .el("select", ["class": p.error == nil ? "select" : "select select--error", "id": id, "name": id,
                           "aria-describedby": p.describedBy, "aria-invalid": p.error == nil ? nil : "true"],
                options.map { option in
                    .el("option", ["value": option.value, "selected": option.value == selected ? "selected" : nil], [.txt(option.label)])
                }),
        ])
    }

    static func textArea(id: String, label: String, value: String, hint: String?, rows: Int = 4, errors: FormErrors) -> Markup {
        let p = parts(id: id, hint: hint, errors: errors)
        return wrap(p, [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            p.hint, p.message,
            .el("textarea", ["class": p.error == nil ? "textarea" : "textarea textarea--error", "id": id, "name": id,
                             "rows": String(rows), "spellcheck": "true",
                             "aria-describedby": p.describedBy, "aria-invalid": p.error == nil ? nil : "true"], [.txt(value)]),
        ])
    }

    /// One tick box, sent as `yes` when ticked.
    static func checkbox(id: String, label: String, checked: Bool, hint: String?) -> Markup {
        let hintID = hint == nil ? nil : id + "-hint"
        return .el("div", ["class": "field"], [
            .el("div", ["class": "radio checkbox"], [
                .void("input", ["class": "radio__input", "id": id, "name": id, "type": "checkbox", "value": "yes",
                                "checked": checked ? "checked" : nil, "aria-describedby": hintID]),
                .el("label", ["class": "radio__label", "for": id], [.txt(label)]),
                hint.map { Markup.el("p", ["class": "hint radio__hint", "id": hintID], [.txt($0)]) } ?? .empty,
            ]),
        ])
    }

    /// TendCore's problems with a form, as one message per field in the page's words: the field's label,
    /// what was expected and what was given.
    static func errors(_ problems: FieldProblems, labels: [String: String]) -> FormErrors {
        var errors = FormErrors()
        for problem in problems.problems {
            let label = labels[problem.field] ?? problem.field
            switch problem.value {
            case "empty":
                errors.add(problem.field, "\(label): enter \(problem.expected).")
            case "nothing entered":
                errors.add(problem.field, "Nothing was entered yet: fill in \(problem.expected).")
            default:
                errors.add(problem.field, "\(label) needs to be \(problem.expected). You entered \(problem.value).")
            }
        }
        return errors
    }
}
