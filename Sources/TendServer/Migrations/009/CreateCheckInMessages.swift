import Fluent
import SQLKit

/// Check-in messages between a roster member and their group's staff.
struct CreateCheckInMessages: AsyncMigration {
    var name: String { "CreateCheckInMessages" }

    func prepare(on database: any Database) async throws {
        try await database.schema(CheckInMessageModel.schema)
            .id()
            .field("sent_at", .datetime, .required)
            .field("author", .string, .required)
            .field("body", .string, .required)
            .field("read_at", .datetime)
            .field("group_id", .uuid, .required, .references("delivery_groups", "id", onDelete: .cascade))
            .field("roster_member_id", .uuid, .required, .references("roster_members", "id", onDelete: .cascade))
            .field("author_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()
        // A conversation is read by member in time order; the group list counts by group.
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX check_in_messages_member ON check_in_messages (roster_member_id, sent_at)").run()
        try await sql.raw("CREATE INDEX check_in_messages_group ON check_in_messages (group_id, sent_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CheckInMessageModel.schema).delete()
    }
}
