import Foundation
import Logging

/// Everything `tend serve` and `tend migrate` read from the environment, parsed once and checked.
///
/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `TEND_DATA_DIR` | `./tend-data` | folder for the SQLite file and, later, uploads; created if missing |
/// | `TEND_DATABASE_URL` | none | `postgres://user:pass@host:port/db`; when absent, SQLite at `<data dir>/tend.sqlite` |
/// | `TEND_BASE_URL` | `http://127.0.0.1:<port>` | the public address, used for printed links; `https` turns on Secure cookies and HSTS |
/// | `TEND_LOG_LEVEL` | `info` | trace, debug, info, notice, warning, error, critical |
/// | `TEND_TRUST_FORWARDED_FOR` | off | `1` when behind a proxy that sets `X-Forwarded-For` (login throttling then counts the client address, not the proxy's) |
/// | `TEND_MEDIA_MAX_MB`, `TEND_S3_*` | see ``MediaConfiguration`` | upload limit and media storage |
/// | `TEND_SESSION_IDLE_MINUTES` | `60` | a signed-in session unused for this many minutes is ended (1 to 720) |
/// | `TEND_LOG_FORMAT` | `text` | `text` (one readable line per event) or `json` (one JSON object per line) |
/// | `TEND_DATABASE_POOL` | `8` | PostgreSQL connections each event loop may open (1 to 64); the server has one event loop per core |
/// | `TEND_CACHE_SECONDS` | `1` | how long a process may reuse a session, account, enrolment, home counts or medicine list it read (0 to 60; 0 reads every time) |
/// | `TEND_METRICS_TOKEN` | none | when set, `/metrics` answers only `Authorization: Bearer <token>`; when unset, only loopback clients |
/// | `TEND_URGENT_HELP` | a calm sentence | where to get urgent help, shown after a questionnaire that raised a safety alert |
/// | `TEND_SMTP_…`, `TEND_WEBHOOK_…`, `TEND_OUTBOX_…` | | reminder delivery: see ``OutboxConfiguration`` |
public struct ServerConfiguration: Sendable, Equatable {
    /// Where the data lives.
    public enum DatabaseLocation: Sendable, Equatable {
        /// An SQLite file (WAL journal, `synchronous=FULL`).
        case sqliteFile(path: String)
        /// A private SQLite database for one test run.
        case sqliteMemory
        /// A PostgreSQL database given by URL.
        case postgres(url: String)
    }

    public var dataDirectory: String
    public var database: DatabaseLocation
    public var baseURL: URL
    public var logLevel: Logger.Level
    public var trustForwardedFor: Bool
    /// bcrypt work factor; 12 in production, the minimum (4) in tests so the suite stays fast.
    public var passwordCost: Int
    /// Login throttling limits (see ``LoginThrottle``).
    public var throttle: LoginThrottle.Limits
    /// Upload limit and where media are stored.
    public var media: MediaConfiguration
    /// Seconds of inactivity after which a signed-in session is ended (see ``SessionActivity``).
    public var sessionIdleTimeout: TimeInterval
    /// How `tend serve` writes its log lines.
    public var logFormat: LogFormat
    /// How long a process may reuse a session, account or enrolment it has read (see ``ReadCaches``); 0 turns
    /// the caches off.
    public var readCacheLifetime: TimeInterval
    /// The bearer token `/metrics` requires, or nil to allow loopback clients only (see ``MetricsAccess``).
    public var metricsToken: String?

