import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Health and metrics")
struct OperationsTests {
    @Test("/healthz answers ok while the database answers")
    func healthy() async throws {
        try await withTendApp { app in
            let response = try await Browser(app).get("/healthz")
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
            #expect(response.headers.setCookie == nil, "no session for operators' probes")
        }
    }

    @Test("/robots.txt keeps the whole service out of search engines, without a session")
    func robots() async throws {
        try await withTendApp { app in
            let response = try await Browser(app).get("/robots.txt")
            #expect(response.status == .ok)
            #expect(response.text == "User-agent: *\nDisallow: /\n")
            #expect(response.headers.contentType == .plainText)
            #expect(response.headers.setCookie == nil)
        }
    }

    @Test("/healthz answers 503 when the database does not answer")
    func unhealthy() async throws {
        // A PostgreSQL address where nothing listens (port 1 on loopback).
        var configuration = ServerConfiguration.testing(database: .postgres(url: "postgres://tend@127.0.0.1:1/tend?tlsmode=disable"))
        configuration.logLevel = .critical
        try await withApp(configure: { app in try await configure(app, configuration) }) { app in
            let response = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.string == "database unavailable\n")
        }
    }

    @Test("/metrics counts requests by route pattern and status, with a latency histogram")
    func metrics() async throws {
        try await withTendApp({ $0.metricsToken = MetricsAccessTests.token }) { app in
            let browser = Browser(app)
            browser.headers.replaceOrAdd(name: .authorization, value: "Bearer " + MetricsAccessTests.token)
            try await browser.get("/login")
            try await browser.get("/login")
            try await browser.get("/invitations/secret-token-value")
            try await browser.get("/nowhere")
            let text = try await browser.get("/metrics").text
            #expect(text.contains("# TYPE tend_http_requests_total counter"))
            #expect(text.contains(#"tend_http_requests_total{method="GET",route="/login",status="200"} 2"#))
            #expect(text.contains(#"tend_http_requests_total{method="GET",route="/invitations/:token",status="404"} 1"#))
            #expect(text.contains(#"tend_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
            #expect(text.contains("# TYPE tend_http_request_duration_seconds histogram"))
            #expect(text.contains(#"tend_http_request_duration_seconds_count{method="GET",route="/login",status="200"} 2"#))
            #expect(text.contains(#"le="+Inf""#))
            #expect(!text.contains("secret-token-value"), "raw paths never become labels")
        }
    }
}
