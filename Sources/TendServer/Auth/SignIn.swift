import Fluent
import Vapor

/// Session keys and the sign-in / sign-out steps shared by the login, setup and invitation pages.
enum SignIn {
    static let userKey = "user_id"
    static let signedInAtKey = "signed_in_at"

    /// A session older than this is treated as signed out, however active it has been.
    static let maximumSessionAge: TimeInterval = 12 * 60 * 60

    /// Signs `user` in on a fresh session id (the old record is deleted), with a fresh CSRF token.
    static func begin(_ user: UserModel, on request: Request) async throws {
        if let oldID = request.session.id {
            try await request.application.sessions.driver.deleteSession(oldID, for: request).get()
            request.session.id = nil
        }
        request.session.data = SessionData()
        request.session.data[userKey] = try user.requireID().uuidString
        request.session.data[signedInAtKey] = String(Int64(Date().timeIntervalSince1970))
        _ = CSRF.token(for: request)
        request.auth.login(user)
    }

    /// Ends the session: the record is deleted and the cookie expired.
    static func end(on request: Request) {
        request.auth.logout(UserModel.self)
        request.session.destroy()
    }
}

/// Loads the signed-in person from the session (one primary-key read per request).
struct CurrentUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.hasSession, let raw = request.session.data[SignIn.userKey] {
            let started = request.session.data[SignIn.signedInAtKey].flatMap(Int64.init) ?? 0
            let age = Date().timeIntervalSince1970 - TimeInterval(started)
            if age > SignIn.maximumSessionAge || age < 0 {
                SignIn.end(on: request)
            } else if let id = UUID(uuidString: raw), let user = try await UserModel.find(id, on: request.db) {
                request.auth.login(user)
            } else {
                SignIn.end(on: request)
            }
        }
        return try await next.respond(to: request)
    }
}

/// Lets through only people with one of `roles`: anonymous visitors are sent to sign in (302),
/// anyone else gets the 403 page.
struct RequireRole: AsyncMiddleware {
    let roles: Set<Role>

    init(_ roles: Role...) { self.roles = Set(roles) }
    init(_ roles: Set<Role>) { self.roles = roles }

    static let anyone = RequireRole(Set(Role.allCases))

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.user else {
            var target = SiteURL.login.path
            if request.method == .GET, let path = LoginController.safeNext(request.url.path) {
                target += "?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            return .found(target)
        }
        guard roles.contains(user.role) else { throw PageError.forbidden }
        return try await next.respond(to: request)
    }
}
