import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// The participant's side of a study: accepting a study invitation (creating their account), the
/// e-consent form at `/my/consent` (the study's public title only, one tick box per item, required items
/// named when left unticked), the signed record as PDF, and the home page's request to consent again when
/// a newer consent version is in force.
struct StudyConsentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.studyJoin(.key).pathComponents, use: showJoin)
        routes.post(SiteURL.studyJoin(.key).pathComponents, use: acceptJoin)
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myConsent.pathComponents, use: consentForm)
        participant.post(SiteURL.myConsent.pathComponents, use: sign)
        participant.get(SiteURL.myConsentPDF.pathComponents, use: pdf)
    }

    // MARK: Invitation

    static func usable(_ token: String, on db: any Database, now: Date) async throws -> (StudyInvitationModel, StudyScreeningModel, StudyDefinition) {
        guard let invitation = try await StudyInvitationModel.query(on: db).filter(\.$tokenHash == SecretToken.digest(token))
            .with(\.$screening).first()
        else { throw PageError.notFound(ParticipantInvitationController.notFound) }
        switch invitation.state(at: now) {
        case .accepted: throw PageError.gone(ParticipantInvitationController.used)
        case .revoked: throw PageError.gone(ParticipantInvitationController.replaced)
        case .expired: throw PageError.gone(ParticipantInvitationController.expired)
        case .open: break
        }
        let screening = invitation.screening
        if screening.$user.id != nil { throw PageError.gone(ParticipantInvitationController.used) }
        guard let definition = try await StudyEnrolment.studyDefinition(for: screening.$study.id, on: db)
        else { throw PageError.notFound(ParticipantInvitationController.notFound) }
        return (invitation, screening, definition)
    }

    @Sendable
    func showJoin(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let (_, _, definition) = try await Self.usable(token, on: req.db, now: req.now)
        return .html(ConsentPages.join(token: token, publicTitle: definition.publicTitle, email: "", errors: FormErrors(),
                                       csrf: CSRF.token(for: req)))
    }

    struct JoinInput: Content {
        /// What the participant would like to be called on their own pages (optional; the study's
        /// records use the study code whatever it is).
        var name: String?
        var email: String?
        var password: String?
        var confirm: String?
    }

    @Sendable
    func acceptJoin(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let now = req.now
        let (invitation, screening, definition) = try await Self.usable(token, on: req.db, now: now)
        let input = try req.content.decode(JoinInput.self)
        let email = GroupController.trimmed(input.email)
        let name = GroupController.trimmed(input.name)
        var errors = FormErrors()
        if name.count > FieldRules.maximumNameLength {
            errors.add("name", "The name needs to be at most \(FieldRules.maximumNameLength) characters. You entered \(name.count).")
        }
        FieldRules.checkEmail(email, into: &errors, emptyMessage: "Enter your e-mail address")
        if errors.isEmpty, try await UserModel.query(on: req.db).filter(\.$email == UserModel.normalise(email: email)).count() > 0 {
            errors.add("email", "There is already an account with this e-mail address: sign in with it, or use another address")
        }
        PasswordPolicy.check(password: input.password ?? "", confirmation: input.confirm ?? "", into: &errors)
        guard errors.isEmpty else {
            return .html(ConsentPages.join(token: token, publicTitle: definition.publicTitle, name: name, email: email, errors: errors,
                                           csrf: CSRF.token(for: req)), status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(input.password ?? "").get()
        let invitationID = try invitation.requireID()
        let screeningID = try screening.requireID()
        let user = try await req.db.transaction { db -> UserModel in
            let claimed = try await (db as! any SQLDatabase).update(StudyInvitationModel.schema)
                .set("accepted_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(invitationID))
                .where("accepted_at", .is, SQLLiteral.null)
                .where("revoked_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, SQLBind(now))
                .returning("id")
                .all()
            guard !claimed.isEmpty, let row = try await StudyScreeningModel.find(screeningID, on: db), row.$user.id == nil
            else { throw PageError.gone(ParticipantInvitationController.used) }
            let user = UserModel(email: email, name: name.isEmpty ? row.code : name, role: .participant, passwordHash: hash)
            try await user.create(on: db)
            row.$user.id = try user.requireID()
            try await row.update(on: db)
            try await AuditLog.record(.studyJoined, actor: user, subject: .screening(screeningID), on: db, at: now)
            return user
        }
        try await SignIn.begin(user, on: req)
        return .seeOther(SiteURL.myConsent.path)
    }

    // MARK: Consent

    /// The signed-in participant's study, the form in force today and their latest signed consent.
    struct ConsentContext {
        let participation: StudyParticipation
        let form: ConsentForm?
        let latest: StudyConsentModel?

        /// True when the form in force is not the one they last signed (or they never signed).
        var needsConsent: Bool {
            guard let form else { return false }
            return latest?.version != form.version && participation.screening.exitKind == nil
        }
    }

    static func context(_ req: Request) async throws -> ConsentContext? {
        guard let userID = req.user?.id, let participation = try await StudyEnrolment.participation(of: userID, on: req.db) else { return nil }
        let today = LocalDateTime(req.now, in: StudyDates.utc).date
        let latest = try await StudyConsentModel.query(on: req.db).filter(\.$screening.$id == (try participation.screening.requireID()))
            .sort(\.$signedAt, .descending).first()
        return ConsentContext(participation: participation, form: participation.definition.consentForm(on: today), latest: latest)
    }

    /// For the home page: a request to consent (again) when a consent version they have not signed is in force.
    static func consentPrompt(_ req: Request) async throws -> Response? {
        guard let viewer = req.viewer, let context = try await context(req), context.needsConsent else { return nil }
        let hasProgramme = try await ParticipantController.enrolment(req) != nil
        return .html(ConsentPages.prompt(viewer: viewer, publicTitle: context.participation.definition.publicTitle,
                                         renewal: context.latest != nil, hasProgramme: hasProgramme, csrf: CSRF.token(for: req)))
    }

    static func render(_ req: Request, _ context: ConsentContext, ticked: Set<String>? = nil, errors: FormErrors = FormErrors(),
                       status: HTTPStatus = .ok) throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let signed = context.latest.map { ConsentPages.Signed(version: $0.version, signedAt: $0.signedAt) }
        return .html(ConsentPages.consent(viewer: viewer, publicTitle: context.participation.definition.publicTitle,
                                          form: context.needsConsent ? context.form : nil, signed: signed,
                                          ticked: ticked ?? [], errors: errors, csrf: CSRF.token(for: req)), status: status)
    }

    @Sendable
    func consentForm(req: Request) async throws -> Response {
        guard let context = try await Self.context(req), context.form != nil else { throw PageError.notFound() }
        return try Self.render(req, context)
    }

    @Sendable
    func sign(req: Request) async throws -> Response {
        guard let user = req.user, let context = try await Self.context(req), let form = context.form else { throw PageError.notFound() }
        guard context.needsConsent else { return .seeOther(SiteURL.myConsent.path) }
        let fields = try req.content.decode([String: String].self)
        let ticked = Set(form.items.map(\.id).filter { fields["item-" + $0] == "yes" })
        var errors = FormErrors()
        for item in form.items where item.required && !ticked.contains(item.id) {
            errors.add("item-" + item.id, "Tick “\(item.statement)” to take part: this statement is needed")
        }
        guard errors.isEmpty else { return try Self.render(req, context, ticked: ticked, errors: errors, status: .unprocessableEntity) }
        let participation = context.participation
        let now = req.now
        let consent = StudyConsentModel(studyID: try participation.study.requireID(), screeningID: try participation.screening.requireID(),
                                        userID: try user.requireID(), version: form.version,
                                        items: form.items.map(\.id).filter(ticked.contains), signedAt: now)
        try await req.db.transaction { db in
            try await consent.create(on: db)
            try await AuditLog.record(.consentSigned, actor: user, subject: .screening(participation.screening.id), on: db, at: now)
        }
        try await StudyEnrolment.didConsent(screening: participation.screening, study: participation.study,
                                            definition: participation.definition, consent: consent, on: req.db)
        if participation.allocation != nil {
            // A re-consent: their schedule is planned again from the current anchors.
            try await StudyAnchors.replan(screening: participation.screening, now: now, baseURL: req.application.tend.baseURL, on: req.db)
        }
        req.application.readCaches.enrolments.remove(try user.requireID())
        return .seeOther(SiteURL.myConsent.path)
    }

    @Sendable
    func pdf(req: Request) async throws -> Response {
        guard let context = try await Self.context(req), let consent = context.latest else { throw PageError.notFound() }
        try await AuditLog.record(.consentDownloaded, actor: req.user, subject: .screening(context.participation.screening.id),
                                  on: req.db, at: req.now)
        return ConsentDocument.response(consent: consent, code: context.participation.screening.code,
                                        definition: context.participation.definition, now: req.now)
    }
}
