import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Read caches")
struct ReadCacheTests {
    @Test("a value is reused until its lifetime ends; a lifetime of 0 keeps nothing")
    func lifetime() async throws {
        let cache = ReadCache<String, Int>(lifetime: 0.2)
        cache.set(1, for: "a")
        #expect(cache.value(for: "a") == 1)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(cache.value(for: "a") == nil)
        let off = ReadCache<String, Int>(lifetime: 0)
        off.set(1, for: "a")
        #expect(off.value(for: "a") == nil)
    }

    @Test("entries set together expire at different moments, each within half to all of the lifetime")
    func expiriesAreSpread() {
        let cache = ReadCache<Int, Int>(lifetime: 10)
        for i in 0..<200 { cache.set(i, for: i) }
        let remaining = cache.remainingLifetimes()
        #expect(remaining.count == 200)
        #expect(remaining.allSatisfy { $0 <= 10_000_000_000 && $0 >= 4_900_000_000 })
        #expect(Set(remaining.map { $0 / 100_000_000 }).count > 20, "spread over the second half of the lifetime")
    }

    @Test("a full cache starts again rather than growing")
    func capacity() {
        let cache = ReadCache<Int, Int>(lifetime: 60, capacity: 3)
        for i in 0..<3 { cache.set(i, for: i) }
        cache.set(3, for: 3)
        #expect(cache.value(for: 0) == nil)
        #expect(cache.value(for: 3) == 3)
        cache.remove(3)
        #expect(cache.value(for: 3) == nil)
    }

    @Test("with caching on, signing out on this server ends the session at once, and pages still work")
    func signOutIsImmediate() async throws {
        try await withTendApp({ $0.readCacheLifetime = 30 }) { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            #expect(try await browser.get("/groups").status == .ok)
            #expect(try await browser.get("/groups").status == .ok, "a second view reuses the reads")
            let cookie = browser.cookies
            try await browser.get("/logout")
            #expect(try await browser.post("/logout", [:]).status == .seeOther)
            // The old cookie, replayed, no longer signs anyone in.
            let replay = Browser(app)
            replay.cookies = cookie
            let response = try await replay.get("/groups")
            #expect(response.status == .found && response.location?.hasPrefix("/login") == true)
        }
    }

    @Test("a cached account is a fresh model that saves as an update")
    func cachedUserSaves() async throws {
        try await withTendApp({ $0.readCacheLifetime = 30 }) { app in
            let user = try await Fixtures.user(.researcher, on: app)
            let snapshot = try CachedUser(user).model()
            #expect(snapshot !== user)
            snapshot.name = "Renamed"
            try await snapshot.save(on: app.db)
            #expect(try await UserModel.query(on: app.db).count() == 1)
            #expect(try await UserModel.find(user.requireID(), on: app.db)?.name == "Renamed")
        }
    }
}
