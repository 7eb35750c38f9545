import Fluent
import Foundation
import TendCore
import Vapor

/// Who may reach a study and what they may see of it. Admins reach every study, unblinded. Researchers
/// and facilitators reach the studies they are staff on (the researcher who created a study is staff on
/// it as `researcher`); anyone else gets 404, so a study's existence is not disclosed. A member of staff
/// whose study role is in the definition's ``StudyDefinition/blindedRoles`` is blinded: arm names and
/// allocations are never shown to them.
struct StudyAccess {
    let study: StudyModel
    let definition: StudyDefinition
    let user: UserModel
    /// The signed-in person's role on this study (nil for an admin who is not on its staff).
    let studyRole: BlindedRole?

    var studyID: UUID { study.id! }

    var isBlinded: Bool {
        guard let studyRole else { return false }
        return definition.blindedRoles.contains(studyRole)
    }

    var seesArms: Bool { !isBlinded }

    /// Only the study's statistician, unblinded, may download the allocation list.
    var mayExportAllocations: Bool { studyRole == .statistician && !isBlinded }

    /// Changing the definition, opening the study, staff and arm groups: admins and unblinded researchers.
    var mayManage: Bool { user.role == .admin || (user.role == .researcher && !isBlinded) }

    /// Screening, invitations and allocation: admins and researchers on the study.
    var mayScreen: Bool { user.role == .admin || user.role == .researcher }

    static let notFound = ErrorPages.Content(
        title: "Study not found",
        message: "There is no study at this address that you are part of. Studies you work on are listed on your studies page.",
        linkText: "Go to your studies", linkPath: SiteURL.studies.path)

    /// The study in the path, if the signed-in person may reach it.
    static func require(_ req: Request) async throws -> StudyAccess {
        guard let user = req.user else { throw PageError.forbidden }
        guard let raw = req.parameters.get(SiteURL.studyKey), let id = UUID(uuidString: raw),
              let study = try await StudyModel.find(id, on: req.db), let definition = study.definition
        else { throw PageError.notFound(notFound) }
        let staff = try await StudyStaffModel.query(on: req.db)
            .filter(\.$study.$id == id).filter(\.$user.$id == (try user.requireID())).first()
        if user.role != .admin && staff == nil { throw PageError.notFound(notFound) }
        return StudyAccess(study: study, definition: definition, user: user, studyRole: staff?.studyRole)
    }

    /// The person in the path (by study code) in this study's screening log.
    func screening(_ req: Request) async throws -> StudyScreeningModel {
        guard let code = req.parameters.get(SiteURL.studyCodeKey),
              let row = try await StudyScreeningModel.query(on: req.db)
                .filter(\.$study.$id == studyID).filter(\.$code == code).first()
        else { throw PageError.notFound() }
        return row
    }

    /// An arm as this viewer may see it: its name, or nothing when blinded.
    func armName(_ id: String) -> String? { seesArms ? (definition.arm(id)?.name ?? id) : nil }
}

/// Every study a member of staff reaches, for the list page.
enum StudyDirectory {
    static func studies(for user: UserModel, on db: any Database) async throws -> [StudyModel] {
        if user.role == .admin {
            return try await StudyModel.query(on: db).sort(\.$createdAt, .ascending).all()
        }
        let ids = try await StudyStaffModel.query(on: db).filter(\.$user.$id == (try user.requireID())).all().map(\.$study.id)
        guard !ids.isEmpty else { return [] }
        return try await StudyModel.query(on: db).filter(\.$id ~~ ids).sort(\.$createdAt, .ascending).all()
    }
}
