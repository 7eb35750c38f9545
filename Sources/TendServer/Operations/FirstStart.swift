import Fluent
import Vapor

/// What `tend serve` does once the database is migrated.
public enum FirstStart {
    /// When no admin exists yet, replaces any unused setup links with a new one (valid 24 hours) and
    /// returns its address to print on the console. Only the token's digest is stored. Returns nil
    /// once an admin exists.
    public static func setupLinkIfNeeded(_ app: Application, now: Date = Date()) async throws -> String? {
        let admins = try await UserModel.query(on: app.db).filter(\.$role == .admin).count()
        guard admins == 0 else { return nil }
        let token = SecretToken.generate()
        try await app.db.transaction { db in
            try await SetupTokenModel.query(on: db).filter(\.$usedAt == nil).delete()
            try await SetupTokenModel(tokenHash: SecretToken.digest(token),
                                      expiresAt: now.addingTimeInterval(SetupTokenModel.lifetime)).create(on: db)
        }
        return SiteURL.setup(.value(token)).absolute(on: app.tend.baseURL)
    }
}
