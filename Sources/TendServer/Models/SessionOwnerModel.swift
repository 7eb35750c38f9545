import Fluent
import Foundation

/// Marks a session record as belonging to an account (see ``SessionOwnershipDriver``).
final class SessionOwnerModel: Model, @unchecked Sendable {
    static let schema = "session_owners"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// The session cookie's value, as in `_fluent_sessions.key`.
    @Field(key: "session_key") var sessionKey: String
    @Parent(key: "user_id") var user: UserModel

    init() {}

    init(sessionKey: String, userID: UUID) {
        self.sessionKey = sessionKey
        self.$user.id = userID
    }
}
