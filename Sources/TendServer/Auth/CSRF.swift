import Vapor

/// Cross-site request forgery protection with a synchroniser token.
///
/// Each session gets one random token (``SecretToken``), stored in the session record. Every form
/// carries it in a hidden field named `csrf`; ``CSRFMiddleware`` rejects any state-changing request
/// whose field is missing or differs (compared in constant time) with a 403 page. The session
/// cookie is also `SameSite=Lax`, which stops most cross-site POSTs before they get here.
enum CSRF {
    static let fieldName = "csrf"
    static let sessionKey = "csrf"
    /// Set to `true` in a streamed route's `userInfo` when its handler checks the token itself.
    static let checkedByHandlerKey = "tend.csrfCheckedByHandler"

    /// The session's token, created on first use.
    static func token(for request: Request) -> String {
        if let existing = request.session.data[sessionKey], !existing.isEmpty { return existing }
        let token = SecretToken.generate()
        request.session.data[sessionKey] = token
        return token
    }
}

/// Checks the CSRF token on every POST, PUT, PATCH and DELETE.
struct CSRFMiddleware: AsyncMiddleware {
    /// Forms are small; anything bigger is refused before it is read.
    static let maximumFormBytes = 64 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method) else {
            return try await next.respond(to: request)
        }
        // A streamed upload is not collected here: its handler checks the token, which the form
        // sends before the file, and refuses the file before writing any of it if it is wrong.
        if request.route?.userInfo[CSRF.checkedByHandlerKey] as? Bool == true {
            return try await next.respond(to: request)
        }
        guard let expected = request.session.data[CSRF.sessionKey], !expected.isEmpty else {
            throw PageError.csrf
        }
        _ = try await request.body.collect(max: Self.maximumFormBytes).get()
        let submitted = FormBody.isURLEncoded(request.headers)
            ? FormBody.value(named: CSRF.fieldName, of: request)
            : try? request.content.get(String.self, at: CSRF.fieldName)
        guard let submitted, SecretToken.constantTimeEquals(submitted, expected) else {
            throw PageError.csrf
        }
        return try await next.respond(to: request)
    }
}
