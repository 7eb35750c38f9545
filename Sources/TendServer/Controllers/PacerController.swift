import Foundation
import Vapor

/// `/my/pacer?bpm=N`: the breathing pacer, for participants (staff see the same page, as a preview).
struct PacerController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole.anyone).get(SiteURL.myPacer.pathComponents, use: pacer)
    }

    @Sendable
    func pacer(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { return .found(SiteURL.login.path) }
        var errors = FormErrors()
        var bpm = PacerPages.defaultPace
        if let raw = req.query[String.self, at: "bpm"] {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if let value = Int(trimmed), PacerPages.paces.contains(value) {
                bpm = value
            } else {
                errors.add("bpm", "Choose a pace from \(PacerPages.paces.lowerBound) to \(PacerPages.paces.upperBound) breaths a minute (you gave \"\(String(trimmed.prefix(20)))\").")
            }
        }
        return .html(PacerPages.page(viewer: viewer, bpm: bpm, errors: errors, csrf: CSRF.token(for: req)),
                     status: errors.isEmpty ? .ok : .unprocessableEntity)
    }
}
