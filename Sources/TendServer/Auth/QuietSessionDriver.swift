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
        let cache = request.application.readCaches.sessions
        return base.createSession(data, for: request).map { id in
            cache.set(data, for: id.string)
            return id
        }
    }

    /// Reuses a read of the same session from the last `TEND_CACHE_SECONDS` (see ``ReadCache``).
    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        let cache = request.application.readCaches.sessions
        if let hit = cache.value(for: sessionID.string) {
            request.storage[LoadedKey.self] = hit
            return request.eventLoop.makeSucceededFuture(hit)
        }
        return base.readSession(sessionID, for: request).map { data in
            request.storage[LoadedKey.self] = data
            if let data { cache.set(data, for: sessionID.string) }
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let loaded = request.storage[LoadedKey.self], loaded == data {
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        request.storage[LoadedKey.self] = data
        let cache = request.application.readCaches.sessions
        cache.remove(sessionID.string)
        return base.updateSession(sessionID, to: data, for: request).map { id in
            cache.set(data, for: id.string)
            return id
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.storage[LoadedKey.self] = nil
        request.application.readCaches.sessions.remove(sessionID.string)
        return base.deleteSession(sessionID, for: request)
    }
}
