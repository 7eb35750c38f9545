import Fluent
import SQLKit

struct CreateParticipantInvitations: AsyncMigration {
    var name: String { "CreateParticipantInvitations" }

    func prepare(on database: any Database) async throws {
        try await database.schema("participant_invitations")
            .id()
            .field("created_at", .datetime)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("revoked_at", .datetime)
            .field("roster_member_id", .uuid, .required, .references("roster_members", "id", onDelete: .cascade))
            .field("invited_by_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "token_hash", name: "participant_invitations_token_hash_key")
            .create()
        try await (database as! any SQLDatabase).create(index: "participant_invitations_member_idx")
            .on("participant_invitations").column("roster_member_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("participant_invitations").delete()
    }
}
