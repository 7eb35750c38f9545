import Fluent
import Foundation
import TendCore
import Vapor

/// `/studies/:study/participants/:code/timeline`: one participant's story in one page for the study's
/// staff, grouped by week, newest first (`?order=oldest` turns it round). An audited read; blinded staff
/// never see the arm.
struct ParticipantTimelineController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        staff.get(SiteURL.studyTimeline(.key, .key).pathComponents, use: timeline)
    }

    @Sendable
    func timeline(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let access = try await StudyAccess.require(req)
        let row = try await access.screening(req)
        let newestFirst = (try? req.query.get(String.self, at: "order")) != "oldest"
        let (events, dayZero) = try await ParticipantTimeline.events(access: access, screening: row, now: req.now, on: req.db)
        let weeks = ParticipantTimeline.weeks(events, dayZero: dayZero, newestFirst: newestFirst)
        try await AuditLog.record(.studyTimelineViewed, actor: access.user, subject: .screening(row.id), on: req.db, at: req.now)
        return .html(TimelinePages.timeline(viewer: viewer, studyID: access.studyID, studyTitle: access.definition.title, code: row.code,
                                            weeks: weeks, dayZero: dayZero, newestFirst: newestFirst, seesArms: access.seesArms, csrf: CSRF.token(for: req)))
    }
}
