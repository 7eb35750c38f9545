import Fluent
import SQLKit

/// Each participant's reminder choices, and the in-app notifications list.
struct CreateReminderPreferences: AsyncMigration {
    var name: String { "CreateReminderPreferences" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ReminderPreferenceModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("weekdays", .string, .required)
            .field("practice_time", .string, .required)
            .field("time_zone", .string, .required)
            .field("quiet_start", .string)
            .field("quiet_end", .string)
            .field("meeting_leads", .string, .required)
            .field("releases", .bool, .required)
            .field("by_email", .bool, .required)
            .field("by_sms", .bool, .required)
            .field("phone", .string)
            .field("unsubscribe_secret", .string, .required)
            .field("calendar_token", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", name: "reminder_preferences_user_id_key")
            .unique(on: "calendar_token", name: "reminder_preferences_calendar_token_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReminderPreferenceModel.schema).delete()
    }
}

struct CreateNotifications: AsyncMigration {
    var name: String { "CreateNotifications" }

    func prepare(on database: any Database) async throws {
        try await database.schema(NotificationModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("link", .string)
            .field("dedupe_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "dedupe_key", name: "notifications_dedupe_key")
            .create()
        // The list and the unread count look for one person's notifications shown by now.
        try await (database as! any SQLDatabase).raw("CREATE INDEX notifications_user ON notifications (user_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NotificationModel.schema).delete()
    }
}

/// Where an e-mail's one-click unsubscribe link is kept until it is sent (`List-Unsubscribe`).
struct AddListUnsubscribeToOutboxItems: AsyncMigration {
    var name: String { "AddListUnsubscribeToOutboxItems" }

    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxItemModel.schema).field("list_unsubscribe", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxItemModel.schema).deleteField("list_unsubscribe").update()
    }
}
