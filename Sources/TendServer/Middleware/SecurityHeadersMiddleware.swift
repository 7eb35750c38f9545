import Vapor

/// Adds the security headers to every response, errors and static files included.
///
/// - `Content-Security-Policy`: only our own origin for scripts, styles, images, fonts, media and
///   form targets; no inline script or style; no plugins; `frame-ancestors 'none'` (no framing).
/// - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (older browsers),
///   `Referrer-Policy: same-origin` (one-time links never leak to other sites),
///   `Permissions-Policy` (no camera, microphone, geolocation),
///   `Cross-Origin-Opener-Policy: same-origin`.
/// - `Strict-Transport-Security` when the base URL is https.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    let usesHTTPS: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        Self.apply(to: response, https: usesHTTPS)
        return response
    }

    static func apply(to response: Response, https: Bool) {
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()")
        response.headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        if https {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
    }
}
