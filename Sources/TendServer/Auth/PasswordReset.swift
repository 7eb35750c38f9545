import Fluent
import Foundation

/// Whether `issuer` may issue a password reset link for `target`.
///
/// - An admin may issue one for any account.
/// - A facilitator may issue one for a participant on the roster of a group they run, once a row links
///   that participant's account to the roster member. The schema has no such link yet
///   (`roster_members` holds a display name and study code, no account), so today a facilitator may
///   issue a link for nobody.
/// - Researchers and participants never may.
func mayIssueReset(issuer: UserModel, target: UserModel, on database: any Database) async throws -> Bool {
    switch issuer.role {
    case .admin:
        return true
    case .facilitator:
        // Only a participant whose account is linked to a roster place in a group this facilitator runs.
        guard target.role == .participant, let targetID = target.id, let issuerID = issuer.id else { return false }
        let places = try await RosterMemberModel.query(on: database)
            .filter(\.$user.$id == targetID)
            .join(GroupModel.self, on: \RosterMemberModel.$group.$id == \GroupModel.$id)
            .filter(GroupModel.self, \.$facilitator.$id == issuerID)
            .count()
        return places > 0
    case .researcher, .participant:
        return false
    }
}

/// Issuing and using password reset links.
enum PasswordResets {
    /// The link just issued: shown once to the issuer, who passes it on (there is no e-mail yet).
    struct Issued: Sendable, Equatable {
        var link: String
        var expires: Date
    }

    /// Issues a new link for `target`, revoking every earlier unused one, and audits it (without the token).
    static func issue(for target: UserModel, by issuer: UserModel, now: Date, baseURL: URL, on database: any Database) async throws -> Issued {
        let token = SecretToken.generate()
        let expires = now.addingTimeInterval(PasswordResetModel.lifetime)
        let targetID = try target.requireID()
        try await database.transaction { db in
            try await PasswordResetModel.query(on: db)
                .filter(\.$user.$id == targetID)
                .filter(\.$usedAt == nil)
                .filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: now)
                .update()
            let reset = PasswordResetModel(tokenHash: SecretToken.digest(token), userID: targetID,
                                           issuedByID: try issuer.requireID(), expiresAt: expires)
            try await reset.create(on: db)
            try await AuditLog.record(.passwordResetIssued, actor: issuer, subject: .user(targetID), on: db, at: now)
        }
        return Issued(link: SiteURL.passwordReset(.value(token)).absolute(on: baseURL), expires: expires)
    }

    /// Finds a usable link or throws the page that explains why it is not usable.
    static func usable(_ token: String, now: Date, on database: any Database) async throws -> PasswordResetModel {
        guard let reset = try await PasswordResetModel.query(on: database)
            .filter(\.$tokenHash == SecretToken.digest(token))
            .with(\.$user)
            .first()
        else { throw PageError.notFound(ErrorPages.resetNotFound) }
        if reset.usedAt != nil { throw PageError.gone(ErrorPages.resetUsed) }
        if reset.revokedAt != nil { throw PageError.gone(ErrorPages.resetReplaced) }
        if reset.expiresAt <= now { throw PageError.gone(ErrorPages.resetExpired) }
        return reset
    }
}

extension ErrorPages {
    static let resetNotFound = Content(title: "Password reset link not found", message: "This link does not match any password reset link. Check that you copied all of it, or ask for a new one.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let resetUsed = Content(title: "This password reset link has already been used", message: "Each reset link works once. If you chose a new password with it, sign in with that password. Otherwise ask the person who gave you the link for a new one.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let resetExpired = Content(title: "This password reset link has expired", message: "Reset links last 24 hours. Ask the person who gave you the link for a new one. Your password has not changed.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let resetReplaced = Content(title: "This password reset link has been replaced", message: "A newer reset link was made for your account, and only the newest one works. Use that one, or ask for a new link. Your password has not changed.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
}
