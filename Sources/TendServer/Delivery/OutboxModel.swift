import Fluent
import Foundation

/// How a message leaves Tend.
public enum OutboxChannel: String, Codable, CaseIterable, Sendable {
    /// Through the configured SMTP relay; the recipient is an e-mail address.
    case email
    /// POSTed to the configured webhook (an SMS gateway); the recipient is the gateway's target id.
    case webhook
}

/// Where a message is in its life: waiting, taken by a worker, delivered, or given up on.
public enum OutboxStatus: String, Codable, CaseIterable, Sendable {
    case pending
    case claimed
    case sent
    /// Dead-lettered: failed ``RetryPolicy/maximumAttempts`` times, or refused permanently.
    case dead
}

/// One message in the delivery outbox. Rows are written by ``Outbox`` and the worker with SQL (the
/// claim needs `FOR UPDATE SKIP LOCKED`); the model is for reading them.
final class OutboxItemModel: Model, @unchecked Sendable {
    static let schema = "outbox_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: OutboxChannel
    /// An e-mail address or a webhook target id. Personal data: shown masked, never logged.
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    /// Unique: the same reminder can never be enqueued twice.
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "status") var status: OutboxStatus
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// The worker holding the claim.
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// A short technical reason for the last failure (an SMTP reply code and stage, an HTTP status),
    /// never the server's reply text, which can quote the address.
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
