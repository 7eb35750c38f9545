import Fluent
import Vapor

/// Database sessions without a write on every request.
///
/// Vapor's sessions middleware saves the session after every response that had a session cookie,
/// even when nothing in it changed: one UPDATE per page view. This driver remembers what it read for
/// the request and skips the update when the data is unchanged, so a page view costs reads only.
/// Creating, changing and deleting sessions go to the wrapped driver as before.
struct QuietSessionDriver: SessionDriver {
    let base: any SessionDriver

    private struct LoadedKey: StorageKey { typealias Value = SessionData }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.createSession(data, for: request)
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        base.readSession(sessionID, for: request).map { data in
            request.storage[LoadedKey.self] = data
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let loaded = request.storage[LoadedKey.self], loaded == data {
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        request.storage[LoadedKey.self] = data
        return base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.storage[LoadedKey.self] = nil
        return base.deleteSession(sessionID, for: request)
    }
}
