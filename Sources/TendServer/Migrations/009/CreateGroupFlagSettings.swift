import Fluent

/// Each group's own flag thresholds (at most one row per group).
struct CreateGroupFlagSettings: AsyncMigration {
    var name: String { "CreateGroupFlagSettings" }

    func prepare(on database: any Database) async throws {
        try await database.schema(GroupFlagSettingsModel.schema)
            .id()
            .field("updated_at", .datetime)
            .field("quiet_days", .int, .required)
            .field("rising_craving_entries", .int, .required)
            .field("dose_window_days", .int, .required)
            .field("dose_margin", .double, .required)
            .field("check_in_reply_hours", .int, .required)
            .field("group_id", .uuid, .required, .references("delivery_groups", "id", onDelete: .cascade))
            .unique(on: "group_id", name: "group_flag_settings_group_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GroupFlagSettingsModel.schema).delete()
    }
}
