import Fluent
import SQLKit

/// Autosaved form drafts: one row per person and form, removed with the account.
struct CreateDrafts: AsyncMigration {
    var name: String { "CreateDrafts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(DraftModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("form_key", .string, .required)
            .field("fields_json", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", "form_key", name: "drafts_user_form_key")
            .create()
        // Expired drafts are swept by age.
        try await (database as! any SQLDatabase)
            .create(index: "drafts_updated_at_idx")
            .on(DraftModel.schema)
            .column("updated_at")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DraftModel.schema).delete()
    }
}
