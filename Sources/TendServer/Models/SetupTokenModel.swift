import Fluent
import Foundation

/// The one-time link that creates the first admin account (printed on the console at first start).
final class SetupTokenModel: Model, @unchecked Sendable {
    static let schema = "setup_tokens"

    /// How long a printed setup link stays valid.
    static let lifetime: TimeInterval = 24 * 60 * 60

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    /// SHA-256 of the token (see ``SecretToken``); the token itself is never stored.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(tokenHash: String, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
