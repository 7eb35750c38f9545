import Fluent
import Foundation

/// One entry of the audit trail: who did what to which record, and when. No free text.
final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    // managed
    @ID(key: .id) var id: UUID?

    // data
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "action") var action: AuditAction
    /// The role the actor had at the time (kept even if their role changes later).
    @OptionalField(key: "actor_role") var actorRole: Role?
    @OptionalField(key: "subject_kind") var subjectKind: AuditSubject.Kind?
    @OptionalField(key: "subject_id") var subjectID: UUID?
    /// For a data export: how many rows it held (never any of their values).
    @OptionalField(key: "row_count") var rowCount: Int?

    // relationships
    @OptionalParent(key: "actor_id") var actor: UserModel?

    init() {}
}
