import Fluent

struct CreateGroups: AsyncMigration {
    var name: String { "CreateGroups" }

    func prepare(on database: any Database) async throws {
        try await database.schema("delivery_groups")
            .id()
            .field("created_at", .datetime)
            .field("name", .string, .required)
            .field("programme_id", .string, .required)
            .field("version_id", .string, .required)
            .field("start_date", .string, .required)
            .field("weekday", .int, .required)
            .field("start_time", .string, .required)
            .field("time_zone", .string, .required)
            .field("call_link", .string, .required)
            .field("facilitator_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("delivery_groups").delete()
    }
}
