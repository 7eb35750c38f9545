import Fluent
import Foundation

/// A single-use link by which a person chooses a new password. Issued by an admin (or, where
/// ``mayIssueReset(issuer:target:on:)`` allows it, a facilitator); only the token's digest is stored.
final class PasswordResetModel: Model, @unchecked Sendable {
    static let schema = "password_resets"

    /// How long a reset link stays valid: 24 hours.
    static let lifetime: TimeInterval = 24 * 60 * 60

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    /// SHA-256 of the token (see ``SecretToken``).
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// Set when a newer link is issued for the same account: only the newest link works.
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    // relationships
    /// The account whose password the link resets.
    @Parent(key: "user_id") var user: UserModel
    @OptionalParent(key: "issued_by_id") var issuedBy: UserModel?

    init() {}

    init(tokenHash: String, userID: UUID, issuedByID: UUID?, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.$issuedBy.id = issuedByID
        self.expiresAt = expiresAt
    }
}
