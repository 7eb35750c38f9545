import Fluent
import Vapor

/// `/login` and `/logout`.
struct LoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.login.pathComponents, use: show)
        routes.post(SiteURL.login.pathComponents, use: submit)
        let signedIn = routes.grouped(RequireRole.anyone)
        signedIn.get(SiteURL.logout.pathComponents, use: confirmLogout)
        routes.post(SiteURL.logout.pathComponents, use: logout)
    }

    struct LoginInput: Content {
        var email: String?
        var password: String?
    }

    /// A `next` value we are willing to redirect to: a local path, never another site.
    static func safeNext(_ raw: String?) -> String? {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.hasPrefix("/\\"),
              !raw.contains("\r"), !raw.contains("\n"), raw.count <= 512,
              raw != SiteURL.login.path, raw != SiteURL.logout.path
        else { return nil }
        return raw
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        if req.user != nil { return .found(next ?? SiteURL.home.path) }
        let signedOut = (try? req.query.get(String.self, at: "signed_out")) != nil
        let timedOut = (try? req.query.get(String.self, at: SessionActivity.timedOutQueryKey)) != nil
        var notice = signedOut ? SessionPages.Notice(kind: .info, text: "You have signed out.") : nil
        if timedOut {
            let minutes = Int(req.application.tend.sessionIdleTimeout / 60)
            notice = SessionPages.Notice(kind: .info, text: "You were signed out because Tend had not been used for \(minutes) minute\(minutes == 1 ? "" : "s"). This keeps your information safe. Sign in again to carry on where you were.")
        }
        return .html(SessionPages.login(form: .init(next: next), errors: FormErrors(), notice: notice, csrf: CSRF.token(for: req)))
    }

    @Sendable
    func submit(req: Request) async throws -> Response {
        let input = try req.content.decode(LoginInput.self)
        let email = (input.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let password = input.password ?? ""
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        let form = SessionPages.LoginForm(email: email, next: next)

        var errors = FormErrors()
        if email.isEmpty { errors.add("email", "Enter your e-mail address") }
        if password.isEmpty { errors.add("password", "Enter your password") }
        guard errors.isEmpty else {
            return .html(SessionPages.login(form: form, errors: errors, notice: nil, csrf: CSRF.token(for: req)), status: .unprocessableEntity)
        }

        let throttle = LoginThrottle(limits: req.application.tend.throttle)
        let keys: [LoginThrottle.Key] = [.account(email: email), .address(req.clientAddress)]
        let now = req.nowSeconds
        let decision = try await throttle.check(keys, now: now, on: req.db)
        if let until = decision.blockedUntil {
            let minutes = max(1, Int((until - now + 59) / 60))
            let notice = SessionPages.Notice(kind: .warning, text: "Too many attempts to sign in. For your safety, signing in is paused for \(minutes) minute\(minutes == 1 ? "" : "s"). Then try again, or ask an administrator for help.")
            req.logger.notice("sign-in refused: throttled")
            return .html(SessionPages.login(form: form, errors: FormErrors(), notice: notice, csrf: CSRF.token(for: req)), status: .tooManyRequests)
        }

        let user = try await UserModel.query(on: req.db).filter(\.$email == UserModel.normalise(email: email)).first()
        let digest = user?.passwordHash ?? req.application.dummyPasswordHash
        let matches = (try? await req.password.async.verify(password, created: digest).get()) ?? false

        guard let user, matches else {
            try await throttle.recordFailure(keys, now: now, on: req.db)
            try await AuditLog.record(.signInFailed, actor: nil, subject: user.map { .user($0.id) }, on: req.db)
            errors.add("email", "The e-mail address or password is not right. Check them and try again.")
            return .html(SessionPages.login(form: form, errors: errors, notice: nil, csrf: CSRF.token(for: req)), status: .unprocessableEntity)
        }

        try await throttle.reset(.account(email: email), on: req.db)
        try await SignIn.begin(user, on: req)
        try await AuditLog.record(.signedIn, actor: user, subject: .user(user.id), on: req.db)
        return .seeOther(next ?? SiteURL.home.path)
    }

    @Sendable
    func confirmLogout(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { return .found(SiteURL.login.path) }
        return .html(SessionPages.logout(viewer: viewer, csrf: CSRF.token(for: req)))
    }

    @Sendable
    func logout(req: Request) async throws -> Response {
        if let user = req.user {
            try await AuditLog.record(.signedOut, actor: user, subject: .user(user.id), on: req.db)
        }
        SignIn.end(on: req)
        return .seeOther(SiteURL.login.path + "?signed_out=1")
    }
}
