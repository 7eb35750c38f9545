import SQLKit

extension SQLRow {
    /// A nullable text column selected as `COALESCE(column, '')`: nil when empty. Both databases hand a
    /// plain `String` over directly, where an optional goes the long way through Codable, which shows
    /// when a page reads tens of thousands of rows.
    func nonEmptyText(_ column: String) throws -> String? {
        let value = try decode(column: column, as: String.self)
        return value.isEmpty ? nil : value
    }
}
