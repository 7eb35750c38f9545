import Fluent
import SQLKit

/// The delivery outbox: one row per e-mail or webhook message, claimed by workers with row locks.
struct CreateOutboxItems: AsyncMigration {
    var name: String { "CreateOutboxItems" }

    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxItemModel.schema)
            .id()
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("dedupe_key", .string, .required)
            .field("due_at", .datetime, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claimed_at", .datetime)
            .field("sent_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "dedupe_key", name: "outbox_items_dedupe_key")
            .create()
        // Workers look for `status = 'pending' AND next_attempt_at <= now` in due order; the claim-timeout
        // sweep looks for `status = 'claimed' AND claimed_at < cutoff`.
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX outbox_items_due ON outbox_items (status, next_attempt_at)").run()
        try await sql.raw("CREATE INDEX outbox_items_claimed ON outbox_items (status, claimed_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxItemModel.schema).delete()
    }
}
