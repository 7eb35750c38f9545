import Fluent

struct CreateRosterMembers: AsyncMigration {
    var name: String { "CreateRosterMembers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("roster_members")
            .id()
            .field("created_at", .datetime)
            .field("display_name", .string, .required)
            .field("study_code", .string, .required)
            .field("group_id", .uuid, .required, .references("delivery_groups", "id", onDelete: .cascade))
            .unique(on: "group_id", "study_code", name: "roster_members_group_study_code_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("roster_members").delete()
    }
}
