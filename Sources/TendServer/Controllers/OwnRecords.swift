import Fluent
import Foundation
import TendCore
import Vapor

/// What the practice log, pain diary and thought tool share: the signed-in participant (every query
/// filters by their account), their local "today" from the app clock and their time zone, record ids
/// from the path, and dates in words.
enum OwnRecords {
    struct Owner: Sendable {
        let userID: UUID
        let viewer: Viewer
        let enrolment: ParticipantController.Enrolment
        /// The participant's local date now (``Request/now`` in their zone).
        let today: LocalDate
        let csrf: String
    }

    /// The signed-in participant on a roster; 404 for one on no roster (as their other `/my/` pages).
    static func owner(_ req: Request) async throws -> Owner {
        guard let user = req.user, let userID = user.id, let viewer = req.viewer else { throw PageError.forbidden }
        let enrolment = try await ParticipantController.requireEnrolment(req)
        return Owner(userID: userID, viewer: viewer, enrolment: enrolment, today: LocalDateTime(req.now, in: enrolment.zone).date,
                     csrf: CSRF.token(for: req))
    }

    /// The record id in the path; anything that is not an id is simply not found.
    static func recordID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get(SiteURL.recordKey), let id = UUID(uuidString: raw) else { throw PageError.notFound() }
        return id
    }

    /// The submitted form as text fields, exactly as typed.
    static func form(_ req: Request) throws -> [String: String] {
        try FormBody.fields(of: req) ?? req.content.decode([String: String].self)
    }

    /// A query parameter as a local date, if it is one.
    static func queryDate(_ req: Request, _ name: String) -> LocalDate? {
        (req.query[String.self, at: name]).flatMap(LocalDate.init)
    }

    private static let utc = TimeZone(identifier: "UTC")!

    /// "Tuesday 17 March 2026".
    static func words(_ date: LocalDate) -> String {
        DateWords.string(Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 43_200), zone: utc, format: "EEEE d MMMM yyyy")
    }
}
