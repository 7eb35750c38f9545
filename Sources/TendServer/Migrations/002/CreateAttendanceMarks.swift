import Fluent

struct CreateAttendanceMarks: AsyncMigration {
    var name: String { "CreateAttendanceMarks" }

    func prepare(on database: any Database) async throws {
        try await database.schema("attendance_marks")
            .id()
            .field("updated_at", .datetime)
            .field("session_position", .int, .required)
            .field("mark", .string, .required)
            .field("group_id", .uuid, .required, .references("delivery_groups", "id", onDelete: .cascade))
            .field("roster_member_id", .uuid, .required, .references("roster_members", "id", onDelete: .cascade))
            .field("recorded_by_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "roster_member_id", "session_position", name: "attendance_marks_member_session_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("attendance_marks").delete()
    }
}
