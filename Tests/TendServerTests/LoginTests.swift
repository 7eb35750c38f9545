import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Signing in and out")
struct LoginTests {
    @Test("The right password signs in on a new session id and lands on the home page")
    func success() async throws {
        try await withTendApp { app in
            let user = try await Fixtures.user(.facilitator, on: app)
            let browser = Browser(app)
            try await browser.get("/login")
            let anonymousSession = try #require(browser.cookies["tend_session"])
            let response = try await browser.post("/login", ["email": "  Facilitator@Example.org ", "password": Fixtures.password])
            #expect(response.status == .seeOther)
            #expect(response.location == "/")
            let cookie = try #require(response.headers.setCookie?["tend_session"])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .lax)
            #expect(!cookie.isSecure)
            #expect(browser.cookies["tend_session"] != anonymousSession, "the session id changes at sign-in")
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("Hello, \(user.name)"))
            let events = try await AuditEventModel.query(on: app.db).filter(\.$action == .signedIn).count()
            #expect(events == 1)
        }
    }

    @Test("Cookies are Secure when the base URL is https")
    func secureCookie() async throws {
        try await withTendApp({ $0.baseURL = URL(string: "https://tend.example.org")! }) { app in
            let response = try await Browser(app).get("/login")
            let cookie = try #require(response.headers.setCookie?["tend_session"])
            #expect(cookie.isSecure)
            #expect(response.headers.first(name: "Strict-Transport-Security") != nil)
        }
    }

    @Test("A wrong password re-renders the form with the e-mail kept and no password")
    func wrongPassword() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.researcher, on: app)
            let browser = Browser(app)
            try await browser.get("/login")
            let response = try await browser.post("/login", ["email": "researcher@example.org", "password": "not the password"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("value=\"researcher@example.org\""))
            #expect(!response.text.contains("not the password"))
            #expect(response.text.contains("There is a problem"))
            #expect(response.text.contains("<title>Error: Sign in"))
            #expect(try await browser.get("/").status == .found)
        }
    }

    @Test("Empty fields are named in the error summary and linked to their inputs")
    func emptyFields() async throws {
        try await withTendApp { app in
            let browser = Browser(app)
            try await browser.get("/login")
            let response = try await browser.post("/login", ["email": "", "password": ""])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("<a href=\"#email\">Enter your e-mail address</a>"))
            #expect(response.text.contains("<a href=\"#password\">Enter your password</a>"))
            #expect(response.text.contains("aria-describedby=\"email-error\""))
            #expect(response.text.contains("aria-invalid=\"true\""))
        }
    }

    @Test("After 5 failures the account is locked, even with the right password")
    func accountThrottle() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.admin, on: app)
            let limit = LoginThrottle.Limits.standard.accountFailures
            #expect(limit == 5)
            let browser = Browser(app)
            try await browser.get("/login")
            for attempt in 1...limit {
                let response = try await browser.post("/login", ["email": "admin@example.org", "password": "guess \(attempt)"])
                #expect(response.status == .unprocessableEntity)
            }
            let locked = try await browser.post("/login", ["email": "admin@example.org", "password": Fixtures.password])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.text.contains("Too many attempts"))
            // Another account is not affected by this one's lock.
            try await Fixtures.user(.researcher, on: app)
            let other = try await Browser(app).signIn("researcher@example.org")
            #expect(other.status == .seeOther)
        }
    }

    @Test("The lock lifts when the window has passed, and success clears the count")
    func throttleWindow() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.admin, on: app)
            let browser = Browser(app)
            try await browser.get("/login")
            for _ in 1...5 { try await browser.post("/login", ["email": "admin@example.org", "password": "wrong password"]) }
            #expect(try await browser.post("/login", ["email": "admin@example.org", "password": Fixtures.password]).status == .tooManyRequests)
            // Move the window into the past, as if 15 minutes had gone by.
            for row in try await LoginThrottleModel.query(on: app.db).all() {
                row.windowStartedAt -= LoginThrottle.Limits.standard.window
                try await row.save(on: app.db)
            }
            #expect(try await browser.post("/login", ["email": "admin@example.org", "password": Fixtures.password]).status == .seeOther)
            let accountKey = LoginThrottle.Key.account(email: "admin@example.org").stored
            #expect(try await LoginThrottleModel.query(on: app.db).filter(\.$key == accountKey).count() == 0)
        }
    }

    @Test("After 20 failures from one address, that address is locked for every account")
    func addressThrottle() async throws {
        try await withTendApp({ $0.trustForwardedFor = true }) { app in
            try await Fixtures.user(.facilitator, on: app)
            let attacker = Browser(app)
            attacker.headers.replaceOrAdd(name: "X-Forwarded-For", value: "203.0.113.9")
            try await attacker.get("/login")
            for index in 1...LoginThrottle.Limits.standard.addressFailures {
                try await attacker.post("/login", ["email": "person\(index)@example.org", "password": "password guess"])
            }
            let blocked = try await attacker.post("/login", ["email": "facilitator@example.org", "password": Fixtures.password])
            #expect(blocked.status == .tooManyRequests)
            // Someone else, from another address, can still sign in to that account.
            let colleague = Browser(app)
            colleague.headers.replaceOrAdd(name: "X-Forwarded-For", value: "198.51.100.7")
            #expect(try await colleague.signIn("facilitator@example.org").status == .seeOther)
            // Addresses and e-mails are stored only as digests.
            let keys = try await LoginThrottleModel.query(on: app.db).all().map(\.key)
            #expect(!keys.contains { $0.contains("203.0.113.9") || $0.contains("@") })
        }
    }

    @Test("Sign-out needs a POST with the CSRF token, ends the session and says so")
    func logout() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.participant, on: app)
            let confirm = try await browser.get("/logout")
            #expect(confirm.status == .ok)
            let response = try await browser.post("/logout", [:])
            #expect(response.status == .seeOther)
            #expect(response.location == "/login?signed_out=1")
            #expect(browser.cookies["tend_session"] == nil)
            #expect(try await browser.get("/login?signed_out=1").text.contains("You have signed out."))
            #expect(try await browser.get("/").status == .found)
        }
    }

    @Test("A safe next path is followed after sign-in; another site never is")
    func nextPath() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.admin, on: app)
            let browser = Browser(app)
            let bounce = try await browser.get("/admin/audit")
            #expect(bounce.status == .found)
            #expect(bounce.location == "/login?next=%2Fadmin%2Faudit")
            try await browser.get(bounce.location!)
            let response = try await browser.post("/login?next=%2Fadmin%2Faudit", ["email": "admin@example.org", "password": Fixtures.password])
            #expect(response.location == "/admin/audit")
            #expect(LoginController.safeNext("//evil.example") == nil)
            #expect(LoginController.safeNext("https://evil.example") == nil)
            #expect(LoginController.safeNext("/\\evil.example") == nil)
        }
    }
}

extension Browser {
    /// Loads the sign-in page and posts the fixture password for `email`.
    func signIn(_ email: String) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", ["email": email, "password": Fixtures.password])
    }
}
