import Vapor

/// Runs an ``OutboxWorker`` for as long as the app runs (`tend serve`): started after boot, stopped
/// cleanly at shutdown. It starts only when `TEND_OUTBOX_WORKER` is on and a channel is configured.
struct OutboxLifecycle: LifecycleHandler {
    private struct RunningKey: StorageKey { typealias Value = Running }

    struct Running: Sendable {
        var worker: OutboxWorker
        var task: Task<Void, Never>
    }

    func didBootAsync(_ app: Application) async throws {
        let configuration = app.tend.outbox
        guard configuration.workerEnabled else { return }
        guard !configuration.channels.isEmpty else {
            app.logger.notice("outbox worker not started: neither TEND_SMTP_HOST nor TEND_WEBHOOK_URL is set; reminders wait in the queue")
            return
        }
        let worker = OutboxWorker(
            database: app.db,
            senders: configuration.senders(),
            settings: .init(batchSize: configuration.batchSize, pollInterval: configuration.pollInterval,
                            claimTimeout: configuration.claimTimeout, retryPolicy: configuration.retryPolicy),
            logger: app.logger)
        app.storage[RunningKey.self] = Running(worker: worker, task: Task { _ = await worker.run() })
    }

    func shutdownAsync(_ app: Application) async {
        guard let running = app.storage[RunningKey.self] else { return }
        running.worker.stop()
        await running.task.value
        app.storage[RunningKey.self] = nil
    }

    /// The worker `tend serve` is running, if any.
    static func worker(of app: Application) -> OutboxWorker? { app.storage[RunningKey.self]?.worker }
}
