import Fluent

struct CreateInvitations: AsyncMigration {
    var name: String { "CreateInvitations" }

    func prepare(on database: any Database) async throws {
        try await database.schema("invitations")
            .id()
            .field("created_at", .datetime)
            .field("token_hash", .string, .required)
            .field("email", .string, .required)
            .field("role", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("invited_by_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "token_hash", name: "invitations_token_hash_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("invitations").delete()
    }
}
