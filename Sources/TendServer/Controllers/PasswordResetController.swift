import Fluent
import SQLKit
import Vapor

/// Password reset links: the admin's list of accounts (`/admin/people`), issuing a link
/// (`POST /accounts/:account/reset-link`) and using it (`/password-reset/:token`).
struct PasswordResetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole(.admin)).get(SiteURL.adminPeople.pathComponents, use: people)
        routes.grouped(RequireRole(.admin, .facilitator)).post(SiteURL.accountResetLink(.key).pathComponents, use: issue)
        routes.get(SiteURL.passwordReset(.key).pathComponents, use: show)
        routes.post(SiteURL.passwordReset(.key).pathComponents, use: reset)
    }

    struct ResetInput: Content {
        var password: String?
        var confirm: String?
    }

    @Sendable
    func people(req: Request) async throws -> Response {
        guard let admin = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let accounts = try await UserModel.query(on: req.db).sort(\.$createdAt, .ascending).sort(\.$email, .ascending).all()
        try await AuditLog.record(.accountListViewed, actor: admin, on: req.db, at: req.now)
        let rows = try accounts.map { account in
            PasswordResetPages.Person(id: try account.requireID(), name: account.name, email: account.email,
                                      role: account.role, created: account.createdAt)
        }
        return .html(PasswordResetPages.people(viewer: viewer, people: rows, csrf: CSRF.token(for: req)))
    }

    @Sendable
    func issue(req: Request) async throws -> Response {
        guard let issuer = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        var target: UserModel?
        if let id = req.parameters.get(SiteURL.accountKey, as: UUID.self) {
            target = try await UserModel.find(id, on: req.db)
        }
        guard let target else {
            // Only an admin learns that an account does not exist.
            throw issuer.role == .admin ? PageError.notFound() : PageError.forbidden
        }
        guard try await mayIssueReset(issuer: issuer, target: target, on: req.db) else { throw PageError.forbidden }
        let issued = try await PasswordResets.issue(for: target, by: issuer, now: req.now,
                                                    baseURL: req.application.tend.baseURL, on: req.db)
        return .html(PasswordResetPages.issued(viewer: viewer, name: target.name, email: target.email, issued: issued,
                                               backPath: issuer.role == .admin ? SiteURL.adminPeople.path : SiteURL.home.path,
                                               csrf: CSRF.token(for: req)))
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let reset = try await PasswordResets.usable(token, now: req.now, on: req.db)
        return .html(PasswordResetPages.choose(token: token, email: reset.user.email, errors: FormErrors(), csrf: CSRF.token(for: req)))
    }

    @Sendable
    func reset(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let now = req.now
        let reset = try await PasswordResets.usable(token, now: now, on: req.db)
        let input = try req.content.decode(ResetInput.self)
        var errors = FormErrors()
        PasswordPolicy.check(password: input.password ?? "", confirmation: input.confirm ?? "", into: &errors)
        guard errors.isEmpty else {
            return .html(PasswordResetPages.choose(token: token, email: reset.user.email, errors: errors, csrf: CSRF.token(for: req)),
                         status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(input.password ?? "").get()
        let resetID = try reset.requireID()
        let user = reset.user
        let userID = try user.requireID()
        try await req.db.transaction { db in
            // Claim the link atomically: it can be used once, and not after a newer one revoked it.
            let claimed = try await (db as! any SQLDatabase).update(PasswordResetModel.schema)
                .set("used_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(resetID))
                .where("used_at", .is, SQLLiteral.null)
                .where("revoked_at", .is, SQLLiteral.null)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { throw PageError.gone(ErrorPages.resetUsed) }
            user.passwordHash = hash
            try await user.save(on: db)
            try await AuditLog.record(.passwordResetCompleted, actor: user, subject: .user(userID), on: db, at: now)
        }
        // Every session of this person ends, on every device and server instance (others stop reusing their
        // cached reads within TEND_CACHE_SECONDS); then a fresh one starts here.
        try await SessionOwnership.endAll(of: userID, on: req.db)
        req.application.readCaches.removeAll()
        try await LoginThrottle(limits: req.application.tend.throttle).reset(.account(email: user.email), on: req.db)
        try await SignIn.begin(user, on: req)
        return .seeOther(SiteURL.home.path)
    }
}