    /// How log lines are written.
    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        /// swift-log's standard `key=value` lines, for a terminal.
        case text
        /// One JSON object per line (``JSONLogHandler``), for log collectors.
        case json
    }
    /// Reminder and notification delivery (SMTP relay, webhook, the outbox worker).
    public var outbox: OutboxConfiguration = .none
    /// PostgreSQL connections each event loop may open. With one, every request of a loop waits for the
    /// one before it at the database, and a burst of reads queues behind it.
    public var databaseConnectionsPerLoop: Int = 8
    /// How long a request waits for a free PostgreSQL connection before it fails, in seconds.
    public var databasePoolTimeout: Int = 10
    /// Where to get urgent help, shown to a participant whose questionnaire raised a safety alert
    /// (`TEND_URGENT_HELP`).
    public var urgentHelp: String = ServerConfiguration.defaultUrgentHelp
    public static let defaultUrgentHelp = "If you feel unsafe or might act on thoughts of harming yourself, please contact your local emergency services now, or your care team as soon as you can. You do not have to wait for us."

    public init(
        dataDirectory: String,
        database: DatabaseLocation,
        baseURL: URL,
        logLevel: Logger.Level = .info,
        trustForwardedFor: Bool = false,
        passwordCost: Int = 12,
        throttle: LoginThrottle.Limits = .standard,
        media: MediaConfiguration = MediaConfiguration(),
        sessionIdleTimeout: TimeInterval = 60 * 60,
        logFormat: LogFormat = .text,
        metricsToken: String? = nil,
        readCacheLifetime: TimeInterval = 1
    ) {
        self.dataDirectory = dataDirectory
        self.database = database
        self.baseURL = baseURL
        self.logLevel = logLevel
        self.trustForwardedFor = trustForwardedFor
        self.passwordCost = passwordCost
        self.throttle = throttle
        self.media = media
        self.sessionIdleTimeout = sessionIdleTimeout
        self.logFormat = logFormat
        self.metricsToken = metricsToken
        self.readCacheLifetime = readCacheLifetime
    }

    /// Whether cookies get the `Secure` flag and responses carry HSTS.
    public var usesHTTPS: Bool { baseURL.scheme?.lowercased() == "https" }

    /// A configuration for tests: private in-memory SQLite, cheap bcrypt.
    public static func testing(database: DatabaseLocation = .sqliteMemory) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            dataDirectory: FileManager.default.temporaryDirectory.path,
            database: database,
            baseURL: URL(string: "http://127.0.0.1:8080")!,
            logLevel: .warning,
            passwordCost: 4,
            // Tests change rows directly and look at once: no reuse of earlier reads (ReadCacheTests turn it on).
            readCacheLifetime: 0
        )
        // Hundreds of test apps run side by side against one PostgreSQL server: two connections per event
        // loop each keeps them well under its connection limit.
        configuration.databaseConnectionsPerLoop = 2
        // With so few connections, a test that fires dozens of requests at once queues at the pool: let
        // it wait rather than fail (the default ten seconds is for a live server under load).
        configuration.databasePoolTimeout = 120
        return configuration
    }

    /// Reads the `TEND_` variables. `port` is the one the server will listen on (for the default base URL).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        port: Int = 8080
    ) throws(ConfigurationError) -> ServerConfiguration {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        let dataDirectory = value("TEND_DATA_DIR") ?? "./tend-data"
        let database: DatabaseLocation
        if let url = value("TEND_DATABASE_URL") {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                  ["postgres", "postgresql", "postgres+tcp", "postgres+uds"].contains(scheme)
            else {
                throw ConfigurationError(variable: "TEND_DATABASE_URL", value: "(hidden)",
                                         expected: "a postgres:// URL, or unset for SQLite in the data directory")
            }
            database = .postgres(url: url)
        } else {
            database = .sqliteFile(path: (dataDirectory as NSString).appendingPathComponent("tend.sqlite"))
        }
        let baseURL: URL
        if let raw = value("TEND_BASE_URL") {
            let trimmed = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host != nil
            else {
                throw ConfigurationError(variable: "TEND_BASE_URL", value: raw,
                                         expected: "an absolute http:// or https:// URL such as https://tend.example.org")
            }
            baseURL = url
        } else {
            baseURL = URL(string: "http://127.0.0.1:\(port)")!
        }
        var logLevel = Logger.Level.info
        if let raw = value("TEND_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                throw ConfigurationError(variable: "TEND_LOG_LEVEL", value: raw,
                                         expected: "one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        }
        let trust = ["1", "true", "yes"].contains(value("TEND_TRUST_FORWARDED_FOR")?.lowercased() ?? "")
        var idle = SessionActivity.defaultIdleTimeout
        if let raw = value("TEND_SESSION_IDLE_MINUTES") {
            guard let minutes = Int(raw), (1...720).contains(minutes) else {
                throw ConfigurationError(variable: "TEND_SESSION_IDLE_MINUTES", value: raw,
                                         expected: "a whole number of minutes from 1 to 720 (the default is 60)")
            }
            idle = TimeInterval(minutes * 60)
        }
        var format = LogFormat.text
        if let raw = value("TEND_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: raw.lowercased()) else {
                throw ConfigurationError(variable: "TEND_LOG_FORMAT", value: raw, expected: "text or json")
            }
            format = parsed
        }
        let metricsToken = value("TEND_METRICS_TOKEN")
        if let token = metricsToken, token.count < MetricsAccess.minimumTokenLength {
            throw ConfigurationError(variable: "TEND_METRICS_TOKEN", value: "(hidden)",
                                     expected: "a random string of at least \(MetricsAccess.minimumTokenLength) characters, such as the output of `openssl rand -hex 32`")
        }
        var cacheLifetime: TimeInterval = 1
        if let raw = value("TEND_CACHE_SECONDS") {
            guard let seconds = Double(raw), seconds >= 0, seconds <= 60 else {
                throw ConfigurationError(variable: "TEND_CACHE_SECONDS", value: raw,
                                         expected: "a number of seconds from 0 to 60 (the default is 1; 0 reads the database every time)")
            }
            cacheLifetime = seconds
        }
        var configuration = ServerConfiguration(
            dataDirectory: dataDirectory,
            database: database,
            baseURL: baseURL,
            logLevel: logLevel,
            trustForwardedFor: trust,
            media: try MediaConfiguration.fromEnvironment(environment),
            sessionIdleTimeout: idle,
            logFormat: format,
            metricsToken: metricsToken,
            readCacheLifetime: cacheLifetime
        )
        configuration.outbox = try OutboxConfiguration.fromEnvironment(environment)
        if let raw = value("TEND_DATABASE_POOL") {
            guard let count = Int(raw), (1...64).contains(count) else {
                throw ConfigurationError(variable: "TEND_DATABASE_POOL", value: raw,
                                         expected: "a whole number of PostgreSQL connections per event loop from 1 to 64 (the default is 8)")
            }
            configuration.databaseConnectionsPerLoop = count
        }
        if let raw = value("TEND_DATABASE_POOL_TIMEOUT") {
            guard let seconds = Int(raw), (1...600).contains(seconds) else {
                throw ConfigurationError(variable: "TEND_DATABASE_POOL_TIMEOUT", value: raw,
                                         expected: "a whole number of seconds from 1 to 600 that a request may wait for a PostgreSQL connection (the default is 10)")
            }
            configuration.databasePoolTimeout = seconds
        }
        if let text = value("TEND_URGENT_HELP") {
            guard text.count <= 1000 else {
                throw ConfigurationError(variable: "TEND_URGENT_HELP", value: "(\(text.count) characters)",
                                         expected: "a short text of at most 1000 characters saying where to get urgent help")
            }
            configuration.urgentHelp = text
        }
        return configuration
    }
}

/// A `TEND_` variable that could not be used: which one, what it held, what was expected.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String { "\(variable)=\(value): expected \(expected)" }
}
