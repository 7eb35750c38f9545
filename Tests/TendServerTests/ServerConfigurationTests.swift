import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Configuration from the environment")
struct ServerConfigurationTests {
    @Test("Defaults: ./tend-data, SQLite in it, base URL on the port, info logs")
    func defaults() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:], port: 9000)
        #expect(configuration.dataDirectory == "./tend-data")
        #expect(configuration.database == .sqliteFile(path: "./tend-data/tend.sqlite"))
        #expect(configuration.baseURL.absoluteString == "http://127.0.0.1:9000")
        #expect(configuration.logLevel == .info)
        #expect(!configuration.usesHTTPS)
        #expect(!configuration.trustForwardedFor)
        #expect(configuration.passwordCost == 12)
    }

    @Test("Every variable is read")
    func everything() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "TEND_DATA_DIR": "/srv/tend",
            "TEND_DATABASE_URL": "postgres://tend:pw@db:5432/tend",
            "TEND_BASE_URL": "https://tend.example.org/",
            "TEND_LOG_LEVEL": "WARNING",
            "TEND_TRUST_FORWARDED_FOR": "1",
        ])
        #expect(configuration.dataDirectory == "/srv/tend")
        #expect(configuration.database == .postgres(url: "postgres://tend:pw@db:5432/tend"))
        #expect(configuration.baseURL.absoluteString == "https://tend.example.org")
        #expect(configuration.usesHTTPS)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.trustForwardedFor)
    }

    @Test("Bad values name the variable and what was expected; database passwords are not echoed")
    func badValues() {
        #expect(throws: ConfigurationError(variable: "TEND_LOG_LEVEL", value: "loud",
                                           expected: "one of trace, debug, info, notice, warning, error, critical")) {
            try ServerConfiguration.fromEnvironment(["TEND_LOG_LEVEL": "loud"])
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["TEND_BASE_URL": "tend.example.org"]) }
        do {
            _ = try ServerConfiguration.fromEnvironment(["TEND_DATABASE_URL": "mysql://u:secret@h/db"])
            Issue.record("expected an error")
        } catch {
            #expect(error.variable == "TEND_DATABASE_URL")
            #expect(!error.description.contains("secret"))
        }
    }

    @Test("TEND_DATABASE_POOL sets PostgreSQL connections per event loop, 8 by default, 1 to 64")
    func databasePool() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).databaseConnectionsPerLoop == 8)
        #expect(try ServerConfiguration.fromEnvironment(["TEND_DATABASE_POOL": "3"]).databaseConnectionsPerLoop == 3)
        for bad in ["0", "65", "many"] {
            #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["TEND_DATABASE_POOL": bad]) }
            do {
                _ = try ServerConfiguration.fromEnvironment(["TEND_DATABASE_POOL": bad])
            } catch {
                #expect(error.variable == "TEND_DATABASE_POOL")
                #expect(error.expected.contains("1 to 64"))
            }
        }
    }

    @Test("TEND_DATABASE_POOL_TIMEOUT sets how long a request waits for a PostgreSQL connection, 10 s by default, 1 to 600")
    func databasePoolTimeout() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).databasePoolTimeout == 10)
        #expect(try ServerConfiguration.fromEnvironment(["TEND_DATABASE_POOL_TIMEOUT": "45"]).databasePoolTimeout == 45)
        for bad in ["0", "601", "soon"] {
            do {
                _ = try ServerConfiguration.fromEnvironment(["TEND_DATABASE_POOL_TIMEOUT": bad])
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(error.variable == "TEND_DATABASE_POOL_TIMEOUT")
                #expect(error.expected.contains("1 to 600"))
            }
        }
    }

    @Test("The SQLite file is created in the data directory with WAL and synchronous=FULL on every connection")
    func sqliteFileDurability() async throws {
        guard TestDatabase.postgresURL == nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tend-test-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        var configuration = ServerConfiguration.testing(database: .sqliteFile(path: folder.appendingPathComponent("tend.sqlite").path))
        configuration.dataDirectory = folder.path
        try await withApp(configure: { app in
            try await configure(app, configuration)
            try await app.autoMigrate()
        }) { app in
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("tend.sqlite").path))
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: configuration.dataDirectory, isDirectory: &isDirectory) && isDirectory.boolValue)
            // Ask on many connections at once so the pool opens more than one.
            try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await app.db.withConnection { db in
                            let sql = db as! any SQLDatabase
                            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                            let sync = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                            return (mode ?? "", sync ?? -1)
                        }
                    }
                }
                for try await (mode, sync) in group {
                    #expect(mode == "wal")
                    #expect(sync == 2, "2 is FULL")
                }
            }
        }
    }
}

@Suite("Test database")
struct TestDatabaseTests {
    @Test("The suite runs on PostgreSQL when TEND_TEST_POSTGRES_URL is set, else on SQLite")
    func dialect() async throws {
        try await withTendApp { app in
            let name = (app.db as? any SQLDatabase)?.dialect.name
            #expect(name == (TestDatabase.postgresURL == nil ? "sqlite" : "postgresql"))
        }
    }
}

@Suite("tend migrate")
struct MigrateTests {
    @Test("Migrating applies every migration once, then finds nothing to do")
    func migrateTwice() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tend-migrate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await TestDatabase.withDatabase { (location: ServerConfiguration.DatabaseLocation) async throws -> Void in
            // A private in-memory database would be new for each app, so SQLite uses a file here.
            let database: ServerConfiguration.DatabaseLocation = location == .sqliteMemory
                ? .sqliteFile(path: folder.appendingPathComponent("tend.sqlite").path) : location
            let configuration = ServerConfiguration.testing(database: database)
            let first = try await ServerRunner.migrate(configuration: configuration)
            let second = try await ServerRunner.migrate(configuration: configuration)
            #expect(first == 30, "sessions, users, setup tokens, invitations, login throttles, audit events, groups, roster members, attendance marks, participant link, participant invitations, media items, session owners, password resets, outbox items, reminder preferences, notifications, outbox unsubscribe link, check-in messages, group flag settings, engagement flags, drafts, deletion requests, practice records, questionnaire tables, study tables, staff records, waitlist offers, audit row counts, questionnaire submission index")
            #expect(second == 0)
        }
    }
}
