import Fluent
import SQLKit
import Vapor

/// `/invitations/:token`: an invited member of staff chooses their name and password.
struct InvitationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.invitation(.key).pathComponents, use: show)
        routes.post(SiteURL.invitation(.key).pathComponents, use: accept)
    }

    struct AcceptInput: Content {
        var name: String?
        var password: String?
        var confirm: String?
    }

    /// Finds a usable invitation or throws the page that explains why it is not usable.
    static func usableInvitation(_ token: String, on database: any Database, now: Date = Date()) async throws -> InvitationModel {
        guard let invitation = try await InvitationModel.query(on: database)
            .filter(\.$tokenHash == SecretToken.digest(token)).first()
        else { throw PageError.notFound(ErrorPages.invitationNotFound) }
        if invitation.acceptedAt != nil { throw PageError.gone(ErrorPages.invitationUsed) }
        if invitation.expiresAt <= now { throw PageError.gone(ErrorPages.invitationExpired) }
        return invitation
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let invitation = try await Self.usableInvitation(token, on: req.db)
        return .html(AccountPages.acceptInvitation(token: token, email: invitation.email, role: invitation.role,
                                                   form: .init(), errors: FormErrors(), csrf: CSRF.token(for: req)))
    }

    @Sendable
    func accept(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let invitation = try await Self.usableInvitation(token, on: req.db)
        let input = try req.content.decode(AcceptInput.self)
        let form = AccountPages.InvitationForm(name: input.name ?? "")
        var errors = FormErrors()
        FieldRules.checkName(form.name, into: &errors)
        PasswordPolicy.check(password: input.password ?? "", confirmation: input.confirm ?? "", into: &errors)
        guard errors.isEmpty else {
            return .html(AccountPages.acceptInvitation(token: token, email: invitation.email, role: invitation.role,
                                                       form: form, errors: errors, csrf: CSRF.token(for: req)),
                         status: .unprocessableEntity)
        }
        if try await UserModel.query(on: req.db).filter(\.$email == invitation.email).count() > 0 {
            throw PageError(status: .conflict, content: .init(
                title: "There is already an account for this e-mail address",
                message: "Sign in with it instead. If you have forgotten the password, ask an administrator.",
                linkText: "Go to the sign-in page", linkPath: SiteURL.login.path))
        }
        let hash = try await req.password.async.hash(input.password ?? "").get()
        let invitationID = try invitation.requireID()
        let user = try await req.db.transaction { db -> UserModel in
            // Claim the invitation atomically: it can be accepted once.
            let claimed = try await (db as! any SQLDatabase).update(InvitationModel.schema)
                .set("accepted_at", to: SQLBind(Date()))
                .where("id", .equal, SQLBind(invitationID))
                .where("accepted_at", .is, SQLLiteral.null)
                .returning("id")
                .all()
            guard !claimed.isEmpty else { throw PageError.gone(ErrorPages.invitationUsed) }
            let user = UserModel(email: invitation.email, name: form.name.trimmingCharacters(in: .whitespacesAndNewlines),
                                 role: invitation.role, passwordHash: hash)
            try await user.create(on: db)
            try await AuditLog.record(.invitationAccepted, actor: user, subject: .invitation(invitationID), on: db)
            return user
        }
        try await SignIn.begin(user, on: req)
        return .seeOther(SiteURL.home.path)
    }
}
