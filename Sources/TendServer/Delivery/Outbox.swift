import Fluent
import Foundation
import SQLKit
import TendCore

/// A message to put in the outbox.
public struct NewOutboxMessage: Sendable, Equatable {
    public var channel: OutboxChannel
    public var recipient: String
    public var subject: String
    public var body: String
    /// Names the reminder or notification (`practice:<participant>:2026-03-02T18:30`): a second enqueue
    /// with the same key does nothing.
    public var dedupeKey: String
    public var dueAt: Date
    /// An e-mail's one-click unsubscribe URL (RFC 8058), sent as `List-Unsubscribe`; nil for none.
    public var listUnsubscribe: String?

    public init(channel: OutboxChannel, recipient: String, subject: String, body: String, dedupeKey: String, dueAt: Date,
                listUnsubscribe: String? = nil) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.dedupeKey = dedupeKey
        self.dueAt = dueAt
        self.listUnsubscribe = listUnsubscribe
    }
}

/// A message that cannot go in the outbox: which field, and what was expected (never the value, which
/// can be an address).
public struct OutboxInputError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var expected: String
    public var description: String { "\(field): expected \(expected)" }
}

/// The delivery outbox in the database. Every statement here runs on SQLite and PostgreSQL.
public enum Outbox {
    public enum EnqueueResult: Sendable, Equatable {
        case enqueued(UUID)
        /// A message with this dedupe key is already in the outbox (whatever its status); nothing changed.
        case alreadyQueued
    }

    static let maximumDedupeKeyLength = 200
    static let maximumRecipientLength = 320

    /// Adds a message, or does nothing when its dedupe key is already there (`INSERT … ON CONFLICT DO
    /// NOTHING`, so two callers racing with the same key cannot both insert). With a `preference`, the
    /// first attempt is moved out of the participant's quiet hours
    /// (``ReminderPreference/deliveryTime(for:)``); `dueAt` keeps the time it was meant for.
    @discardableResult
    public static func enqueue(
        _ message: NewOutboxMessage,
        preference: ReminderPreference? = nil,
        on database: any Database,
        now: Date = Date()
    ) async throws -> EnqueueResult {
        try validate(message)
        let sql = database as! any SQLDatabase
        let id = UUID()
        let firstAttempt = preference?.deliveryTime(for: message.dueAt) ?? message.dueAt
        let rows = try await sql.raw("""
            INSERT INTO outbox_items (id, channel, recipient, subject, body, dedupe_key, due_at, status, attempts,
                next_attempt_at, created_at, list_unsubscribe)
            VALUES (\(bind: id), \(bind: message.channel.rawValue), \(bind: message.recipient), \(bind: message.subject),
                \(bind: message.body), \(bind: message.dedupeKey), \(bind: message.dueAt), \(bind: OutboxStatus.pending.rawValue),
                \(bind: 0), \(bind: firstAttempt), \(bind: now), \(bind: message.listUnsubscribe))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """).all()
        return rows.isEmpty ? .alreadyQueued : .enqueued(id)
    }

    static func validate(_ message: NewOutboxMessage) throws {
        let recipient = message.recipient.trimmingCharacters(in: .whitespaces)
        if recipient.isEmpty || recipient.count > maximumRecipientLength || recipient.contains(where: \.isNewline) {
            throw OutboxInputError(field: "recipient", expected: "an address of 1 to \(maximumRecipientLength) characters on one line")
        }
        if message.channel == .email, !MailAddress.isPlausible(recipient) {
            throw OutboxInputError(field: "recipient", expected: "an e-mail address like name@example.org")
        }
        if let url = message.listUnsubscribe, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(where: { $0.isWhitespace || $0 == ">" }) {
            throw OutboxInputError(field: "listUnsubscribe", expected: "an http or https URL with no spaces")
        }
        if message.subject.contains(where: \.isNewline) {
            throw OutboxInputError(field: "subject", expected: "a subject on one line")
        }
        let key = message.dedupeKey
        if key.isEmpty || key.count > maximumDedupeKeyLength {
            throw OutboxInputError(field: "dedupeKey", expected: "a key of 1 to \(maximumDedupeKeyLength) characters")
        }
    }

    // MARK: The worker's statements

