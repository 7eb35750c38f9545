import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// The one way to tell a participant or member of staff something: always in the app (the
/// `notifications` list), and by e-mail or text message when they chose those channels (on
/// `/my/reminders`), held back out of their quiet hours. Reminders (a ``ReminderKind``) carry a one-click
/// unsubscribe link for their kind.
enum Notifier {
    /// What went where (false when the dedupe key was already used on that channel, or not chosen).
    struct Delivery: Sendable, Equatable {
        var inApp = false
        var email = false
        var sms = false
    }

    /// Notifies `user`.
    ///
    /// - Parameters:
    ///   - kind: `practice`, `meeting`, `release` (reminders, see ``ReminderKind``) or another feature's own
    ///     word (`check-in`); shown to no one, it sorts the list and picks the unsubscribe link.
    ///   - subject: the e-mail subject; one line, no private content.
    ///   - text: what happened, in a sentence; no private content (it can be read on a lock screen).
    ///   - link: a path on this site to open (`/my/welcome`), or nil.
    ///   - dedupeKey: names this notification; a second call with the same key does nothing.
    ///   - now: when it is written; the in-app line shows from `showAt` (default `now`).
    ///   - due: when an e-mail or text is meant for (default `now`); moved out of quiet hours.
    ///   - baseURL: for absolute links in e-mail and texts.
    @discardableResult
    static func notify(
        user: UUID,
        kind: String,
        subject: String,
        text: String,
        link: String?,
        dedupeKey: String,
        on database: any Database,
        now: Date,
        due: Date? = nil,
        showAt: Date? = nil,
        baseURL: URL
    ) async throws -> Delivery {
        var delivery = Delivery()
        delivery.inApp = try await writeInApp(user: user, kind: kind, text: text, link: link, dedupeKey: dedupeKey,
                                              showAt: showAt ?? now, on: database)
        guard let account = try await UserModel.find(user, on: database),
              let preferences = try await ReminderPreferenceModel.query(on: database).filter(\.$user.$id == user).first(),
              let choices = preferences.choices else { return delivery }
        let reminder = ReminderKind(rawValue: kind)
        var lines = [text]
        if let link { lines.append("Open Tend: " + base(baseURL) + link) }
        let unsubscribe = reminder.map { UnsubscribeToken.url(user: user, kind: $0, secret: preferences.unsubscribeSecret, base: baseURL) }
        if let reminder, let unsubscribe {
            lines.append("")
            lines.append("To stop \(reminder.description): " + unsubscribe)
        }
        let body = lines.joined(separator: "\n")
        let dueAt = due ?? now
        if preferences.byEmail {
            let result = try await Outbox.enqueue(
                NewOutboxMessage(channel: .email, recipient: account.email, subject: subject, body: body,
                                 dedupeKey: dedupeKey + ":email", dueAt: dueAt, listUnsubscribe: unsubscribe),
                preference: choices.preference, on: database, now: now)
            delivery.email = result != .alreadyQueued
        }
        if preferences.bySMS, let phone = preferences.phone {
            let result = try await Outbox.enqueue(
                NewOutboxMessage(channel: .webhook, recipient: phone, subject: subject, body: body,
                                 dedupeKey: dedupeKey + ":sms", dueAt: dueAt),
                preference: choices.preference, on: database, now: now)
            delivery.sms = result != .alreadyQueued
        }
        return delivery
    }

    private static func base(_ url: URL) -> String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// Inserts the in-app line unless its key is already there. True when it was written.
    private static func writeInApp(user: UUID, kind: String, text: String, link: String?, dedupeKey: String, showAt: Date,
                                   on database: any Database) async throws -> Bool {
        let sql = database as! any SQLDatabase
        let rows = try await sql.raw("""
            INSERT INTO notifications (id, user_id, kind, text, link, dedupe_key, created_at)
            VALUES (\(bind: UUID()), \(bind: user), \(bind: kind), \(bind: text), \(bind: link), \(bind: dedupeKey), \(bind: showAt))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// How many of `user`'s notifications shown by `now` are unread.
    static func unreadCount(user: UUID, now: Date, on database: any Database) async throws -> Int {
        try await NotificationModel.query(on: database)
            .filter(\.$user.$id == user)
            .filter(\.$createdAt <= now)
            .filter(\.$readAt == nil)
            .count()
    }
}

/// A one-click unsubscribe link's token: `<user id>.<kind>.<signature>`, the signature an HMAC-SHA256
/// of the user id and kind under the participant's own random secret (base64url). Changing any part
/// makes it worthless; no sign-in is needed to use it.
enum UnsubscribeToken {
    static func make(user: UUID, kind: ReminderKind, secret: String) -> String {
        user.uuidString.lowercased() + "." + kind.rawValue + "." + signature(user: user, kind: kind, secret: secret)
    }

    static func url(user: UUID, kind: ReminderKind, secret: String, base: URL) -> String {
        SiteURL.unsubscribe(.value(make(user: user, kind: kind, secret: secret))).absolute(on: base)
    }

    /// The user and kind a token names, before its signature is checked (``verify(_:secret:)``).
    static func parse(_ token: String) -> (user: UUID, kind: ReminderKind, signature: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let user = UUID(uuidString: String(parts[0])), let kind = ReminderKind(rawValue: String(parts[1])),
              !parts[2].isEmpty else { return nil }
        return (user, kind, String(parts[2]))
    }

    static func verify(_ token: String, secret: String) -> Bool {
        guard let parsed = parse(token) else { return false }
        return SecretToken.constantTimeEquals(parsed.signature, signature(user: parsed.user, kind: parsed.kind, secret: secret))
    }

    private static func signature(user: UUID, kind: ReminderKind, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("unsubscribe|\(user.uuidString.lowercased())|\(kind.rawValue)".utf8),
                                                  using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
