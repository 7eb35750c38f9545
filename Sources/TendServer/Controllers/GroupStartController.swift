import Fluent
import Foundation
import TendCore
import Vapor

/// Moving a group's start date. Everything counted from it follows: the meetings (or the cohort's
/// opening), the reminders not yet sent, and the questionnaires of study participants in the group
/// (``StudyAnchors/groupStartMoved(group:now:baseURL:on:)``: windows already reminded about, answered
/// or submitted stay as they were).
struct GroupStartController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.facilitator, .admin))
        staff.get(SiteURL.groupStart(.key).pathComponents, use: form)
        staff.post(SiteURL.groupStart(.key).pathComponents, use: save)
    }

    struct Input: Content {
        var startDate: String?
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        let group = try await GroupController.authorisedGroup(req)
        return try Self.render(req, group: group, value: group.startDate, errors: FormErrors(), status: .ok)
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await GroupController.authorisedGroup(req)
        let input = try req.content.decode(Input.self)
        let typed = GroupController.trimmed(input.startDate)
        var errors = FormErrors()
        let date = LocalDate(typed)
        if typed.isEmpty {
            errors.add("startDate", "Enter the date the group starts")
        } else if date == nil {
            errors.add("startDate", "Start date must be a real date written as year-month-day, like 2026-03-02")
        }
        guard errors.isEmpty, let date else {
            return try Self.render(req, group: group, value: typed, errors: errors, status: .unprocessableEntity)
        }
        let groupID = try group.requireID()
        if date.description != group.startDate {
            let now = req.now
            let baseURL = req.application.tend.baseURL
            try await req.db.transaction { db in
                group.startDate = date.description
                try await group.update(on: db)
                try await AuditLog.record(.groupStartMoved, actor: user, subject: .group(groupID), on: db, at: now)
                try await StudyAnchors.groupStartMoved(group: groupID, now: now, baseURL: baseURL, on: db)
            }
            // Members' cached schedules were made from the old date.
            req.application.readCaches.enrolments.removeAll()
        }
        return .seeOther(SiteURL.group(.value(groupID)).path)
    }

    static func render(_ req: Request, group: GroupModel, value: String, errors: FormErrors, status: HTTPStatus) throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let selfPaced = GroupController.programme(group.programmeID).map { $0.delivery != .scheduledGroup } ?? false
        return .html(GroupStartPages.form(viewer: viewer, groupID: try group.requireID(), groupName: group.name, selfPaced: selfPaced,
                                          value: value, errors: errors, csrf: CSRF.token(for: req)),
                     status: status)
    }
}