    /// Claims up to `limit` due pending messages of `channels` for `worker`, soonest first.
    ///
    /// PostgreSQL: the inner `SELECT … FOR UPDATE SKIP LOCKED` locks the rows it picks and skips rows
    /// another worker has locked, so concurrent workers claim disjoint sets without waiting.
    /// SQLite has no row locks and needs none: it serialises writers, so this single `UPDATE … RETURNING`
    /// statement is the only claimer while it runs, and the next claimer sees the rows as claimed.
    static func claim(
        limit: Int,
        channels: [OutboxChannel],
        worker: String,
        now: Date,
        on sql: any SQLDatabase
    ) async throws -> [OutboxMessage] {
        guard limit > 0, !channels.isEmpty else { return [] }
        let channelValues = channels.map(\.rawValue)
        let lock = sql.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE outbox_items SET status = \(bind: OutboxStatus.claimed.rawValue), claimed_by = \(bind: worker),
                claimed_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM outbox_items
                WHERE status = \(bind: OutboxStatus.pending.rawValue) AND next_attempt_at <= \(bind: now)
                    AND channel IN (\(binds: channelValues))
                ORDER BY next_attempt_at
                LIMIT \(bind: limit)
                \(unsafeRaw: lock)
            )
            RETURNING id, channel, recipient, subject, body, attempts, next_attempt_at, list_unsubscribe
            """).all()
        var claimed: [(message: OutboxMessage, next: Date)] = []
        claimed.reserveCapacity(rows.count)
        for row in rows {
            let channelValue = try row.decode(column: "channel", as: String.self)
            guard let channel = OutboxChannel(rawValue: channelValue) else { continue }
            claimed.append((OutboxMessage(
                id: try row.decode(column: "id", as: UUID.self),
                channel: channel,
                recipient: try row.decode(column: "recipient", as: String.self),
                subject: try row.decode(column: "subject", as: String.self),
                body: try row.decode(column: "body", as: String.self),
                attempts: try row.decode(column: "attempts", as: Int.self),
                listUnsubscribe: try row.decode(column: "list_unsubscribe", as: String?.self)
            ), try row.decode(column: "next_attempt_at", as: Date.self)))
        }
        // RETURNING gives no order: send the longest-waiting first.
        return claimed.sorted { $0.next < $1.next }.map(\.message)
    }

    /// Marks messages delivered (only those this worker still holds).
    static func markSent(_ ids: [UUID], worker: String, now: Date, on sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw("""
            UPDATE outbox_items SET status = \(bind: OutboxStatus.sent.rawValue), sent_at = \(bind: now),
                attempts = attempts + 1, last_error = NULL
            WHERE status = \(bind: OutboxStatus.claimed.rawValue) AND claimed_by = \(bind: worker) AND id IN (\(binds: ids))
            """).run()
    }

    /// Records a failed attempt: back to pending at `retryAt`, or dead when `retryAt` is nil.
    static func markFailed(
        _ id: UUID,
        attempts: Int,
        retryAt: Date?,
        reason: String,
        worker: String,
        on sql: any SQLDatabase
    ) async throws {
        let status = retryAt == nil ? OutboxStatus.dead : .pending
        let reasonText = String(reason.prefix(200))
        if let retryAt {
            try await sql.raw("""
                UPDATE outbox_items SET status = \(bind: status.rawValue), attempts = \(bind: attempts),
                    next_attempt_at = \(bind: retryAt), last_error = \(bind: reasonText), claimed_by = NULL, claimed_at = NULL
                WHERE id = \(bind: id) AND status = \(bind: OutboxStatus.claimed.rawValue) AND claimed_by = \(bind: worker)
                """).run()
        } else {
            try await sql.raw("""
                UPDATE outbox_items SET status = \(bind: status.rawValue), attempts = \(bind: attempts),
                    last_error = \(bind: reasonText), claimed_by = NULL, claimed_at = NULL
                WHERE id = \(bind: id) AND status = \(bind: OutboxStatus.claimed.rawValue) AND claimed_by = \(bind: worker)
                """).run()
        }
    }

    /// Puts messages this worker claimed but did not try back in the queue, unchanged.
    static func release(_ ids: [UUID], worker: String, on sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw("""
            UPDATE outbox_items SET status = \(bind: OutboxStatus.pending.rawValue), claimed_by = NULL, claimed_at = NULL
            WHERE status = \(bind: OutboxStatus.claimed.rawValue) AND claimed_by = \(bind: worker) AND id IN (\(binds: ids))
            """).run()
    }

    /// Puts everything `worker` still holds back in the queue (at shutdown). Returns how many.
    @discardableResult
    static func releaseAll(worker: String, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("""
            UPDATE outbox_items SET status = \(bind: OutboxStatus.pending.rawValue), claimed_by = NULL, claimed_at = NULL
            WHERE status = \(bind: OutboxStatus.claimed.rawValue) AND claimed_by = \(bind: worker)
            RETURNING id
            """).all().count
    }

    /// Releases claims older than `cutoff`: their worker crashed or hung. The message may or may not have
    /// gone out, so it is sent again (delivery is at least once; the Message-ID stays the same so mail
    /// systems can drop the copy). Returns how many were released.
    @discardableResult
    static func releaseExpiredClaims(before cutoff: Date, now: Date, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("""
            UPDATE outbox_items SET status = \(bind: OutboxStatus.pending.rawValue), claimed_by = NULL, claimed_at = NULL,
                next_attempt_at = \(bind: now), last_error = \(bind: "claim expired: the worker stopped before finishing")
            WHERE status = \(bind: OutboxStatus.claimed.rawValue) AND claimed_at < \(bind: cutoff)
            RETURNING id
            """).all().count
    }

    // MARK: Admin

    /// How many messages are in each status (every status present, zero when none).
    static func counts(on database: any Database) async throws -> [OutboxStatus: Int] {
        let sql = database as! any SQLDatabase
        let rows = try await sql.raw("SELECT status, COUNT(*) AS n FROM outbox_items GROUP BY status").all()
        var counts = Dictionary(uniqueKeysWithValues: OutboxStatus.allCases.map { ($0, 0) })
        for row in rows {
            guard let status = OutboxStatus(rawValue: try row.decode(column: "status", as: String.self)) else { continue }
            counts[status] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// Dead-lettered messages, most recently due first.
    static func deadLetters(limit: Int, on database: any Database) async throws -> [OutboxItemModel] {
        try await OutboxItemModel.query(on: database)
            .filter(\.$status == .dead)
            .sort(\.$dueAt, .descending)
            .limit(limit)
            .all()
    }

    /// Puts a dead message back in the queue with a fresh set of attempts. False when there is no dead
    /// message with this id (already retried, or never dead).
    static func retryDead(_ id: UUID, now: Date, on database: any Database) async throws -> Bool {
        let sql = database as! any SQLDatabase
        return try await !sql.raw("""
            UPDATE outbox_items SET status = \(bind: OutboxStatus.pending.rawValue), attempts = 0,
                next_attempt_at = \(bind: now), last_error = NULL
            WHERE id = \(bind: id) AND status = \(bind: OutboxStatus.dead.rawValue)
            RETURNING id
            """).all().isEmpty
    }
}
