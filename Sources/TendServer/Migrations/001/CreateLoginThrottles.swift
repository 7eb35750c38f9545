import Fluent

struct CreateLoginThrottles: AsyncMigration {
    var name: String { "CreateLoginThrottles" }

    func prepare(on database: any Database) async throws {
        try await database.schema("login_throttles")
            .id()
            .field("throttle_key", .string, .required)
            .field("failures", .int, .required)
            .field("window_started_at", .int64, .required)
            .unique(on: "throttle_key", name: "login_throttles_throttle_key_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_throttles").delete()
    }
}
