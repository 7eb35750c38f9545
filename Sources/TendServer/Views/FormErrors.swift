/// One validation problem: the field's id (for the error summary link) and what to do about it.
struct FieldError: Sendable, Equatable {
    var field: String
    var message: String
}

/// The problems with one submitted form, in the order the fields appear on the page.
struct FormErrors: Sendable, Equatable {
    var items: [FieldError] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        guard self.message(for: field) == nil else { return }
        items.append(FieldError(field: field, message: message))
    }

    func message(for field: String) -> String? {
        items.first { $0.field == field }?.message
    }
}
