import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Session idle timeout and sign-out")
struct SessionIdleTimeoutTests {
    /// The stored `last_seen` of the browser's session.
    static func lastSeen(_ browser: Browser, on app: Application) async throws -> Int64? {
        let key = try #require(browser.cookies["tend_session"])
        let record = try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: key)).first()
        return record?.data[SignIn.lastSeenKey].flatMap(Int64.init)
    }

    @Test("A session unused for longer than the idle timeout is ended; the sign-in page explains and keeps the way back")
    func idleSessionEnds() async throws {
        try await withTendApp({ $0.sessionIdleTimeout = 30 * 60 }) { app in
            let clock = ManualClock()
            clock.install(on: app)
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let oldKey = try #require(browser.cookies["tend_session"])
            clock.advance(by: 29 * 60)
            #expect(try await browser.get("/groups").status == .ok, "29 minutes idle is within the limit")
            clock.advance(by: 31 * 60)
            let response = try await browser.get("/groups")
            #expect(response.status == .found)
            #expect(response.location == "/login?next=%2Fgroups&timed_out=1")
            #expect(try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: oldKey)).count() == 0,
                    "the idle session is deleted from the database")
            let login = try await browser.get(try #require(response.location))
            #expect(login.status == .ok)
            #expect(login.text.contains("You were signed out because Tend had not been used for 30 minutes"))
            #expect(login.text.contains("action=\"/login?next=%2Fgroups\""))
            let signIn = try await browser.post("/login?next=%2Fgroups", ["email": "facilitator@example.org", "password": Fixtures.password])
            #expect(signIn.location == "/groups", "signing in again goes back to where they were")
        }
    }

    @Test("A form sent after the timeout leads to the explanation, not to the expired-form page")
    func formAfterTimeout() async throws {
        try await withTendApp({ $0.sessionIdleTimeout = 10 * 60 }) { app in
            let clock = ManualClock()
            clock.install(on: app)
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            try await browser.get("/groups/new")
            clock.advance(by: 11 * 60)
            let response = try await browser.post("/groups", GroupTests.goodGroup)
            #expect(response.status == .found)
            #expect(response.location == "/login?timed_out=1")
            #expect(try await browser.get("/login?timed_out=1").text.contains("had not been used for 10 minutes"))
            #expect(try await GroupModel.query(on: app.db).count() == 0)
        }
    }

    @Test("The way back after a timeout is a local path only")
    func nextIsLocalOnly() async throws {
        try await withTendApp { app in
            try await Fixtures.user(.researcher, on: app)
            for next in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"] {
                let browser = Browser(app)
                let encoded = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let page = try await browser.get("/login?next=\(encoded)&timed_out=1")
                #expect(!page.text.contains("evil.example"))
                let response = try await browser.post("/login?next=\(encoded)", ["email": "researcher@example.org", "password": Fixtures.password])
                #expect(response.location == "/", "\(next) is not followed")
            }
        }
    }

    @Test("Activity keeps a session alive, and last-seen is written at most once per refresh interval")
    func activityRefreshesRarely() async throws {
        try await withTendApp { app in
            let clock = ManualClock()
            clock.install(on: app)
            #expect(app.tend.sessionIdleTimeout == 60 * 60, "the default idle timeout is 60 minutes")
            let browser = try await Fixtures.signedIn(.researcher, on: app)
            let start = try #require(try await Self.lastSeen(browser, on: app))
            // Many page views within the refresh interval change nothing in the database.
            for _ in 0..<20 {
                clock.advance(by: 10)
                #expect(try await browser.get("/").status == .ok)
            }
            #expect(try await Self.lastSeen(browser, on: app) == start)
            clock.advance(by: 5 * 60)
            #expect(try await browser.get("/").status == .ok)
            let refreshed = try #require(try await Self.lastSeen(browser, on: app))
            #expect(refreshed > start)
            // A page every 50 minutes for five hours keeps the session (within the 12-hour maximum age).
            for _ in 0..<6 {
                clock.advance(by: 50 * 60)
                #expect(try await browser.get("/").status == .ok)
            }
            // The maximum age still applies however active the session is.
            for _ in 0..<10 {
                clock.advance(by: 50 * 60)
                _ = try await browser.get("/")
            }
            #expect(try await browser.get("/").status == .found)
        }
    }

    @Test("Signing out deletes the session from the database")
    func signOutDeletesSession() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let key = try #require(browser.cookies["tend_session"])
            #expect(try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: key)).count() == 1)
            #expect(try await SessionOwnerModel.query(on: app.db).filter(\.$sessionKey == key).count() == 1)
            let response = try await browser.post("/logout", [:])
            #expect(response.status == .seeOther)
            #expect(try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: key)).count() == 0)
            #expect(try await SessionOwnerModel.query(on: app.db).filter(\.$sessionKey == key).count() == 0)
        }
    }

    @Test("The idle decision: expired by age, idle by last activity, refresh only after the interval")
    func decisions() {
        let activity = SessionActivity(idleTimeout: 3600)
        #expect(activity.refreshInterval == 300)
        #expect(SessionActivity(idleTimeout: 600).refreshInterval == 120)
        #expect(activity.decide(now: 1000, signedInAt: 1000, lastSeen: 1000) == .active(refresh: false))
        #expect(activity.decide(now: 1299, signedInAt: 1000, lastSeen: 1000) == .active(refresh: false))
        #expect(activity.decide(now: 1300, signedInAt: 1000, lastSeen: 1000) == .active(refresh: true))
        #expect(activity.decide(now: 4600, signedInAt: 1000, lastSeen: 1000) == .active(refresh: true))
        #expect(activity.decide(now: 4601, signedInAt: 1000, lastSeen: 1000) == .idle)
        #expect(activity.decide(now: 4601, signedInAt: 1000, lastSeen: nil) == .idle, "no last-seen counts from sign-in")
        #expect(activity.decide(now: 1000 + 12 * 3600 + 1, signedInAt: 1000, lastSeen: 1000 + 12 * 3600) == .expired)
        #expect(activity.decide(now: 999, signedInAt: 1000, lastSeen: 1000) == .expired)
    }

    @Test("TEND_SESSION_IDLE_MINUTES sets the timeout; bad values name the variable")
    func configuration() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).sessionIdleTimeout == 3600)
        #expect(try ServerConfiguration.fromEnvironment(["TEND_SESSION_IDLE_MINUTES": "15"]).sessionIdleTimeout == 900)
        for bad in ["0", "721", "half an hour", "1.5"] {
            #expect(throws: ConfigurationError(variable: "TEND_SESSION_IDLE_MINUTES", value: bad,
                                               expected: "a whole number of minutes from 1 to 720 (the default is 60)")) {
                try ServerConfiguration.fromEnvironment(["TEND_SESSION_IDLE_MINUTES": bad])
            }
        }
    }
}
