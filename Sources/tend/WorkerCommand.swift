import ArgumentParser
import Foundation
import TendServer

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver queued reminders and notifications (e-mail and webhook) without serving pages.",
        discussion: """
        Uses the environment of `tend serve` (TEND_DATA_DIR, TEND_DATABASE_URL) and the delivery settings: \
        TEND_SMTP_HOST, TEND_SMTP_PORT, TEND_SMTP_FROM, TEND_SMTP_USERNAME/TEND_SMTP_PASSWORD, TEND_WEBHOOK_URL, \
        TEND_WEBHOOK_SECRET, TEND_OUTBOX_BATCH, TEND_OUTBOX_POLL_SECONDS, TEND_OUTBOX_CLAIM_TIMEOUT_SECONDS. \
        Any number of workers and `tend serve` processes can share one PostgreSQL database: each message \
        is claimed by one of them. Set TEND_OUTBOX_WORKER=off on `tend serve` to leave delivery to workers.
        """
    )

    @Flag(help: "Stop when nothing is due instead of waiting for more.")
    var untilEmpty = false

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment()
        } catch {
            throw CLIError("\(error)")
        }
        ServerRunner.bootstrapLogging(level: configuration.logLevel)
        let summary: ServerRunner.WorkerSummary
        do {
            summary = try await ServerRunner.work(configuration: configuration, untilEmpty: untilEmpty)
        } catch let error as ServerRunner.WorkerError {
            throw CLIError(error.description)
        }
        let rate = summary.seconds > 0 ? Double(summary.sent) / summary.seconds : 0
        print("Sent \(summary.sent), to retry \(summary.retrying), dead \(summary.dead) in \(String(format: "%.2f", summary.seconds)) s (\(Int(rate.rounded())) messages/s).")
    }
}
