import Fluent
import Foundation
import TendCore
import Vapor

enum StudyDates {
    static let utc = TimeZone(identifier: "UTC")!
}

/// Issuing study invitation links: one open link per screened person at a time (as
/// ``ParticipantInvitations`` does for roster members).
enum StudyInvitations {
    /// Creates a new link for `screening`, revoking every earlier one still open; returns the token (only
    /// its digest is stored). Call inside a transaction.
    static func issue(for screening: StudyScreeningModel, by staff: UserModel, now: Date, on db: any Database) async throws -> String {
        let screeningID = try screening.requireID()
        try await StudyInvitationModel.query(on: db)
            .filter(\.$screening.$id == screeningID)
            .filter(\.$acceptedAt == nil)
            .filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now)
            .update()
        let token = SecretToken.generate()
        let invitation = StudyInvitationModel(tokenHash: SecretToken.digest(token), screeningID: screeningID,
                                              expiresAt: now.addingTimeInterval(StudyInvitationModel.lifetime),
                                              invitedByID: try staff.requireID())
        try await invitation.create(on: db)
        try await AuditLog.record(.studyInvitationIssued, actor: staff, subject: .screening(screeningID), on: db, at: now)
        return token
    }
}

/// A signed consent as a PDF, made with TendCore's PDF writer. It names the study by its public title
/// only: never an arm.
enum ConsentDocument {
    static func document(consent: StudyConsentModel, code: String, definition: StudyDefinition) -> PDFDocument {
        let form = definition.consentForms.first { $0.version == consent.version }
        let ticked = Set(consent.items)
        var blocks: [DocumentBlock] = [
            .title("Consent to take part"),
            .paragraph([TextSpan("Study: ", bold: true), TextSpan(definition.publicTitle)]),
            .paragraph([TextSpan("Participant: ", bold: true), TextSpan(code)]),
            .paragraph([TextSpan("Consent form version: ", bold: true), TextSpan(consent.version)]),
            .paragraph([TextSpan("Signed: ", bold: true), TextSpan(Layout.format(consent.signedAt))]),
            .section("What was agreed"),
        ]
        let items = form?.items ?? []
        blocks.append(.bulletList(items.map { item in
            [TextSpan(ticked.contains(item.id) ? "Agreed: " : "Not agreed: ", bold: true), TextSpan(item.statement)]
        }))
        blocks.append(.paragraph([TextSpan("The participant ticked each agreed statement and chose “I consent” while signed in to their own account.")]))
        return PDFDocument(title: "Consent – " + definition.publicTitle, blocks: blocks)
    }

    static func response(consent: StudyConsentModel, code: String, definition: StudyDefinition, now: Date) -> Response {
        let bytes = document(consent: consent, code: code, definition: definition).render(creationDate: now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"consent-\(code)-\(consent.version).pdf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: bytes))
    }
}
