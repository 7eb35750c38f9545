import Fluent
import Foundation

/// Tells the other side of a check-in conversation that a new message is waiting.
///
/// The notification says only that a message is waiting and links to the page: never the text, the
/// participant's name or the group (e-mail is not a secure channel). A burst of messages gives one
/// notification per recipient and conversation per ``window``. Notifications go through ``Notifier``, so
/// a participant is told in the app and on the channels they chose, outside their quiet hours.
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

    /// The in-app line (and the text message, when chosen): what happened, never what was written.
    static func text(_ direction: Direction) -> String {
        switch direction {
        case .toParticipant: return "Your facilitator has written to you."
        case .toStaff: return "A participant has sent a check-in."
        }
    }

    /// Tells `recipient` through ``Notifier/notify``: in the app always, by e-mail or text message when
    /// they chose those channels, held back out of their quiet hours. Staff have no channel choices, so
    /// a member of staff who saved none is also sent the e-mail directly, as before. Nothing happens when
    /// a notification for this conversation and recipient was already written in the current window.
    @discardableResult
    static func enqueue(_ direction: Direction, to recipient: UserModel, memberID: UUID, groupID: UUID, baseURL: URL,
                        now: Date, on db: any Database) async throws -> Notifier.Delivery {
        let page: SiteURL = direction == .toParticipant
            ? .myCheckIns
            : .memberCheckIns(.value(groupID), .value(memberID.uuidString.lowercased()))
        let recipientID = try recipient.requireID()
        let key = dedupeKey(direction: direction, memberID: memberID, recipientID: recipientID, at: now)
        var delivery = try await Notifier.notify(user: recipientID, kind: "check-in", subject: subject(direction), text: text(direction),
                                                 link: page.path, dedupeKey: key, on: db, now: now, baseURL: baseURL)
        let hasChoices = try await ReminderPreferenceModel.query(on: db).filter(\.$user.$id == recipientID).first() != nil
        if direction == .toStaff, !hasChoices {
            let message = NewOutboxMessage(channel: .email, recipient: recipient.email, subject: subject(direction),
                                           body: body(direction, link: page.absolute(on: baseURL)), dedupeKey: key, dueAt: now)
            delivery.email = try await Outbox.enqueue(message, on: db, now: now) != .alreadyQueued
        }
        return delivery
    }
}
