import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("CSRF protection")
struct CSRFTests {
    @Test("A POST without the token gets 403 and a clear page")
    func missingToken() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.admin, on: app)
            let browser = Browser(app)
            try await browser.get("/login")
            let response = try await browser.post("/login", ["email": "admin@example.org", "password": Fixtures.password], csrf: "")
            #expect(response.status == .forbidden)
            #expect(response.text.contains("This form has expired"))
            #expect(try await browser.get("/").status == .found, "not signed in")
        }
    }

    @Test("A POST with a wrong token gets 403")
    func wrongToken() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.admin, on: app)
            let browser = Browser(app)
            try await browser.get("/login")
            let response = try await browser.post("/login", ["email": "admin@example.org", "password": Fixtures.password],
                                                   csrf: SecretToken.generate())
            #expect(response.status == .forbidden)
        }
    }

    @Test("A POST with no session at all gets 403")
    func noSession() async throws {
        try await withTendApp { app in
            let response = try await Browser(app).post("/login", ["email": "a@example.org", "password": "x"], csrf: "forged")
            #expect(response.status == .forbidden)
        }
    }

    @Test("A signed-in admin's form needs the token too")
    func adminFormNeedsToken() async throws {
        try await withTendApp { app in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let response = try await admin.post("/admin/invitations", ["email": "new@example.org", "role": "facilitator"], csrf: "")
            #expect(response.status == .forbidden)
            #expect(try await InvitationModel.query(on: app.db).count() == 0)
            // The page keeps the header of the signed-in person.
            #expect(response.text.contains("Sign out"))
        }
    }

    @Test("The token is rotated at sign-in")
    func rotatedAtSignIn() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.researcher, on: app)
            let browser = Browser(app)
            try await browser.get("/login")
            let before = try #require(browser.csrf)
            try await browser.post("/login", ["email": "researcher@example.org", "password": Fixtures.password])
            try await browser.get("/")
            let after = try #require(browser.csrf)
            #expect(before != after)
            // The anonymous token no longer works.
            #expect(try await browser.post("/logout", [:], csrf: before).status == .forbidden)
        }
    }
}
