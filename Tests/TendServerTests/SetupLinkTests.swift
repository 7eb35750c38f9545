import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("First admin setup link")
struct SetupLinkTests {
    static func setupPath(_ app: Application) async throws -> String {
        let link = try #require(try await FirstStart.setupLinkIfNeeded(app))
        #expect(link.hasPrefix("http://127.0.0.1:8080/setup/"))
        return String(link.dropFirst("http://127.0.0.1:8080".count))
    }

    static let validForm = ["name": "Ada Admin", "email": "ada@example.org", "password": "a long enough secret", "confirm": "a long enough secret"]

    @Test("The setup link creates the admin once, signs them in, then answers 410")
    func worksOnce() async throws {
        try await withTendApp { app in
            let path = try await Self.setupPath(app)
            let browser = Browser(app)
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("Create the first administrator account"))

            let created = try await browser.post(path, Self.validForm)
            #expect(created.status == .seeOther)
            #expect(created.location == "/")
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("Administration"))

            let admin = try #require(try await UserModel.query(on: app.db).filter(\.$email == "ada@example.org").first())
            #expect(admin.role == .admin)
            #expect(admin.passwordHash.hasPrefix("$2"))
            #expect(admin.passwordHash != "a long enough secret")

            let again = Browser(app)
            #expect(try await again.get(path).status == .gone)
            #expect(try await again.get(path).text.contains("already been used"))
            // Once an admin exists no new link is issued.
            #expect(try await FirstStart.setupLinkIfNeeded(app) == nil)
        }
    }

    @Test("Only the token's digest is stored")
    func storesDigest() async throws {
        try await withTendApp { app in
            let path = try await Self.setupPath(app)
            let token = String(path.dropFirst("/setup/".count))
            let stored = try await SetupTokenModel.query(on: app.db).all()
            #expect(stored.count == 1)
            #expect(stored[0].tokenHash == SecretToken.digest(token))
            #expect(stored[0].tokenHash != token)
            let lifetime = stored[0].expiresAt.timeIntervalSinceNow
            #expect(lifetime > 23.9 * 3600 && lifetime <= 24 * 3600)
        }
    }

    @Test("A new start retires the earlier unused link")
    func newLinkRetiresOld() async throws {
        try await withTendApp { app in
            let first = try await Self.setupPath(app)
            let second = try await Self.setupPath(app)
            #expect(first != second)
            let browser = Browser(app)
            #expect(try await browser.get(first).status == .notFound)
            #expect(try await browser.get(second).status == .ok)
        }
    }

    @Test("An unknown token gives 404 and an expired one 410")
    func unknownAndExpired() async throws {
        try await withTendApp { app in
            let browser = Browser(app)
            let unknown = try await browser.get("/setup/not-a-real-token")
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("Setup link not found"))

            let path = try await Self.setupPath(app)
            let record = try #require(try await SetupTokenModel.query(on: app.db).first())
            record.expiresAt = Date().addingTimeInterval(-1)
            try await record.save(on: app.db)
            let expired = try await browser.get(path)
            #expect(expired.status == .gone)
            #expect(expired.text.contains("expired"))
            try await browser.get("/login")  // a session with a CSRF token, so the POST reaches the check
            #expect(try await browser.post(path, Self.validForm).status == .gone)
            #expect(try await UserModel.query(on: app.db).count() == 0)
        }
    }
}
