import Fluent
import Foundation
import Vapor

/// What `tend instruments import` and `tend instruments rescore` do to the configured database (the
/// same environment as `tend serve`; pending migrations are applied first).
public enum InstrumentAdministration {
    public static func importWordingPack(_ data: Data, instrument: String?, configuration: ServerConfiguration) async throws -> WordingPacks.Imported {
        try await withDatabase(configuration) { db in
            try await WordingPacks.importPack(data: data, instrument: instrument, on: db, now: Date())
        }
    }

    public static func rescore(instrument: String, configuration: ServerConfiguration) async throws -> Rescoring.Result {
        try await withDatabase(configuration) { db in
            try await Rescoring.rescore(instrument: instrument, on: db, now: Date())
        }
    }

    static func withDatabase<T: Sendable>(_ configuration: ServerConfiguration, _ body: (any Database) async throws -> T) async throws -> T {
        let app = try await Application.make(Environment(name: "production", arguments: ["tend"]))
        do {
            try await configure(app, configuration)
            try await app.autoMigrate()
            let result = try await body(app.db)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
