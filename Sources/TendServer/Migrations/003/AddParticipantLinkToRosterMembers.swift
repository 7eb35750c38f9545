import Fluent
import SQLKit

/// A roster member's participant account and their own delivery plan.
///
/// Every new column is nullable: a member has no account until they accept an invitation, and members of
/// a scheduled group follow the group's plan, so their plan columns stay empty. Added one column per
/// statement (SQLite alters a table one column at a time); the one-account-per-member rule is a unique
/// index, which both databases allow to hold many NULLs.
struct AddParticipantLinkToRosterMembers: AsyncMigration {
    var name: String { "AddParticipantLinkToRosterMembers" }

    static let columns = ["user_id", "joined_at", "plan_start_date", "plan_weekday", "plan_time_zone", "plan_first_module"]

    func prepare(on database: any Database) async throws {
        try await database.schema("roster_members")
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .update()
        try await database.schema("roster_members").field("joined_at", .datetime).update()
        try await database.schema("roster_members").field("plan_start_date", .string).update()
        try await database.schema("roster_members").field("plan_weekday", .int).update()
        try await database.schema("roster_members").field("plan_time_zone", .string).update()
        try await database.schema("roster_members").field("plan_first_module", .string).update()
        try await (database as! any SQLDatabase).create(index: "roster_members_user_key")
            .on("roster_members").column("user_id").unique().run()
    }

    /// PostgreSQL drops the columns. SQLite cannot drop a column that holds a foreign key (`user_id`);
    /// nothing in Tend reverts migrations, so a revert on SQLite stops there with SQLite's error.
    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "roster_members_user_key").run()
        for column in Self.columns.reversed() {
            try await database.schema("roster_members").deleteField(.string(column)).update()
        }
    }
}
