import Foundation

/// The problems found in one submitted form, each naming the form field, what was given and what was
/// expected, in the order the fields appear. The server re-renders the form with these beside the fields
/// and everything typed kept.
public struct FieldProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public private(set) var problems: [InputError] = []

    public init() {}

    public var isEmpty: Bool { problems.isEmpty }

    public mutating func add(_ field: String, value: String, expected: String) {
        problems.append(InputError(field: field, value: value, expected: expected))
    }

    /// The first problem with `field`, if any.
    public func problem(for field: String) -> InputError? { problems.first { $0.field == field } }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Shared readers of form values: trimmed text, whole numbers in a range, dates not in the future.
enum FieldReader {
    /// Free text is kept to this length; longer text is refused (never cut silently).
    static let maximumNoteLength = 4000

    static func optionalText(_ raw: String?) -> String? {
        guard let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    static func integer(_ raw: String?, field: String, range: ClosedRange<Int>, required: Bool,
                        into problems: inout FieldProblems) -> Int? {
        guard let text = optionalText(raw) else {
            if required { problems.add(field, value: "empty", expected: "a whole number from \(range.lowerBound) to \(range.upperBound)") }
            return nil
        }
        guard let value = Int(text), range.contains(value) else {
            problems.add(field, value: "“\(text)”", expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    static func date(_ raw: String?, field: String, today: LocalDate, daysBack: Int, into problems: inout FieldProblems) -> LocalDate? {
        guard let text = optionalText(raw) else { return today }
        guard let date = LocalDate(text) else {
            problems.add(field, value: "“\(text)”", expected: "a date written YYYY-MM-DD")
            return nil
        }
        if date > today {
            problems.add(field, value: text, expected: "today (\(today)) or an earlier day")
            return nil
        }
        if date < today.adding(days: -daysBack) {
            problems.add(field, value: text, expected: "a day in the last \(daysBack) days")
            return nil
        }
        return date
    }

    static func text(_ raw: String?, field: String, required: Bool, into problems: inout FieldProblems) -> String? {
        let text = optionalText(raw)
        if text == nil, required { problems.add(field, value: "empty", expected: "a few words") }
        if let text, text.count > maximumNoteLength {
            problems.add(field, value: "\(text.count) characters", expected: "at most \(maximumNoteLength) characters")
            return nil
        }
        return text
    }
}
