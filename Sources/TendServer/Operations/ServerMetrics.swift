import Prometheus
import Vapor

/// Request metrics in the Prometheus text format, served at `/metrics`.
///
/// - `tend_http_requests_total{method,route,status}`: requests handled;
/// - `tend_http_request_duration_seconds{method,route,status}`: latency histogram;
/// - `tend_http_server_errors_total{method,route}`: responses with a 5xx status.
///
/// `route` is the registered pattern (`/setup/:token`), `static` for files from Public/, or
/// `unmatched`: never the raw path, so tokens and ids stay out and the label set stays small.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    private static var requests: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "tend", subsystem: "http", metricName: "requests", unitName: "total",
        helpText: "HTTP requests handled, by method, route pattern and status.") }
    private static var duration: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "tend", subsystem: "http", metricName: "request_duration", unitName: "seconds",
        helpText: "Time from receiving a request to producing its response.") }
    private static var errors: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "tend", subsystem: "http", metricName: "server_errors", unitName: "total",
        helpText: "Responses with a 5xx status, by method and route pattern.") }

    func record(method: String, route: String, status: UInt, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: labels, buckets: Self.buckets).record(duration)
        if status >= 500 {
            registry.makeCounter(descriptor: Self.errors, labels: [("method", method), ("route", route)]).increment()
        }
    }

    func exposition() -> String { registry.emitToString() }
}

/// Times every request, counts it in ``ServerMetrics`` and writes one structured log line for it
/// (method, route pattern, status, milliseconds): no paths, query strings, bodies or addresses.
struct RequestObservationMiddleware: AsyncMiddleware {
    let metrics: ServerMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            // The error middleware normally turns errors into pages; this is the last resort.
            response = Response(status: .internalServerError)
        }
        let elapsed = clock.now - start
        let route = Self.routeLabel(for: request, status: response.status)
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code, duration: elapsed)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        request.logger.log(level: response.status.code >= 500 ? .error : .info, "request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", milliseconds)),
        ])
        return response
    }

    static func routeLabel(for request: Request, status: HTTPResponseStatus) -> String {
        if let route = request.route {
            return "/" + route.path.map(\.description).joined(separator: "/")
        }
        return status.code < 400 ? "static" : "unmatched"
    }
}
