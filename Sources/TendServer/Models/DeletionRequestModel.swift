import Fluent
import Foundation

/// A participant's request that their data be deleted, confirmed with their password, and what became
/// of it. Staff (admin) carry requests out on `/admin/deletion-requests`.
final class DeletionRequestModel: Model, @unchecked Sendable {
    static let schema = "deletion_requests"

    @ID(key: .id) var id: UUID?

    @Field(key: "requested_at") var requestedAt: Date
    /// What the participant chose to tell the team (optional). Cleared when the request is carried out.
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "completed_at") var completedAt: Date?

    /// The account. It stays (anonymised) after the deletion, so the link and the audit trail stay whole.
    @Parent(key: "user_id") var user: UserModel
    @OptionalParent(key: "completed_by_id") var completedBy: UserModel?

    init() {}

    init(userID: UUID, requestedAt: Date, note: String?) {
        self.$user.id = userID
        self.requestedAt = requestedAt
        self.note = note
    }

    var isPending: Bool { completedAt == nil }
}
