import Fluent
import SQLKit

/// Which account each signed-in session belongs to, so that all of one person's sessions can be ended
/// (after a password reset) without reading every session. Rows go when their session or account goes.
struct CreateSessionOwners: AsyncMigration {
    var name: String { "CreateSessionOwners" }

    func prepare(on database: any Database) async throws {
        try await database.schema("session_owners")
            .id()
            .field("created_at", .datetime)
            .field("session_key", .string, .required, .references("_fluent_sessions", "key", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .unique(on: "session_key", name: "session_owners_session_key_key")
            .create()
        try await (database as! any SQLDatabase)
            .create(index: "session_owners_user_id_idx")
            .on("session_owners")
            .column("user_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("session_owners").delete()
    }
}
