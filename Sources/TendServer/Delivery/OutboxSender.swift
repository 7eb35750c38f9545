import Foundation

/// A claimed message on its way out.
public struct OutboxMessage: Sendable, Equatable {
    public var id: UUID
    public var channel: OutboxChannel
    /// An e-mail address or a webhook target id: personal data, never logged.
    public var recipient: String
    public var subject: String
    public var body: String
    /// Attempts made before this one.
    public var attempts: Int
    /// An e-mail's one-click unsubscribe URL, if it has one.
    public var listUnsubscribe: String?

    public init(id: UUID, channel: OutboxChannel, recipient: String, subject: String, body: String, attempts: Int,
                listUnsubscribe: String? = nil) {
        self.id = id
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.attempts = attempts
        self.listUnsubscribe = listUnsubscribe
    }
}

/// What happened to one message.
public enum DeliveryOutcome: Sendable, Equatable {
    case sent
    /// `reason` is short and technical (a reply code and stage, an HTTP status) and holds no personal
    /// data. `permanent` failures (a refused mailbox) are dead-lettered at once; others are retried by
    /// the ``RetryPolicy``.
    case failed(reason: String, permanent: Bool)

    public static func failed(_ reason: String) -> DeliveryOutcome { .failed(reason: reason, permanent: false) }
}

/// Sends a batch of messages of one channel, in order, and reports each outcome.
///
/// A sender checks `shouldStop` between messages: when it turns true (the worker is shutting down) it
/// stops and leaves the rest unreported, and the worker puts them back in the queue. A message missing
/// from the result was not sent.
public protocol OutboxSender: Sendable {
    func send(_ messages: [OutboxMessage], shouldStop: @escaping @Sendable () -> Bool) async -> [UUID: DeliveryOutcome]
    /// Releases connections and clients; called once when the worker stops.
    func shutdown() async
}

extension OutboxSender {
    public func shutdown() async {}
}
