import Fluent

struct CreateMediaItems: AsyncMigration {
    var name: String { "CreateMediaItems" }

    func prepare(on database: any Database) async throws {
        try await database.schema("media_items")
            .id()
            .field("created_at", .datetime)
            .field("title", .string, .required)
            .field("kind", .string, .required)
            .field("format", .string, .required)
            .field("content_type", .string, .required)
            .field("byte_count", .int64, .required)
            .field("sha256", .string, .required)
            .field("storage_key", .string, .required)
            .field("programme_id", .string, .required)
            .field("exercise_id", .string, .required)
            .field("transcript", .string)
            .field("uploaded_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .unique(on: "storage_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("media_items").delete()
    }
}
