import Vapor

/// Turns errors into calm HTML pages with the right status.
///
/// It is installed twice: inside the sessions middleware (so the page shows who is signed in and the
/// session is saved), and outermost as a fallback for failures before sessions (for example the
/// database being down). Logs carry the status and the error's type, never request content.
struct ErrorPageMiddleware: AsyncMiddleware {
    /// Whether this instance runs where the session and signed-in user are available.
    let knowsViewer: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return render(error, for: request)
        }
    }

    private func render(_ error: any Error, for request: Request) -> Response {
        let status: HTTPResponseStatus
        let content: ErrorPages.Content
        switch error {
        case let page as PageError:
            status = page.status
            content = page.content
        case let abort as any AbortError:
            status = abort.status
            switch abort.status {
            case .notFound: content = ErrorPages.notFound
            case .forbidden: content = ErrorPages.forbidden
            case .payloadTooLarge:
                content = .init(title: "That was too much to send", message: "The form or file was larger than Tend accepts. Go back and try something smaller.")
            default:
                if abort.status.code < 500 {
                    content = .init(title: "Tend could not understand that request", message: "Go back and try again. If it keeps happening, tell an administrator.")
                } else {
                    content = ErrorPages.serverError
                }
            }
        default:
            status = .internalServerError
            content = ErrorPages.serverError
        }
        if status.code >= 500 {
            request.logger.error("request failed", metadata: [
                "status": .stringConvertible(status.code),
                "error_type": .string(String(reflecting: type(of: error))),
            ])
        }
        var viewer: Viewer?
        var csrf: String?
        if knowsViewer, request.hasSession {
            viewer = request.viewer
            csrf = request.session.data[CSRF.sessionKey]
        }
        let response = Response.html(ErrorPages.page(content, viewer: csrf == nil ? nil : viewer, csrf: csrf), status: status)
        return response
    }
}
