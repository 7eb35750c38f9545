import Fluent
import SQLKit

struct CreatePasswordResets: AsyncMigration {
    var name: String { "CreatePasswordResets" }

    func prepare(on database: any Database) async throws {
        try await database.schema("password_resets")
            .id()
            .field("created_at", .datetime)
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("issued_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash", name: "password_resets_token_hash_key")
            .create()
        try await (database as! any SQLDatabase)
            .create(index: "password_resets_user_id_idx")
            .on("password_resets")
            .column("user_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_resets").delete()
    }
}
