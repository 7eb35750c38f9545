import Fluent

/// Audit entries of data exports keep how many rows the export held (a count, never a value).
struct AddAuditRowCount: AsyncMigration {
    var name: String { "AddAuditRowCount" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema).field("row_count", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema).deleteField("row_count").update()
    }
}
