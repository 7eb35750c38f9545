import Fluent
import Vapor

/// Session keys and the sign-in / sign-out steps shared by the login, setup and invitation pages.
enum SignIn {
    static let userKey = "user_id"
    static let signedInAtKey = "signed_in_at"
    /// Unix seconds of the last recorded activity (refreshed at most every ``SessionActivity/refreshInterval(idleTimeout:)``).
    static let lastSeenKey = "last_seen"

    /// A session older than this is treated as signed out, however active it has been.
    static let maximumSessionAge: TimeInterval = 12 * 60 * 60

    /// Signs `user` in on a fresh session id (the old record is deleted), with a fresh CSRF token.
    static func begin(_ user: UserModel, on request: Request) async throws {
        if let oldID = request.session.id {
            try await request.application.sessions.driver.deleteSession(oldID, for: request).get()
            request.session.id = nil
        }
        let now = String(Int64(request.now.timeIntervalSince1970))
        request.session.data = SessionData()
        request.session.data[userKey] = try user.requireID().uuidString
        request.session.data[signedInAtKey] = now
        request.session.data[lastSeenKey] = now
        _ = CSRF.token(for: request)
        request.auth.login(user)
    }

    /// Ends the session: the record is deleted and the cookie expired.
    static func end(on request: Request) {
        request.auth.logout(UserModel.self)
        request.session.destroy()
    }

    /// Ends a session that has expired and carries on with a fresh, signed-out one: the old record is
    /// deleted now, and the page being served can still put a CSRF token in the new session. The CSRF
    /// token is carried over, so a form sent after a timeout reaches the sign-in redirect and its
    /// explanation rather than the "form has expired" page; signing in issues a new token anyway.
    static func expire(on request: Request) async throws {
        request.auth.logout(UserModel.self)
        let csrf = request.session.data[CSRF.sessionKey]
        if let oldID = request.session.id {
            try await request.application.sessions.driver.deleteSession(oldID, for: request).get()
            request.session.id = nil
        }
        request.session.data = SessionData()
        request.session.data[CSRF.sessionKey] = csrf
    }
}

/// Loads the signed-in person from the session (one primary-key read, or a read reused from the last
/// `TEND_CACHE_SECONDS`), ending sessions
/// that are too old (``SignIn/maximumSessionAge``) or idle for longer than the configured idle timeout.
struct CurrentUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.hasSession, let raw = request.session.data[SignIn.userKey] {
            let activity = SessionActivity(idleTimeout: request.application.tend.sessionIdleTimeout)
            let now = Int64(request.now.timeIntervalSince1970)
            let signedInAt = request.session.data[SignIn.signedInAtKey].flatMap(Int64.init) ?? 0
            let lastSeen = request.session.data[SignIn.lastSeenKey].flatMap(Int64.init)
            switch activity.decide(now: now, signedInAt: signedInAt, lastSeen: lastSeen) {
            case .expired:
                try await SignIn.expire(on: request)
            case .idle:
                try await SignIn.expire(on: request)
                request.storage[SessionActivity.TimedOutKey.self] = true
            case .active(let refresh):
                if let id = UUID(uuidString: raw), let user = try await UserModel.cachedFind(id, on: request) {
                    request.auth.login(user)
                    // Only a change is written (QuietSessionDriver): at most one UPDATE per refresh interval.
                    if refresh { request.session.data[SignIn.lastSeenKey] = String(now) }
                } else {
                    try await SignIn.expire(on: request)
                }
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
            var query: [String] = []
            if request.method == .GET, let path = LoginController.safeNext(request.url.path) {
                query.append("next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
            if request.storage[SessionActivity.TimedOutKey.self] == true {
                query.append(SessionActivity.timedOutQueryKey + "=1")
            }
            if !query.isEmpty { target += "?" + query.joined(separator: "&") }
            return .found(target)
        }
        guard roles.contains(user.role) else { throw PageError.forbidden }
        return try await next.respond(to: request)
    }
}
