import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Who may read /metrics")
struct MetricsAccessTests {
    static let token = "0123456789abcdef0123456789abcdef"

    @Test("Without a token, a client that is not on loopback (or unknown) gets 404; /healthz stays open")
    func refusedWithoutLoopback() async throws {
        try await withTendApp { app in
            let participant = try await Fixtures.signedIn(.participant, on: app)
            let response = try await participant.get("/metrics")
            #expect(response.status == .notFound)
            #expect(!response.text.contains("tend_http_requests_total"))
            #expect(try await Browser(app).get("/metrics").status == .notFound)
            #expect(try await Browser(app).get("/healthz").status == .ok)
        }
    }

    @Test("With TEND_METRICS_TOKEN set, only the right bearer token reads the metrics")
    func bearerToken() async throws {
        try await withTendApp({ $0.metricsToken = Self.token }) { app in
            let scraper = Browser(app)
            #expect(try await scraper.get("/metrics").status == .notFound)
            scraper.headers.replaceOrAdd(name: .authorization, value: "Bearer not-the-token-at-all-000000")
            #expect(try await scraper.get("/metrics").status == .notFound)
            scraper.headers.replaceOrAdd(name: .authorization, value: "Basic " + Self.token)
            #expect(try await scraper.get("/metrics").status == .notFound)
            scraper.headers.replaceOrAdd(name: .authorization, value: "Bearer " + Self.token)
            let response = try await scraper.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.text.contains("tend_http_requests_total"))
        }
    }

    @Test("Over a real socket: loopback clients read the metrics, unless the request came through a proxy")
    func loopbackOverSocket() async throws {
        try await withTendApp { app in
            let tester = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            #expect(try await tester.sendRequest(.GET, "/healthz").status == .ok)
            let direct = try await tester.sendRequest(.GET, "/metrics")
            #expect(direct.status == .ok)
            #expect(direct.body.string.contains("tend_http_requests_total"))
            let proxied = try await tester.sendRequest(.GET, "/metrics", headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(proxied.status == .notFound)
        }
        try await withTendApp({ $0.metricsToken = Self.token }) { app in
            let tester = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            #expect(try await tester.sendRequest(.GET, "/metrics").status == .notFound, "with a token set, loopback needs it too")
        }
    }

    @Test("Loopback addresses")
    func loopbackAddresses() {
        for address in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] { #expect(MetricsAccess.isLoopback(address), "\(address)") }
        for address in ["10.0.0.1", "128.0.0.1", "::2", "fe80::1", "127.0.0", "127.0.0.1.5", "unknown", ""] {
            #expect(!MetricsAccess.isLoopback(address), "\(address)")
        }
        #expect(!MetricsAccess.isLoopback(nil))
    }

    @Test("TEND_METRICS_TOKEN is read and must be long enough; TEND_LOG_FORMAT is text or json")
    func configuration() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).metricsToken == nil)
        #expect(try ServerConfiguration.fromEnvironment(["TEND_METRICS_TOKEN": Self.token]).metricsToken == Self.token)
        do {
            _ = try ServerConfiguration.fromEnvironment(["TEND_METRICS_TOKEN": "short-secret"])
            Issue.record("expected an error")
        } catch {
            #expect(error.variable == "TEND_METRICS_TOKEN")
            #expect(!error.description.contains("short-secret"), "the token is not echoed")
        }
        #expect(try ServerConfiguration.fromEnvironment([:]).logFormat == .text)
        #expect(try ServerConfiguration.fromEnvironment(["TEND_LOG_FORMAT": "JSON"]).logFormat == .json)
        #expect(throws: ConfigurationError(variable: "TEND_LOG_FORMAT", value: "xml", expected: "text or json")) {
            try ServerConfiguration.fromEnvironment(["TEND_LOG_FORMAT": "xml"])
        }
    }
}
