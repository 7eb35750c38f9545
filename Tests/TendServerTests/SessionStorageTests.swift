import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Session storage")
struct SessionStorageTests {
    /// A session driver that counts the calls it gets.
    final class CountingDriver: SessionDriver, Sendable {
        let stored = NIOLockedValueBox<[String: SessionData]>([:])
        let updates = NIOLockedValueBox(0)

        func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
            let id = SessionID(string: UUID().uuidString)
            stored.withLockedValue { $0[id.string] = data }
            return request.eventLoop.makeSucceededFuture(id)
        }
        func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
            request.eventLoop.makeSucceededFuture(stored.withLockedValue { $0[sessionID.string] })
        }
        func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
            updates.withLockedValue { $0 += 1 }
            stored.withLockedValue { $0[sessionID.string] = data }
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
            stored.withLockedValue { $0[sessionID.string] = nil }
            return request.eventLoop.makeSucceededFuture(())
        }
    }

    @Test("Reading a session and saving it unchanged writes nothing; a change is written")
    func skipsUnchangedWrites() async throws {
        try await withApp { app in
            let base = CountingDriver()
            let driver = QuietSessionDriver(base: base)
            let setup = Request(application: app, on: app.eventLoopGroup.next())
            let id = try await driver.createSession(["user_id": "u1"], for: setup).get()

            let pageView = Request(application: app, on: app.eventLoopGroup.next())
            let data = try #require(try await driver.readSession(id, for: pageView).get())
            _ = try await driver.updateSession(id, to: data, for: pageView).get()
            #expect(base.updates.withLockedValue { $0 } == 0)

            var changed = data
            changed["csrf"] = "new"
            _ = try await driver.updateSession(id, to: changed, for: pageView).get()
            #expect(base.updates.withLockedValue { $0 } == 1)

            // A request that never read the session still writes.
            let other = Request(application: app, on: app.eventLoopGroup.next())
            _ = try await driver.updateSession(id, to: data, for: other).get()
            #expect(base.updates.withLockedValue { $0 } == 2)
        }
    }

    @Test("Sessions survive in the database between requests")
    func persisted() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.researcher, on: app)
            for _ in 0..<3 { #expect(try await browser.get("/").status == .ok) }
            #expect(try await SessionRecord.query(on: app.db).count() == 1)
        }
    }
}
