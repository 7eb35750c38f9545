import Fluent
import NIOCore
import NIOPosix
import Vapor

/// The entry points the `tend` executable calls, so the CLI never imports Vapor (whose `Option` and
/// `Flag` would clash with ArgumentParser's).
public enum ServerRunner {
    /// Logging for the process, at the configured level: one line per event on standard error, with
    /// key=value metadata (`text`) or as one JSON object (`json`, see ``JSONLogHandler``).
    /// Call once, before anything logs.
    public static func bootstrapLogging(level: Logger.Level, format: ServerConfiguration.LogFormat = .text) {
        switch format {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                JSONLogHandler(label: label, level: level)
            }
        }
    }

    /// Makes SwiftNIO's shared event loops Swift concurrency's global executor, so request handlers resume on
    /// the loop that serves them instead of hopping to another thread pool and back. Call once, from the
    /// main thread, before any async code runs; returns whether it took effect.
    @discardableResult
    public static func runConcurrencyOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// `tend serve`: migrate, print the setup link if there is no admin yet, then serve until SIGINT
    /// or SIGTERM (Vapor finishes the requests in flight and stops).
    public static func serve(hostname: String, port: Int, configuration: ServerConfiguration) async throws {
        let app = try await Application.make(Environment(name: "production", arguments: ["tend", "serve"]))
        do {
            app.http.server.configuration.hostname = hostname
            app.http.server.configuration.port = port
            try await configure(app, configuration)
            try await app.autoMigrate()
            if let link = try await FirstStart.setupLinkIfNeeded(app) {
                console("""

                Tend has no administrator yet. Open this link within 24 hours to create one:

                    \(link)

                It works once. Restarting `tend serve` before then prints a new link and retires this one.

                """)
            }
            console("Tend is serving on http://\(hostname):\(port) (public address \(configuration.baseURL.absoluteString)). Stop with Ctrl-C.")
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Writes to standard output at once (it may be a file or a pipe, which would otherwise buffer).
    static func console(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// `tend demo`: migrate, then fill the empty database with a fabricated service.
    public static func demo(configuration: ServerConfiguration, options: DemoService.Options) async throws -> DemoService.Summary {
        let app = try await Application.make(Environment(name: "production", arguments: ["tend"]))
        do {
            try await configure(app, configuration)
            try await app.autoMigrate()
            let summary = try await DemoService.fill(app, options: options)
            try await app.asyncShutdown()
            return summary
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// `tend migrate`: apply pending migrations and stop. Returns how many were pending.
    public static func migrate(configuration: ServerConfiguration) async throws -> Int {
        let app = try await Application.make(Environment(name: "production", arguments: ["tend"]))
        do {
            try await configure(app, configuration)
            try await app.migrator.setupIfNeeded().get()
            let pending = try await app.migrator.previewPrepareBatch().get().count
            try await app.autoMigrate()
            try await app.asyncShutdown()
            return pending
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
