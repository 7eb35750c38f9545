import Foundation

/// Sends the outbox's e-mail through the configured SMTP relay: one connection per batch (or a few,
/// side by side, when `connections` > 1), each message's Message-ID made from its outbox id so a retried
/// message keeps it.
struct SMTPSender: OutboxSender {
    var client: SMTPClient
    var connections: Int

    init(settings: SMTPSettings, connections: Int = 1) {
        self.client = SMTPClient(settings: settings)
        self.connections = max(1, connections)
    }

    /// `<outbox id>@<the From address's domain>`.
    static func messageID(for id: UUID, from: String) -> String {
        id.uuidString.lowercased() + "@" + MailAddress.domain(of: from)
    }

    func mail(for message: OutboxMessage, date: Date) -> MailMessage {
        MailMessage(from: client.settings.from, fromName: client.settings.fromName, to: message.recipient,
                    subject: message.subject, body: message.body,
                    messageID: Self.messageID(for: message.id, from: client.settings.from), date: date,
                    listUnsubscribe: message.listUnsubscribe)
    }

    func send(_ messages: [OutboxMessage], shouldStop: @escaping @Sendable () -> Bool) async -> [UUID: DeliveryOutcome] {
        let now = Date()
        var outcomes: [UUID: DeliveryOutcome] = [:]
        // An address that cannot be written into RCPT TO safely is refused here, for good.
        var sendable: [OutboxMessage] = []
        for message in messages {
            if MailAddress.isPlausible(message.recipient) {
                sendable.append(message)
            } else {
                outcomes[message.id] = .failed(reason: "recipient is not a usable e-mail address", permanent: true)
            }
        }
        let shares = connections == 1 || sendable.count < 2 * connections
            ? [sendable]
            : (0..<connections).map { part in stride(from: part, to: sendable.count, by: connections).map { sendable[$0] } }
        let client = self.client
        await withTaskGroup(of: [UUID: DeliveryOutcome].self) { group in
            for share in shares where !share.isEmpty {
                group.addTask {
                    await client.send(share.map { mail(for: $0, date: now) }, ids: share.map(\.id), shouldStop: shouldStop)
                }
            }
            for await result in group { outcomes.merge(result) { first, _ in first } }
        }
        return outcomes
    }
}
