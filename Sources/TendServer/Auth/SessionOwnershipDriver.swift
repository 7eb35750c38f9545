import Fluent
import Vapor

/// Records which account a new signed-in session belongs to, in `session_owners`, so that every
/// session of one account can be found and ended (``SessionOwnership/endAll(of:on:)``).
///
/// A signed-in session is always created fresh (``SignIn/begin(_:on:)`` drops the old id), so the
/// owner row is written once, when the session record is created; it is deleted with the record
/// (foreign key with `ON DELETE CASCADE`) or with the account.
struct SessionOwnershipDriver: SessionDriver {
    let base: any SessionDriver

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.createSession(data, for: request).flatMap { id in
            guard let raw = data[SignIn.userKey], let userID = UUID(uuidString: raw) else {
                return request.eventLoop.makeSucceededFuture(id)
            }
            return SessionOwnerModel(sessionKey: id.string, userID: userID).create(on: request.db).map { id }
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        base.readSession(sessionID, for: request)
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        base.deleteSession(sessionID, for: request)
    }
}

enum SessionOwnership {
    /// Deletes every session record of the account (its owner rows go with them). Returns how many.
    @discardableResult
    static func endAll(of userID: UUID, on database: any Database) async throws -> Int {
        let keys = try await SessionOwnerModel.query(on: database).filter(\.$user.$id == userID).all().map(\.sessionKey)
        guard !keys.isEmpty else { return 0 }
        try await SessionRecord.query(on: database).filter(\.$key ~~ keys.map { SessionID(string: $0) }).delete()
        try await SessionOwnerModel.query(on: database).filter(\.$user.$id == userID).delete()
        return keys.count
    }
}
