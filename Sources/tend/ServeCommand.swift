import ArgumentParser
import Foundation
import TendServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Tend web platform.",
        discussion: """
        Configuration comes from the environment: TEND_DATA_DIR (default ./tend-data), TEND_DATABASE_URL \
        (postgres://…; unset means SQLite at <data dir>/tend.sqlite), TEND_BASE_URL (default \
        http://127.0.0.1:<port>), TEND_LOG_LEVEL (default info), TEND_LOG_FORMAT (text or json, default text), \
        TEND_TRUST_FORWARDED_FOR (1 behind a proxy), TEND_SESSION_IDLE_MINUTES (default 60), \
        TEND_METRICS_TOKEN (bearer token for /metrics; unset means loopback clients only). \
        Migrations are applied at start. While there is no administrator, a one-time setup link is printed.
        """
    )

    @Option(help: "Address to listen on.")
    var hostname: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment(port: port)
        } catch {
            throw CLIError("\(error)")
        }
        // Request handlers then resume on the event loop serving them, without a hop to another thread pool.
        await MainActor.run { _ = ServerRunner.runConcurrencyOnEventLoops() }
        ServerRunner.bootstrapLogging(level: configuration.logLevel, format: configuration.logFormat)
        try await ServerRunner.serve(hostname: hostname, port: port, configuration: configuration)
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations and stop (the same environment variables as `tend serve`)."
    )

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment()
        } catch {
            throw CLIError("\(error)")
        }
        ServerRunner.bootstrapLogging(level: configuration.logLevel, format: configuration.logFormat)
        let applied = try await ServerRunner.migrate(configuration: configuration)
        print(applied == 0 ? "The database is up to date." : "Applied \(applied) migration\(applied == 1 ? "" : "s").")
    }
}
