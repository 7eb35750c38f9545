import Dispatch
import Fluent
import Foundation
import Vapor

extension ServerRunner {
    /// What `tend worker` did.
    public struct WorkerSummary: Sendable, Equatable {
        public var sent: Int
        public var retrying: Int
        public var dead: Int
        public var seconds: Double
    }

    /// A `tend worker` that cannot start, in one sentence.
    public struct WorkerError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `tend worker`: migrate, then deliver the outbox until SIGINT or SIGTERM (a clean stop: the
    /// message in hand is finished, the rest of the batch goes back to the queue). With `untilEmpty`, stop
    /// as soon as nothing is due.
    public static func work(configuration: ServerConfiguration, untilEmpty: Bool) async throws -> WorkerSummary {
        let outbox = configuration.outbox
        guard !outbox.channels.isEmpty else {
            throw WorkerError(description: "nothing to deliver with: set TEND_SMTP_HOST and TEND_SMTP_FROM (e-mail) or TEND_WEBHOOK_URL (text messages)")
        }
        let app = try await Application.make(Environment(name: "production", arguments: ["tend"]))
        do {
            try await configure(app, configuration)
            try await app.autoMigrate()
            let worker = OutboxWorker(
                database: app.db,
                senders: outbox.senders(),
                settings: .init(batchSize: outbox.batchSize, pollInterval: outbox.pollInterval,
                                claimTimeout: outbox.claimTimeout, retryPolicy: outbox.retryPolicy),
                logger: app.logger)
            let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { worker.stop() }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            let start = Date()
            console("Delivering the outbox as \(worker.settings.workerID) (\(outbox.channels.map(\.rawValue).joined(separator: ", "))). Stop with Ctrl-C.")
            // Reminders are planned beside delivery (idempotent, so any number of workers may run it).
            let planner = untilEmpty ? nil : ReminderPlannerLoop(database: app.db, clock: app.clock, baseURL: configuration.baseURL, logger: app.logger)
            let result = untilEmpty ? try await worker.drain() : await worker.run()
            await planner?.stop()
            let summary = WorkerSummary(sent: result.sent, retrying: result.failed, dead: result.dead,
                                        seconds: Date().timeIntervalSince(start))
            try await app.asyncShutdown()
            return summary
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
