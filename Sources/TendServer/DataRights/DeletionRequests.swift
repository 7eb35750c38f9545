import Fluent
import Foundation
import Vapor

/// Participants' deletion requests: asking (with their password) and an admin carrying one out.
enum DeletionRequests {
    /// The longest note a participant can add to their request.
    static let maximumNoteLength = 2000

    /// The participant's request still waiting for an admin, if any.
    static func pending(for user: UUID, on database: any Database) async throws -> DeletionRequestModel? {
        try await DeletionRequestModel.query(on: database)
            .filter(\.$user.$id == user)
            .filter(\.$completedAt == nil)
            .sort(\.$requestedAt)
            .first()
    }

    /// Every request waiting for an admin, oldest first, with the account.
    static func allPending(on database: any Database) async throws -> [DeletionRequestModel] {
        try await DeletionRequestModel.query(on: database)
            .filter(\.$completedAt == nil)
            .with(\.$user)
            .sort(\.$requestedAt)
            .all()
    }

    /// Deletes the participant's records, section by section (``ParticipantDataExport/sections``, in
    /// reverse order), anonymises the account, ends every session, and closes the request (and any other
    /// open request of the same person), in one transaction. The audit trail keeps its entries: they hold
    /// ids, roles and action codes only, and now point at the anonymised account.
    static func carryOut(_ request: DeletionRequestModel, by admin: UserModel, now: Date, on database: any Database) async throws {
        let userID = request.$user.id
        try await database.transaction { db in
            for section in ParticipantDataExport.sections.reversed() {
                try await section.erase(for: userID, on: db)
            }
            try await SessionOwnership.endAll(of: userID, on: db)
            let open = try await DeletionRequestModel.query(on: db).filter(\.$user.$id == userID).filter(\.$completedAt == nil).all()
            for item in open {
                item.completedAt = now
                item.$completedBy.id = admin.id
                item.note = nil
                try await item.update(on: db)
            }
            try await AuditLog.record(.deletionCarriedOut, actor: admin, subject: .user(userID), on: db, at: now)
        }
    }
}
