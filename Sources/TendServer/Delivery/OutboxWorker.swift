import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import TendCore

/// Delivers the outbox: claims due messages in batches, hands each channel's share to its sender, and
/// records what happened. Any number of workers (threads in `tend serve`, `tend worker` processes on
/// other machines) can share one database: the claim gives each message to exactly one of them.
///
/// - A sent message is marked `sent`. A failed one has `attempts` raised and ``RetryPolicy`` decides:
///   back to `pending` with `next_attempt_at` after the back-off, or `dead`.
/// - A claim older than the claim timeout belongs to a worker that crashed or hung; any worker releases
///   it. Delivery is therefore at least once; the Message-ID stays the same so a copy can be recognised.
/// - ``stop()`` is a clean shutdown: no new claims, the sender stops between messages, what was sent is
///   marked sent and everything else this worker holds goes back to `pending`. Nothing is lost.
public final class OutboxWorker: Sendable {
    public struct Settings: Sendable, Equatable {
        public var workerID: String
        public var batchSize: Int
        public var pollInterval: TimeInterval
        public var claimTimeout: TimeInterval
        public var retryPolicy: RetryPolicy

        public init(workerID: String = OutboxWorker.makeWorkerID(), batchSize: Int = 100, pollInterval: TimeInterval = 5,
                    claimTimeout: TimeInterval = 600, retryPolicy: RetryPolicy = .standard) {
            self.workerID = workerID
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.claimTimeout = claimTimeout
            self.retryPolicy = retryPolicy
        }
    }

    /// What one pass did.
    public struct PassResult: Sendable, Equatable {
        public var claimed = 0
        public var sent = 0
        public var failed = 0
        public var dead = 0
        public var released = 0

        mutating func add(_ other: PassResult) {
            claimed += other.claimed
            sent += other.sent
            failed += other.failed
            dead += other.dead
            released += other.released
        }
    }

    public let settings: Settings
    let database: any Database
    let senders: [OutboxChannel: any OutboxSender]
    let clock: @Sendable () -> Date
    let logger: Logger

    private struct State {
        var stopping = false
        var nap: Task<Void, Never>?
    }
    private let state = NIOLockedValueBox(State())

    public init(
        database: any Database,
        senders: [OutboxChannel: any OutboxSender],
        settings: Settings,
        logger: Logger = Logger(label: "tend.outbox"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.senders = senders
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    /// `<host>-<pid>-<random>`: unique per process, readable in the table.
    public static func makeWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host.prefix(40))-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    var sql: any SQLDatabase { database as! any SQLDatabase }

    /// The channels this worker claims: those it has a sender for. Messages of other channels wait for a
    /// worker that can send them.
    var channels: [OutboxChannel] { OutboxChannel.allCases.filter { senders[$0] != nil } }

    public var isStopping: Bool { state.withLockedValue { $0.stopping } }

    /// Asks the worker to stop: ``run()`` finishes the message in hand, puts back the rest and returns.
    public func stop() {
        let nap = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopping = true
            return state.nap
        }
        nap?.cancel()
    }

    /// Delivers until ``stop()``: a pass whenever the last one claimed a full batch, otherwise a pause of
    /// the poll interval first. A database error is logged and tried again after the pause.
    /// Returns the totals.
    @discardableResult
    public func run() async -> PassResult {
        logger.info("outbox worker started", metadata: ["worker": .string(settings.workerID),
                                                        "channels": .string(channels.map(\.rawValue).joined(separator: ","))])
        var total = PassResult()
        while !isStopping {
            var busy = false
            do {
                let result = try await runOnce()
                total.add(result)
                busy = result.claimed >= settings.batchSize
            } catch {
                logger.error("outbox pass failed", metadata: ["worker": .string(settings.workerID), "error": .string(Self.describe(error))])
            }
            if !busy { await nap(settings.pollInterval) }
        }
        await finish()
        logger.info("outbox worker stopped", metadata: ["worker": .string(settings.workerID)])
        return total
    }

    /// Passes until nothing is due (for `tend worker --until-empty` and tests). Returns the totals.
    public func drain() async throws -> PassResult {
        var total = PassResult()
        while !isStopping {
            let result = try await runOnce()
            total.add(result)
            if result.claimed == 0 { break }
        }
        await finish()
        return total
    }

