/// Input a statistical routine cannot work with: the offending field (for example `table[2][1]` or
/// `SD of pre`), the value found, and what was expected.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var expected: String

    public init(field: String, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(field) is \(value); expected \(expected)" }
}
