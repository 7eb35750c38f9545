import Fluent
import Foundation

/// A single-use link by which an admin invites a member of staff.
final class InvitationModel: Model, @unchecked Sendable {
    static let schema = "invitations"

    /// How long an invitation link stays valid.
    static let lifetime: TimeInterval = 7 * 24 * 60 * 60

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "email") var email: String
    @Field(key: "role") var role: Role
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?

    // relationships
    @Parent(key: "invited_by_id") var invitedBy: UserModel

    init() {}

    init(tokenHash: String, email: String, role: Role, expiresAt: Date, invitedByID: UUID) {
        self.tokenHash = tokenHash
        self.email = UserModel.normalise(email: email)
        self.role = role
        self.expiresAt = expiresAt
        self.$invitedBy.id = invitedByID
    }
}
