import Fluent
import Foundation

/// Tells the other side of a check-in conversation that a new message is waiting.
///
/// The notification says only that a message is waiting and links to the page: never the text, the
/// participant's name or the group (e-mail is not a secure channel). A burst of messages gives one
/// notification per recipient and conversation per ``window``. For now every notification is an e-mail
/// through the outbox; this is the one place to route it through a person's channel choices.
enum CheckInNotifications {
    /// Which way the message went.
    enum Direction: String, Sendable {
        /// Staff replied: the participant is told.
        case toParticipant = "to-participant"
        /// The participant wrote: the facilitator is told.
        case toStaff = "to-staff"
    }

    static let window: TimeInterval = 15 * 60

    /// The key that makes a second notification in the same window a no-op.
    static func dedupeKey(direction: Direction, memberID: UUID, recipientID: UUID, at now: Date) -> String {
        let slot = Int((now.timeIntervalSince1970 / window).rounded(.down))
        return "check-in:\(direction.rawValue):\(memberID.uuidString.lowercased()):\(recipientID.uuidString.lowercased()):\(slot)"
    }

    static func subject(_ direction: Direction) -> String {
        switch direction {
        case .toParticipant: return "A new message is waiting for you in Tend"
        case .toStaff: return "A participant has sent a check-in in Tend"
        }
    }

    static func body(_ direction: Direction, link: String) -> String {
        switch direction {
        case .toParticipant:
            return """
                Hello,

                Your facilitator has written to you. The message is waiting for you in Tend:

                \(link)

                You may be asked to sign in first. For your privacy, messages are never sent by e-mail.
                """
        case .toStaff:
            return """
                Hello,

                A participant in one of your groups has sent a check-in. Read it and reply in Tend:

                \(link)

                For their privacy, messages are never sent by e-mail.
                """
        }
    }

    /// Enqueues the notification (or does nothing when one for this conversation and recipient is
    /// already queued in the current window).
    @discardableResult
    static func enqueue(_ direction: Direction, to recipient: UserModel, memberID: UUID, groupID: UUID, baseURL: URL,
                        now: Date, on db: any Database) async throws -> Outbox.EnqueueResult {
        let page: SiteURL = direction == .toParticipant
            ? .myCheckIns
            : .memberCheckIns(.value(groupID), .value(memberID.uuidString.lowercased()))
        let recipientID = try recipient.requireID()
        let message = NewOutboxMessage(
            channel: .email, recipient: recipient.email, subject: subject(direction),
            body: body(direction, link: page.absolute(on: baseURL)),
            dedupeKey: dedupeKey(direction: direction, memberID: memberID, recipientID: recipientID, at: now),
            dueAt: now)
        return try await Outbox.enqueue(message, on: db, now: now)
    }
}
