import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TendCore
import Vapor
@testable import TendServer

/// A sender that records what it was given and answers with a fixed outcome (or a per-call rule).
final class RecordingSender: OutboxSender, Sendable {
    private let box = NIOLockedValueBox<[OutboxMessage]>([])
    let outcome: @Sendable (OutboxMessage) -> DeliveryOutcome
    let pause: Duration?

    init(pause: Duration? = nil, outcome: @escaping @Sendable (OutboxMessage) -> DeliveryOutcome = { _ in .sent }) {
        self.outcome = outcome
        self.pause = pause
    }

    var messages: [OutboxMessage] { box.withLockedValue { $0 } }

    func send(_ messages: [OutboxMessage], shouldStop: @escaping @Sendable () -> Bool) async -> [UUID: DeliveryOutcome] {
        var outcomes: [UUID: DeliveryOutcome] = [:]
        for message in messages {
            if shouldStop() { break }
            if let pause { try? await Task.sleep(for: pause) }
            box.withLockedValue { $0.append(message) }
            outcomes[message.id] = outcome(message)
        }
        return outcomes
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let box: NIOLockedValueBox<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { box = NIOLockedValueBox(start) }
    var now: Date { box.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { box.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

enum OutboxFixtures {
    static func message(_ number: Int, channel: OutboxChannel = .email, due: Date) -> NewOutboxMessage {
        NewOutboxMessage(
            channel: channel,
            recipient: channel == .email ? "person\(number)@example.org" : "+4477009001\(String(format: "%02d", number % 100))",
            subject: "Practice reminder \(number)",
            body: "Time for your breathing practice.\nTake it gently.",
            dedupeKey: "practice:\(number)",
            dueAt: due)
    }

    @discardableResult
    static func enqueue(_ count: Int, channel: OutboxChannel = .email, due: Date, on db: any Database) async throws -> [UUID] {
        var ids: [UUID] = []
        for number in 0..<count {
            if case .enqueued(let id) = try await Outbox.enqueue(message(number, channel: channel, due: due), on: db, now: due) {
                ids.append(id)
            }
        }
        return ids
    }

    static func worker(_ app: Application, id: String = "worker-a", senders: [OutboxChannel: any OutboxSender],
                       clock: TestClock? = nil, batchSize: Int = 50, claimTimeout: TimeInterval = 600,
                       policy: RetryPolicy = .standard, database: (any Database)? = nil) -> OutboxWorker {
        let now: @Sendable () -> Date
        if let clock { now = clock.function } else { now = { Date() } }
        let settings = OutboxWorker.Settings(workerID: id, batchSize: batchSize, pollInterval: 0.05, claimTimeout: claimTimeout,
                                             retryPolicy: policy)
        return OutboxWorker(database: database ?? app.db, senders: senders, settings: settings, clock: now)
    }

    static func item(_ id: UUID, on db: any Database) async throws -> OutboxItemModel {
        guard let item = try await OutboxItemModel.find(id, on: db) else { throw Abort(.notFound) }
        return item
    }

    static func count(_ status: OutboxStatus, on db: any Database) async throws -> Int {
        try await OutboxItemModel.query(on: db).filter(\.$status == status).count()
    }
}
