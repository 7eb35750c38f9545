import Fluent
import Vapor

/// `/`: the admin's dashboard, a participant's own home, or a calm welcome for everyone else.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole.anyone).get(SiteURL.home.pathComponents, use: home)
    }

    @Sendable
    func home(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { return .found(SiteURL.login.path) }
        if user.role == .admin {
            return try await AdminController.dashboard(req: req, form: .init(), errors: FormErrors(), created: nil)
        }
        if user.role == .participant, let userID = user.id {
            let enrolment = try await ParticipantController.enrolment(req)
            let summary = try await HomeSummary.cached(user: userID, member: enrolment?.member.id, now: req.now, on: req)
            if summary.inStudy, let prompt = try await StudyConsentController.consentPrompt(req) { return prompt }
            return try await ParticipantController.home(req: req, enrolment: enrolment, summary: summary)
        }
        return .html(HomePages.welcome(viewer: viewer, csrf: CSRF.token(for: req)))
    }
}
