import Fluent
import Foundation
import TendCore
import Vapor

/// The rules every change to a study's definition follows, whichever form it comes from (the JSON
/// editor or the structured set-up forms), and the one way a changed definition is stored.
enum StudyDefinitionChanges {
    /// Why `new` may not replace `old` on a study with `status`, or nil when it may. Once recruiting, the
    /// allocation sequence depends on the arms, design, randomisation and strata, so they are fixed; the
    /// short name names the study in data files and in exported identifiers, and timepoints have
    /// questionnaires planned at them, so neither is renamed (timepoints may be added); and consent
    /// versions already in use can only be followed by new ones.
    static func refusal(from old: StudyDefinition, to new: StudyDefinition, status: StudyModel.Status) -> String? {
        guard status == .recruiting else { return nil }
        if old.arms != new.arms || old.design != new.design || old.randomisation != new.randomisation
            || old.stratification != new.stratification {
            return "Arms, design, randomisation and stratification cannot change once the study is recruiting: the allocation sequence depends on them"
        }
        if old.id != new.id {
            return "The short name cannot change once the study is recruiting: data files and exported identifiers already use “\(old.id)”"
        }
        let kept = Set(new.timepoints.map(\.id))
        if let gone = old.timepoints.first(where: { !kept.contains($0.id) }) {
            return "Timepoint “\(gone.id)” cannot be renamed or removed once the study is recruiting: questionnaires are planned at it"
        }
        if !new.consentForms.starts(with: old.consentForms) {
            return "Consent versions already in use cannot be changed or removed: add a new version after them"
        }
        return nil
    }

    /// Consent form versions that may no longer change: every version once the study is recruiting, and
    /// any version someone has signed.
    static func consentVersionsInUse(_ access: StudyAccess, on db: any Database) async throws -> Set<String> {
        if access.study.status == .recruiting { return Set(access.definition.consentForms.map(\.version)) }
        let signed = try await StudyConsentModel.query(on: db).filter(\.$study.$id == access.studyID).all().map(\.version)
        return Set(signed)
    }

    /// Stores `definition` as the study's definition and records the change in the audit trail.
    static func save(_ definition: StudyDefinition, _ access: StudyAccess, on req: Request) async throws {
        let study = access.study
        study.definitionJSON = try StudyModel.encode(definition)
        study.title = definition.title
        try await req.db.transaction { db in
            try await study.update(on: db)
            try await AuditLog.record(.studyDefinitionChanged, actor: access.user, subject: .study(study.id), on: db, at: req.now)
        }
    }
}
