import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// Participant invitations: a facilitator (or admin) issues a single-use link for a roster member on the
/// group page; the invitee opens `/join/:token`, reads the programme's welcome, chooses an e-mail address
/// and password (and, for a self-paced programme, their weekday and time zone) and is signed in.
struct ParticipantInvitationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole(.facilitator, .admin))
            .post(SiteURL.memberInvitation(.key, .key).pathComponents, use: issue)
        routes.get(SiteURL.join(.key).pathComponents, use: show)
        routes.post(SiteURL.join(.key).pathComponents, use: accept)
    }

    // MARK: Issuing (staff)

    @Sendable
    func issue(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await GroupController.authorisedGroup(req)
        let groupID = try group.requireID()
        // The member must be on this group's roster: an id from another group is not found here.
        guard let raw = req.parameters.get(SiteURL.memberKey), let memberID = UUID(uuidString: raw),
              let member = try await RosterMemberModel.query(on: req.db).filter(\.$id == memberID)
                .filter(\.$group.$id == groupID).first() else { throw PageError.notFound() }
        guard member.$user.id == nil else {
            throw PageError(status: .conflict, content: .init(
                title: "\(member.displayName) already has an account",
                message: "They joined with an earlier invitation and sign in with their own e-mail address and password.",
                linkText: "Back to the group", linkPath: SiteURL.group(.value(groupID)).path))
        }
        let now = req.now
        let token = try await req.db.transaction { db in
            try await ParticipantInvitations.issue(for: member, by: user, now: now, on: db)
        }
        let created = ParticipantInvitations.createdLink(token: token, member: member, now: now, req: req)
        return try await GroupController.renderGroup(req: req, group: group, state: .init(created: created), status: .created)
    }

    // MARK: Accepting (the invitee)

    /// The invitation, its roster member and group, if the link can still be used; otherwise the page
    /// that says why not.
    struct Usable {
        let invitation: ParticipantInvitationModel
        let member: RosterMemberModel
        let course: ParticipantController.Course
    }

    static let notFound = ErrorPages.Content(
        title: "Invitation not found",
        message: "This link does not match any invitation. Check that you copied all of it, or ask the person who sent it for a new one.",
        linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let used = ErrorPages.Content(
        title: "This invitation has already been used",
        message: "Each invitation link works once. If you have already created your account, sign in with your e-mail address and password.",
        linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let expired = ErrorPages.Content(
        title: "This invitation has expired",
        message: "Invitation links last 7 days. Ask the person who sent it for a new link; it only takes them a moment.",
        linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let replaced = ErrorPages.Content(
        title: "This invitation link has been replaced",
        message: "A newer link was made for you, so this one no longer works. Use the newest link you were sent, or ask for a new one.",
        linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)

    static func usable(_ token: String, on db: any Database, now: Date) async throws -> Usable {
        guard let invitation = try await ParticipantInvitationModel.query(on: db)
            .filter(\.$tokenHash == SecretToken.digest(token)).with(\.$member).first()
        else { throw PageError.notFound(notFound) }
        switch invitation.state(at: now) {
        case .accepted: throw PageError.gone(used)
        case .revoked: throw PageError.gone(replaced)
        case .expired: throw PageError.gone(expired)
        case .open: break
        }
        let member = invitation.member
        if member.$user.id != nil { throw PageError.gone(used) }
        guard let group = try await GroupModel.find(member.$group.id, on: db),
              let course = ParticipantController.Course(group: group) else { throw PageError.notFound(notFound) }
        return Usable(invitation: invitation, member: member, course: course)
    }

    static func details(_ usable: Usable) -> ParticipantPages.JoinDetails {
        let course = usable.course
        var meetings: String?
        if course.programme.delivery == .scheduledGroup, let plan = course.group.plan {
            let first = GroupController.schedule(for: course.group)?.items.first
            meetings = "Your group meets on \(plan.weekday)s at \(plan.time) (\(plan.timeZone.identifier) time)"
                + (first.map { ", starting on " + ParticipantController.when($0, in: plan.timeZone) } ?? "") + "."
        }
        return ParticipantPages.JoinDetails(name: usable.member.displayName, programmeTitle: course.programme.title,
                                            introductionHTML: course.content.introductionHTML, delivery: course.programme.delivery,
                                            meetings: meetings)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let usable = try await Self.usable(token, on: req.db, now: req.now)
        let form = ParticipantPages.JoinForm(weekday: usable.course.group.cohort.map { String($0.suggestedWeekday.rawValue) },
                                             timeZone: usable.course.group.timeZone)
        return .html(ParticipantPages.join(token: token, details: Self.details(usable), form: form, errors: FormErrors(),
                                           csrf: CSRF.token(for: req)))
    }

    struct AcceptInput: Content {
        var email: String?
        var password: String?
        var confirm: String?
        var weekday: String?
        var timeZone: String?
    }

    @Sendable
    func accept(req: Request) async throws -> Response {
        let token = try req.parameters.require(SiteURL.tokenKey)
        let now = req.now
        let usable = try await Self.usable(token, on: req.db, now: now)
        let delivery = usable.course.programme.delivery
        let input = try req.content.decode(AcceptInput.self)
        let form = ParticipantPages.JoinForm(email: (input.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                                             weekday: input.weekday, timeZone: GroupController.trimmed(input.timeZone))
        var errors = FormErrors()
        FieldRules.checkEmail(form.email, into: &errors, emptyMessage: "Enter your e-mail address")
        if errors.isEmpty,
           try await UserModel.query(on: req.db).filter(\.$email == UserModel.normalise(email: form.email)).count() > 0 {
            errors.add("email", "There is already an account with this e-mail address: sign in with it, or use another address")
        }
        PasswordPolicy.check(password: input.password ?? "", confirmation: input.confirm ?? "", into: &errors)
        let weekday = form.weekday.flatMap(Int.init).flatMap(Weekday.init(rawValue:))
        if delivery == .weeklySelfHelp && weekday == nil {
            errors.add("weekday", "Choose the day you would like each new module to open")
        }
        var zone: TimeZone?
        if delivery != .scheduledGroup {
            zone = GroupController.timeZone(named: form.timeZone)
            if form.timeZone.isEmpty {
                errors.add("timeZone", "Enter your time zone, like Europe/London")
            } else if zone == nil {
                errors.add("timeZone", "Time zone must be a place name from the time zone database, like Europe/London or America/New_York")
            }
        }
        guard errors.isEmpty else {
            return .html(ParticipantPages.join(token: token, details: Self.details(usable), form: form, errors: errors,
                                               csrf: CSRF.token(for: req)),
                         status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(input.password ?? "").get()
        let invitationID = try usable.invitation.requireID()
        let memberID = try usable.member.requireID()
        var plan: MemberPlan?
        if let zone, let cohort = usable.course.group.cohort {
            // They start today in their own zone, or when the course opens if that is later.
            let today = LocalDateTime(now, in: zone).date
            plan = MemberPlan(startDate: max(today, cohort.opens), weekday: delivery == .weeklySelfHelp ? weekday : nil,
                              timeZone: zone, firstModule: MemberPlan.defaultFirstModule)
        }
        let memberPlan = plan
        let user = try await req.db.transaction { db -> UserModel in
            // Claim the link atomically: it can be accepted once, and not after it was replaced or expired.
            let claimed = try await (db as! any SQLDatabase).update(ParticipantInvitationModel.schema)
                .set("accepted_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(invitationID))
                .where("accepted_at", .is, SQLLiteral.null)
                .where("revoked_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, SQLBind(now))
                .returning("id")
                .all()
            guard !claimed.isEmpty,
                  let member = try await RosterMemberModel.find(memberID, on: db), member.$user.id == nil
            else { throw PageError.gone(Self.used) }
            let user = UserModel(email: form.email, name: member.displayName, role: .participant, passwordHash: hash)
            try await user.create(on: db)
            member.$user.id = try user.requireID()
            member.joinedAt = now
            member.memberPlan = memberPlan
            try await member.update(on: db)
            try await AuditLog.record(.participantJoined, actor: user, subject: .rosterMember(memberID), on: db)
            return user
        }
        try await SignIn.begin(user, on: req)
        return .seeOther(SiteURL.home.path)
    }
}