    /// One pass: release expired claims, claim a batch, send it, record the outcomes.
    @discardableResult
    public func runOnce() async throws -> PassResult {
        var result = PassResult()
        let now = clock()
        let expired = try await Outbox.releaseExpiredClaims(before: now.addingTimeInterval(-settings.claimTimeout), now: now, on: sql)
        if expired > 0 {
            logger.warning("released expired outbox claims", metadata: ["count": .stringConvertible(expired)])
        }
        guard !isStopping else { return result }
        let batch = try await Outbox.claim(limit: settings.batchSize, channels: channels, worker: settings.workerID, now: now, on: sql)
        result.claimed = batch.count
        guard !batch.isEmpty else { return result }

        var outcomes: [UUID: DeliveryOutcome] = [:]
        for channel in channels {
            let share = batch.filter { $0.channel == channel }
            guard !share.isEmpty, let sender = senders[channel] else { continue }
            let reported = await sender.send(share, shouldStop: { [weak self] in self?.isStopping ?? true })
            outcomes.merge(reported) { first, _ in first }
        }
        try await record(batch: batch, outcomes: outcomes, into: &result)
        return result
    }

    private func record(batch: [OutboxMessage], outcomes: [UUID: DeliveryOutcome], into result: inout PassResult) async throws {
        let now = clock()
        var sent: [UUID] = []
        var untried: [UUID] = []
        var failures: [(message: OutboxMessage, reason: String, attempts: Int, retryAt: Date?)] = []
        for message in batch {
            switch outcomes[message.id] {
            case .sent:
                sent.append(message.id)
            case .failed(let reason, let permanent):
                let attempts = message.attempts + 1
                let decision = permanent ? .deadLetter : settings.retryPolicy.next(afterFailedAttempts: attempts)
                switch decision {
                case .retry(let delay): failures.append((message, reason, attempts, now.addingTimeInterval(delay)))
                case .deadLetter: failures.append((message, reason, attempts, nil))
                }
            case nil:
                untried.append(message.id)
            }
        }
        // Sent first: losing that write would mean sending again after the claim timeout.
        let sentIDs = sent, untriedIDs = untried
        let worker = settings.workerID
        try await retrying { try await Outbox.markSent(sentIDs, worker: worker, now: now, on: self.sql) }
        result.sent = sentIDs.count
        for failure in failures {
            let (id, attempts, retryAt, reason) = (failure.message.id, failure.attempts, failure.retryAt, failure.reason)
            try await retrying { try await Outbox.markFailed(id, attempts: attempts, retryAt: retryAt, reason: reason, worker: worker, on: self.sql) }
            if retryAt == nil {
                result.dead += 1
                logger.warning("outbox message dead-lettered", metadata: [
                    "id": .string(id.uuidString), "channel": .string(failure.message.channel.rawValue),
                    "attempts": .stringConvertible(attempts), "reason": .string(reason),
                ])
            } else {
                result.failed += 1
            }
        }
        try await retrying { try await Outbox.release(untriedIDs, worker: worker, on: self.sql) }
        result.released = untriedIDs.count
    }

    /// Runs a bookkeeping statement again after a short wait if the database refuses it (SQLite busy, a
    /// dropped PostgreSQL connection): losing it would mean sending a message twice.
    private func retrying(_ body: @Sendable () async throws -> Void) async throws {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch {
                attempt += 1
                if attempt >= 5 { throw error }
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    /// After the last pass: put back anything still held, and let the senders close their connections.
    private func finish() async {
        do {
            let released = try await Outbox.releaseAll(worker: settings.workerID, on: sql)
            if released > 0 {
                logger.info("released outbox claims at shutdown", metadata: ["count": .stringConvertible(released)])
            }
        } catch {
            logger.error("could not release outbox claims at shutdown; they are released after the claim timeout",
                         metadata: ["error": .string(Self.describe(error))])
        }
        for sender in senders.values { await sender.shutdown() }
    }

    /// Sleeps for `seconds`, or less when ``stop()`` is called.
    private func nap(_ seconds: TimeInterval) async {
        let task = Task { () -> Void in _ = try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
        let stopping = state.withLockedValue { state -> Bool in
            state.nap = task
            return state.stopping
        }
        if stopping { task.cancel() }
        await task.value
        state.withLockedValue { $0.nap = nil }
    }

    /// An error's type, for logs: database errors can quote the statement's values.
    static func describe(_ error: any Error) -> String { String(describing: type(of: error)) }
}
