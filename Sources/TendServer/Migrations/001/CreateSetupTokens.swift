import Fluent

struct CreateSetupTokens: AsyncMigration {
    var name: String { "CreateSetupTokens" }

    func prepare(on database: any Database) async throws {
        try await database.schema("setup_tokens")
            .id()
            .field("created_at", .datetime)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash", name: "setup_tokens_token_hash_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("setup_tokens").delete()
    }
}
