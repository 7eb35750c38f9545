import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Security headers")
struct SecurityHeadersTests {
    @Test("Pages, errors, files and operations endpoints all carry the headers",
          arguments: ["/login", "/no/such/page", "/tend.css", "/healthz", "/metrics", "/admin/audit"])
    func headersEverywhere(_ path: String) async throws {
        try await withTendApp { app in
            let response = try await Browser(app).get(path)
            let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(csp.contains("script-src 'self'"))
            #expect(csp.contains("style-src 'self'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil, "only over https")
        }
    }

    @Test("Pages have no inline script or style, so the policy blocks nothing of ours")
    func noInlineCode() async throws {
        try await withTendApp { app in
            for role in Role.allCases {
                let page = try await Fixtures.signedIn(role, on: app).get("/")
                #expect(!page.text.contains("<script"))
                #expect(!page.text.contains("style="))
                #expect(!page.text.contains("<style"))
                #expect(page.text.contains("<html lang=\"en\">"))
                #expect(page.text.contains("<a class=\"skip-link\" href=\"#main\">"))
                #expect(page.headers.first(name: .cacheControl) == "no-store")
            }
        }
    }
}
