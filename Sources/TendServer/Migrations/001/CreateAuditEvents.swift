import Fluent
import SQLKit

struct CreateAuditEvents: AsyncMigration {
    var name: String { "CreateAuditEvents" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("occurred_at", .datetime, .required)
            .field("action", .string, .required)
            .field("actor_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("actor_role", .string)
            .field("subject_kind", .string)
            .field("subject_id", .uuid)
            .create()
        // Standard SQL, identical on SQLite and PostgreSQL: the trail is read newest first.
        try await (database as! any SQLDatabase)
            .create(index: "audit_events_occurred_at_idx")
            .on("audit_events")
            .column("occurred_at")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
