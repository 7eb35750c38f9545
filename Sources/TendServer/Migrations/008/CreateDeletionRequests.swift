import Fluent
import SQLKit

/// Participants' requests to delete their data, and who carried each out.
struct CreateDeletionRequests: AsyncMigration {
    var name: String { "CreateDeletionRequests" }

    func prepare(on database: any Database) async throws {
        try await database.schema(DeletionRequestModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("requested_at", .datetime, .required)
            .field("note", .string)
            .field("completed_at", .datetime)
            .field("completed_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .create()
        try await (database as! any SQLDatabase)
            .create(index: "deletion_requests_user_id_idx")
            .on(DeletionRequestModel.schema)
            .column("user_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DeletionRequestModel.schema).delete()
    }
}
