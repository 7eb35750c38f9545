import Fluent
import SQLKit
import Vapor

/// `/healthz` and `/metrics`, for operators and load balancers (`/metrics` only as ``MetricsAccess``
/// allows), and `/robots.txt`.
struct OperationsController: RouteCollection {
    /// A private service: no page of it belongs in a search engine.
    static let robots = "User-agent: *\nDisallow: /\n"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.robots.pathComponents, use: robots)
        routes.get(SiteURL.healthz.pathComponents, use: healthz)
        routes.get(SiteURL.metrics.pathComponents, use: metrics)
    }

    /// The same plain text for everyone, without touching the database.
    @Sendable
    func robots(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(string: Self.robots))
    }

    /// 200 `ok` when the database answers `SELECT 1`, else 503.
    @Sendable
    func healthz(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
            _ = try await sql.raw("SELECT 1").all()
            return Response(status: .ok, headers: headers, body: "ok\n")
        } catch {
            req.logger.warning("health check failed", metadata: ["error_type": .string(String(reflecting: type(of: error)))])
            return Response(status: .serviceUnavailable, headers: headers, body: "database unavailable\n")
        }
    }

    @Sendable
    func metrics(req: Request) async throws -> Response {
        guard MetricsAccess.allows(req) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: req.application.serverMetrics.exposition()))
    }
}
