import Fluent
import Foundation
import Vapor

/// `POST /my/drafts/:form`: `autosave.js` sends a form's fields here every few seconds while they change.
///
/// The body is the form, URL-encoded, with its CSRF token (checked by ``CSRFMiddleware`` like any form).
/// The answer is JSON for the status line: `{"saved":true,...}`, or `{"saved":false,"error":"..."}` with
/// 400 (a bad form name, too many fields) or 413 (too long). The draft belongs to the signed-in person;
/// nothing here is logged, and no route returns a draft: drafts are only rendered into their owner's forms.
struct DraftController: RouteCollection {
    /// A bit more than a draft may hold once encoded, so the size is judged on the stored JSON.
    static let maximumBody: ByteCount = ByteCount(value: CSRFMiddleware.maximumFormBytes)

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole.anyone)
            .on(.POST, SiteURL.myDraft(.key).pathComponents, body: .collect(maxSize: Self.maximumBody), use: save)
    }

    struct Saved: Content {
        var saved: Bool
        var fields: Int?
        var savedAt: String?
        var error: String?
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        guard let user = req.user, let userID = user.id else { throw PageError.forbidden }
        let form = req.parameters.get(SiteURL.draftKey) ?? ""
        let body = req.body.data.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? ""
        do {
            let values = try await Drafts.save(Drafts.decodeForm(body), user: userID, form: form, now: req.now, on: req.db)
            return try Self.json(Saved(saved: true, fields: values.fields.count, savedAt: JSONLogHandler.timestamp(values.updatedAt)), status: .ok)
        } catch let error as DraftError {
            return try Self.json(Saved(saved: false, error: error.message), status: error.status)
        }
    }

    private static func json(_ value: Saved, status: HTTPResponseStatus) throws -> Response {
        let response = Response(status: status)
        try response.content.encode(value, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
