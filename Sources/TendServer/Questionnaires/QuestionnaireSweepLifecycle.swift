import Fluent
import Vapor

/// When `tend serve` starts: re-scores stored answers whose definition's scoring rules changed
/// (``Rescoring/rescoreAll(library:on:now:)``). While it runs: every few minutes, records questionnaires whose window closed unanswered as
/// missed, and escalates safety alerts left unacknowledged too long. (Pages also bring what they show
/// up to date when they read it, so nothing depends on the timing of this sweep.) Several instances
/// may sweep one database: each change is idempotent, and notifications are deduplicated by key.
struct QuestionnaireSweepLifecycle: LifecycleHandler {
    static let interval: Duration = .seconds(300)

    private struct RunningKey: StorageKey { typealias Value = Task<Void, Never> }

    func didBootAsync(_ app: Application) async throws {
        guard app.environment != .testing else { return }
        let database = app.db
        let clock = app.clock
        let baseURL = app.tend.baseURL
        let logger = app.logger
        app.storage[RunningKey.self] = Task {
            // A definition whose scoring rules changed since answers were scored: score them again.
            do {
                for result in try await Rescoring.rescoreAll(on: database, now: clock.now) {
                    logger.notice("re-scored \(result.instrument): \(result.checked) questionnaires with an earlier definition, \(result.changes.count) scores changed (each audited)")
                }
            } catch {
                logger.error("re-scoring at start-up failed: \(String(describing: type(of: error)))")
            }
            while !Task.isCancelled {
                do {
                    try await Self.sweep(now: clock.now, baseURL: baseURL, on: database)
                } catch {
                    logger.error("questionnaire sweep failed: \(String(describing: type(of: error)))")
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[RunningKey.self]?.cancel()
        app.storage[RunningKey.self] = nil
    }

    static func sweep(now: Date, baseURL: URL, on db: any Database) async throws {
        try await QuestionnaireAssignments.sweepMissed(now: now, on: db)
        try await SafetyAlerts.escalate(now: now, baseURL: baseURL, on: db)
    }
}
