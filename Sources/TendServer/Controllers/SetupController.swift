import Fluent
import SQLKit
import Vapor

/// `/setup/:token`: the one-time page that creates the first admin.
struct SetupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.setup(.key).pathComponents, use: show)
        routes.post(SiteURL.setup(.key).pathComponents, use: submit)
    }

    struct SetupInput: Content {
        var name: String?
        var email: String?
        var password: String?
        var confirm: String?
    }

    /// Finds a usable setup token or throws the page that explains why it is not usable.
    static func usableToken(_ token: String, on database: any Database, now: Date = Date()) async throws -> SetupTokenModel {
        guard let record = try await SetupTokenModel.query(on: database)
            .filter(\.$tokenHash == SecretToken.digest(token)).first()
        else { throw PageError.notFound(ErrorPages.setupNotFound) }
        if record.usedAt != nil { throw PageError.gone(ErrorPages.setupUsed) }
        if try await UserModel.query(on: database).filter(\.$role == .admin).count() > 0 {
            throw PageError.gone(ErrorPages.setupUsed)
        }
        if record.expiresAt <= now { throw PageError.gone(ErrorPages.setupExpired) }
        return record
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        _ = try await Self.usableToken(token, on: req.db)
        return .html(AccountPages.setup(token: token, form: .init(), errors: FormErrors(), csrf: CSRF.token(for: req)))
    }

    @Sendable
    func submit(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let record = try await Self.usableToken(token, on: req.db)
        let input = try req.content.decode(SetupInput.self)
        let form = AccountPages.SetupForm(name: input.name ?? "", email: input.email ?? "")
        var errors = FormErrors()
        FieldRules.checkName(form.name, into: &errors)
        FieldRules.checkEmail(form.email, into: &errors)
        PasswordPolicy.check(password: input.password ?? "", confirmation: input.confirm ?? "", into: &errors)
        guard errors.isEmpty else {
            return .html(AccountPages.setup(token: token, form: form, errors: errors, csrf: CSRF.token(for: req)), status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(input.password ?? "").get()
        let tokenID = try record.requireID()
        let admin = try await req.db.transaction { db -> UserModel in
            // Claim the token atomically: only one request can turn used_at from NULL to a time.
            let claimed = try await (db as! any SQLDatabase).update(SetupTokenModel.schema)
                .set("used_at", to: SQLBind(Date()))
                .where("id", .equal, SQLBind(tokenID))
                .where("used_at", .is, SQLLiteral.null)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { throw PageError.gone(ErrorPages.setupUsed) }
            let admin = UserModel(email: form.email, name: form.name.trimmingCharacters(in: .whitespacesAndNewlines), role: .admin, passwordHash: hash)
            try await admin.create(on: db)
            try await AuditLog.record(.adminCreatedBySetup, actor: admin, subject: .user(admin.id), on: db)
            return admin
        }
        try await SignIn.begin(admin, on: req)
        return .seeOther(SiteURL.home.path)
    }
}
