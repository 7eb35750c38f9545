import Fluent
import Foundation
import SQLKit
import Vapor

/// Issuing participant invitation links: one open link per roster member at a time.
enum ParticipantInvitations {
    /// Creates a new link for `member` and revokes every earlier one still open; returns the token (only
    /// its digest is stored). Call inside a transaction.
    static func issue(for member: RosterMemberModel, by staff: UserModel, now: Date, on db: any Database) async throws -> String {
        let memberID = try member.requireID()
        try await ParticipantInvitationModel.query(on: db)
            .filter(\.$member.$id == memberID)
            .filter(\.$acceptedAt == nil)
            .filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now)
            .update()
        let token = SecretToken.generate()
        let invitation = ParticipantInvitationModel(tokenHash: SecretToken.digest(token), memberID: memberID,
                                                    expiresAt: now.addingTimeInterval(ParticipantInvitationModel.lifetime),
                                                    invitedByID: try staff.requireID())
        try await invitation.create(on: db)
        try await AuditLog.record(.participantInvited, actor: staff, subject: .rosterMember(memberID), on: db)
        return token
    }

    /// The panel text for a link just issued.
    static func createdLink(token: String, member: RosterMemberModel, now: Date, req: Request) -> GroupPages.CreatedLink {
        GroupPages.CreatedLink(memberName: member.displayName,
                               link: SiteURL.join(.value(token)).absolute(on: req.application.tend.baseURL),
                               expires: now.addingTimeInterval(ParticipantInvitationModel.lifetime))
    }
}
