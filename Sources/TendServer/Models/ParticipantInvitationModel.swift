import Fluent
import Foundation

/// A single-use link by which a facilitator (or admin) invites one roster member to create their
/// participant account. Only the token's SHA-256 digest is stored (see ``SecretToken``). Issuing a new
/// link for the same member revokes every earlier one that is still open.
final class ParticipantInvitationModel: Model, @unchecked Sendable {
    static let schema = "participant_invitations"

    /// How long an invitation link stays valid.
    static let lifetime: TimeInterval = 7 * 24 * 60 * 60

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    /// Set when a newer link replaced this one (or staff withdrew it).
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    // relationships
    @Parent(key: "roster_member_id") var member: RosterMemberModel
    @Parent(key: "invited_by_id") var invitedBy: UserModel

    init() {}

    init(tokenHash: String, memberID: UUID, expiresAt: Date, invitedByID: UUID) {
        self.tokenHash = tokenHash
        self.$member.id = memberID
        self.expiresAt = expiresAt
        self.$invitedBy.id = invitedByID
    }

    /// Where the link stands at `now`.
    enum State: Equatable, Sendable {
        case open
        case accepted
        case revoked
        case expired
    }

    func state(at now: Date) -> State {
        if acceptedAt != nil { return .accepted }
        if revokedAt != nil { return .revoked }
        if expiresAt <= now { return .expired }
        return .open
    }
}
