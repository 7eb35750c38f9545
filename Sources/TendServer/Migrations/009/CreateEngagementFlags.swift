import Fluent

/// Each occurrence of an engagement flag, when it was first seen, cleared and acknowledged.
struct CreateEngagementFlags: AsyncMigration {
    var name: String { "CreateEngagementFlags" }

    func prepare(on database: any Database) async throws {
        try await database.schema(EngagementFlagModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("since", .string, .required)
            .field("occurrence", .int, .required)
            .field("detail", .string, .required)
            .field("first_seen_at", .datetime, .required)
            .field("cleared_at", .datetime)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("note", .string)
            .field("group_id", .uuid, .required, .references("delivery_groups", "id", onDelete: .cascade))
            .field("roster_member_id", .uuid, .required, .references("roster_members", "id", onDelete: .cascade))
            .unique(on: "roster_member_id", "kind", "since", "occurrence", name: "engagement_flags_occurrence_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EngagementFlagModel.schema).delete()
    }
}
