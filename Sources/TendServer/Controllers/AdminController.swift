import Fluent
import Vapor

/// Admin pages: the dashboard (staff, invitations), creating invitations, the audit trail.
struct AdminController: RouteCollection {
    static let auditPageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(.admin))
        admin.post(SiteURL.adminInvitations.pathComponents, use: invite)
        admin.get(SiteURL.adminAudit.pathComponents, use: audit)
    }

    struct InviteInput: Content {
        var email: String?
        var role: String?
    }

    /// Staff accounts, oldest first.
    static func staff(on database: any Database) async throws -> [UserModel] {
        try await UserModel.query(on: database)
            .filter(\.$role != .participant)
            .sort(\.$createdAt, .ascending)
            .all()
    }

    /// Invitations that can still be accepted, soonest expiry first.
    static func pendingInvitations(on database: any Database, now: Date = Date()) async throws -> [InvitationModel] {
        try await InvitationModel.query(on: database)
            .filter(\.$acceptedAt == nil)
            .filter(\.$expiresAt > now)
            .sort(\.$expiresAt, .ascending)
            .all()
    }

    static func dashboard(
        req: Request,
        form: HomePages.InviteForm,
        errors: FormErrors,
        created: HomePages.CreatedInvitation?,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let staff = try await staff(on: req.db).map {
            HomePages.StaffMember(name: $0.name, email: $0.email, role: $0.role, joined: $0.createdAt)
        }
        let pending = try await pendingInvitations(on: req.db).map {
            HomePages.PendingInvitation(email: $0.email, role: $0.role, expires: $0.expiresAt)
        }
        try await AuditLog.record(.staffListViewed, actor: user, on: req.db)
        return .html(HomePages.admin(viewer: viewer, staff: staff, pending: pending, form: form, errors: errors,
                                     created: created, csrf: CSRF.token(for: req)), status: status)
    }

    @Sendable
    func invite(req: Request) async throws -> Response {
        guard let admin = req.user else { throw PageError.forbidden }
        let input = try req.content.decode(InviteInput.self)
        let form = HomePages.InviteForm(email: (input.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines), role: input.role)
        var errors = FormErrors()
        FieldRules.checkEmail(form.email, into: &errors, emptyMessage: "Enter the e-mail address of the person you are inviting")
        let role = input.role.flatMap(Role.init(rawValue:))
        if role == nil || !Role.invitableStaff.contains(role!) {
            errors.add("role", "Choose whether they will be a facilitator or a researcher")
        }
        if errors.isEmpty,
           try await UserModel.query(on: req.db).filter(\.$email == UserModel.normalise(email: form.email)).count() > 0 {
            errors.add("email", "There is already an account with this e-mail address")
        }
        guard errors.isEmpty, let role else {
            return try await Self.dashboard(req: req, form: form, errors: errors, created: nil, status: .unprocessableEntity)
        }
        let token = SecretToken.generate()
        let expires = Date().addingTimeInterval(InvitationModel.lifetime)
        let invitation = InvitationModel(tokenHash: SecretToken.digest(token), email: form.email, role: role,
                                         expiresAt: expires, invitedByID: try admin.requireID())
        try await req.db.transaction { db in
            try await invitation.create(on: db)
            try await AuditLog.record(.invitationCreated, actor: admin, subject: .invitation(invitation.id), on: db)
        }
        let created = HomePages.CreatedInvitation(
            email: invitation.email, role: role,
            link: SiteURL.invitation(.value(token)).absolute(on: req.application.tend.baseURL), expires: expires)
        return try await Self.dashboard(req: req, form: .init(), errors: FormErrors(), created: created)
    }

    @Sendable
    func audit(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let page = max(1, (try? req.query.get(Int.self, at: "page")) ?? 1)
        try await AuditLog.record(.auditTrailViewed, actor: user, on: req.db)
        let events = try await AuditLog.recent(limit: Self.auditPageSize + 1, offset: (page - 1) * Self.auditPageSize, on: req.db)
        let rows = events.prefix(Self.auditPageSize).map { event in
            AuditPages.Row(
                occurredAt: event.occurredAt,
                actorName: event.actor?.name,
                actorRole: event.actorRole,
                action: event.action,
                subject: event.subjectKind.map { kind in
                    "\(kind.rawValue) \(event.subjectID.map { String($0.uuidString.prefix(8)).lowercased() } ?? "")"
                        .trimmingCharacters(in: .whitespaces)
                },
                rowCount: event.rowCount)
        }
        return .html(AuditPages.trail(viewer: viewer, rows: Array(rows), page: page,
                                      hasMore: events.count > Self.auditPageSize, csrf: CSRF.token(for: req)))
    }
}
