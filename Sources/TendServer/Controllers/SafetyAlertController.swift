import Fluent
import Foundation
import TendCore
import Vapor

/// `/groups/:group/alerts`: the open safety alerts of a group's members, for its facilitator (or an
/// admin), and acknowledging each with a required note. Reading the page is audited; the note is kept
/// with the alert and never logged.
struct SafetyAlertController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.facilitator, .admin))
        staff.get(SiteURL.groupAlerts(.key).pathComponents, use: list)
        staff.post(SiteURL.groupAlertAcknowledge(.key, .key).pathComponents, use: acknowledge)
    }

    /// Roster members of the group with accounts, by account id.
    static func members(of group: GroupModel, on db: any Database) async throws -> [UUID: RosterMemberModel] {
        var out: [UUID: RosterMemberModel] = [:]
        for member in try await RosterMemberModel.query(on: db).filter(\.$group.$id == (try group.requireID())).all() {
            if let user = member.$user.id { out[user] = member }
        }
        return out
    }

    static func words(_ alert: SafetyAlertModel) -> String {
        switch alert.alertKind {
        case .phq9Item9?: return "PHQ-9 item 9 (thoughts of self-harm) answered above 0"
        case .extremelySevere?: return "Score in the extremely severe range (\(alert.measure))"
        case .reliableDeterioration?: return "Reliable deterioration since baseline (\(alert.measure))"
        case .risingCraving?: return "Craving rising"
        case .riskItem?: return "Risk item endorsed (\(alert.measure))"
        case nil: return alert.kind
        }
    }

    static func render(req: Request, group: GroupModel, errors: FormErrors, notes: [UUID: String], status: HTTPStatus) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        try await SafetyAlerts.escalate(now: req.now, baseURL: req.application.tend.baseURL, on: req.db)
        let members = try await Self.members(of: group, on: req.db)
        let alerts = members.isEmpty ? [] : try await SafetyAlertModel.query(on: req.db)
            .filter(\.$user.$id ~~ Array(members.keys)).filter(\.$acknowledgedAt == nil)
            .sort(\.$raisedAt, .ascending).all()
        let groupID = try group.requireID()
        try await AuditLog.record(.safetyAlertsViewed, actor: user, subject: .group(groupID), on: req.db, at: req.now)
        let rows = alerts.compactMap { alert -> SafetyAlertPages.Row? in
            guard let id = alert.id, let member = members[alert.$user.id] else { return nil }
            return SafetyAlertPages.Row(id: id, member: member.displayName, studyCode: member.studyCode, what: Self.words(alert),
                                        detail: alert.detail, timepoint: alert.timepoint, raisedAt: alert.raisedAt,
                                        escalated: alert.escalatedAt != nil, note: notes[id] ?? "")
        }
        return .html(SafetyAlertPages.list(viewer: viewer, groupID: groupID, groupName: group.name, rows: rows, errors: errors,
                                           csrf: CSRF.token(for: req)), status: status)
    }

    @Sendable
    func list(req: Request) async throws -> Response {
        let group = try await GroupController.authorisedGroup(req)
        return try await Self.render(req: req, group: group, errors: FormErrors(), notes: [:], status: .ok)
    }

    struct AcknowledgeInput: Content {
        var note: String?
    }

    static let maximumNoteLength = 2000

    @Sendable
    func acknowledge(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await GroupController.authorisedGroup(req)
        let members = try await Self.members(of: group, on: req.db)
        guard let raw = req.parameters.get(SiteURL.alertKey), let id = UUID(uuidString: raw),
              let alert = try await SafetyAlertModel.find(id, on: req.db), members[alert.$user.id] != nil
        else { throw PageError.notFound() }
        let back = SiteURL.groupAlerts(.value(try group.requireID())).path
        guard alert.acknowledgedAt == nil else { return .seeOther(back) }
        let input = try req.content.decode(AcknowledgeInput.self)
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FormErrors()
        let field = SafetyAlertPages.noteField(id)
        if note.isEmpty {
            errors.add(field, "Enter a note of what was done about this alert")
        } else if note.count > Self.maximumNoteLength {
            errors.add(field, "Note must be \(Self.maximumNoteLength) characters or fewer; it has \(note.count)")
        }
        if !errors.isEmpty {
            return try await Self.render(req: req, group: group, errors: errors, notes: [id: input.note ?? ""], status: .unprocessableEntity)
        }
        let now = req.now
        try await req.db.transaction { db in
            alert.acknowledgedAt = now
            alert.$acknowledgedBy.id = try user.requireID()
            alert.note = note
            try await alert.save(on: db)
            try await AuditLog.record(.safetyAlertAcknowledged, actor: user, subject: .safetyAlert(id), on: db, at: now)
        }
        return .seeOther(back)
    }
}
