import Fluent
import Foundation
import TendCore
import Vapor

/// The structured study editor: a page per part of the set-up (basics, arms, eligibility, consent,
/// timepoints and the measures grid, feasibility, risk items, blinding). Every save builds a new
/// definition from the stored one plus the posted part, checks it with the same validation and the same
/// recruiting rules as the JSON editor, and either stores it (audited) or shows the form again, as
/// typed, with each problem beside its field. Only staff who may manage the study reach it; arms only
/// those who see arms.
struct StudySetupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        staff.get(SiteURL.studySetup(.key).pathComponents, use: overview)
        for part in StudySetupPart.allCases {
            staff.get(SiteURL.studySetupPart(.key, part).pathComponents) { req in try await self.show(req, part, item: nil) }
            staff.post(SiteURL.studySetupPart(.key, part).pathComponents) { req in try await self.save(req, part, item: nil) }
            guard part.isList else { continue }
            staff.get(SiteURL.studySetupItem(.key, part, .key).pathComponents) { req in try await self.show(req, part, item: try Self.item(req)) }
            staff.post(SiteURL.studySetupItem(.key, part, .key).pathComponents) { req in try await self.save(req, part, item: try Self.item(req)) }
            staff.post(SiteURL.studySetupItemRemove(.key, part, .key).pathComponents) { req in try await self.remove(req, part) }
        }
    }

    static func catalogues() -> StudySetupCatalogues {
        StudySetupCatalogues(instruments: try? QuestionnaireScoring.library(), programmes: ProgrammeLibrary.all)
    }

    static func item(_ req: Request) throws -> Int {
        guard let item = req.parameters.get(SiteURL.setupItemKey, as: Int.self), item >= 0 else { throw PageError.notFound() }
        return item
    }

    /// The study, if the signed-in person may change its set-up (and see this part).
    static func access(_ req: Request, _ part: StudySetupPart?) async throws -> StudyAccess {
        let access = try await StudyAccess.require(req)
        guard access.mayManage else { throw PageError.forbidden }
        if let part, part.showsArms, !access.seesArms { throw PageError.forbidden }
        return access
    }

    @Sendable
    func overview(req: Request) async throws -> Response {
        let access = try await Self.access(req, nil)
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let page = StudySetupPages.Overview(id: access.studyID, definition: access.definition, status: access.study.status,
                                            seesArms: access.seesArms,
                                            problems: StudyController.problems(access.definition).filter { access.seesArms || !$0.field.hasPrefix("arms") })
        return .html(StudySetupPages.overview(viewer: viewer, page: page, csrf: CSRF.token(for: req)))
    }

    /// Why item `item` of `part` cannot change now, or nil.
    static func lock(_ part: StudySetupPart, item: Int, _ access: StudyAccess, inUse: Set<String>) -> String? {
        switch part {
        case .arms, .stratification:
            return access.study.status == .recruiting ? "fixed since the study opened" : nil
        case .consent:
            return inUse.contains(access.definition.consentForms[item].version) ? "in use: add a new version instead" : nil
        default:
            return nil
        }
    }

    static func render(_ req: Request, _ access: StudyAccess, _ part: StudySetupPart, item: Int?, values: [String: String]?,
                       errors: FormErrors = FormErrors(), general: [String] = [], status: HTTPStatus = .ok) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let d = access.definition
        let catalogues = Self.catalogues()
        let count = StudySetupEditor.itemCount(part, in: d)
        if let item, !(0..<count).contains(item) { throw PageError.notFound() }
        let inUse = part == .consent ? try await StudyDefinitionChanges.consentVersionsInUse(access, on: req.db) : []
        let items = (0..<count).map { index in
            StudySetupPages.Item(summary: StudySetupEditor.summary(part, index, in: d, catalogues),
                                 locked: Self.lock(part, item: index, access, inUse: inUse))
        }
        let locked = item.flatMap { Self.lock(part, item: $0, access, inUse: inUse) }
        var lockedNote: String?
        let recruiting = access.study.status == .recruiting
        if recruiting, [.arms, .stratification].contains(part) {
            lockedNote = "The study is open for recruitment, so its arms and strata are fixed: the allocation sequence depends on them."
        } else if part == .consent, !inUse.isEmpty {
            lockedNote = "Versions in use cannot change. To change what participants agree to, add a new version in force from a later date."
        }
        let formShown = locked == nil && !(recruiting && [.arms, .stratification].contains(part) && values == nil)
        let shownValues = values ?? StudySetupEditor.values(part, d, item: item)
        var notice: String?
        if req.query[String.self, at: "saved"] != nil { notice = "Saved." }
        if req.query[String.self, at: "removed"] != nil { notice = "Removed." }
        let page = StudySetupPages.PartPage(
            id: access.studyID, definition: d, part: part, items: items, item: item,
            groups: formShown ? StudySetupEditor.groups(part, d, catalogues, values: shownValues) : nil,
            values: shownValues, errors: errors, general: general, notice: notice,
            lockedNote: locked.map { "This \(part.itemName) is \($0)." } ?? lockedNote,
            mayRemove: item != nil && locked == nil)
        return .html(StudySetupPages.part(viewer: viewer, page: page, csrf: CSRF.token(for: req)), status: status)
    }

    func show(_ req: Request, _ part: StudySetupPart, item: Int?) async throws -> Response {
        let access = try await Self.access(req, part)
        return try await Self.render(req, access, part, item: item, values: nil)
    }

    func save(_ req: Request, _ part: StudySetupPart, item: Int?) async throws -> Response {
        let access = try await Self.access(req, part)
        let old = access.definition
        if let item, !(0..<StudySetupEditor.itemCount(part, in: old)).contains(item) { throw PageError.notFound() }
        var values = try req.content.decode([String: String].self)
        values[CSRF.fieldName] = nil
        if part == .consent, let item {
            let inUse = try await StudyDefinitionChanges.consentVersionsInUse(access, on: req.db)
            if inUse.contains(old.consentForms[item].version) {
                var errors = FormErrors()
                let message = "Consent version \(old.consentForms[item].version) is in use and cannot be changed: add a new version after it"
                errors.add(StudySetupPages.problemsID, message)
                return try await Self.render(req, access, part, item: item, values: values, errors: errors, general: [message],
                                             status: .unprocessableEntity)
            }
        }
        let change = StudySetupEditor.apply(part, values, item: item, to: old, Self.catalogues())
        var errors = change.errors
        var general: [String] = []
        let blocking = StudySetupEditor.blocking(old: StudyController.problems(old), new: StudyController.problems(change.definition),
                                                 change: change)
        for problem in blocking {
            if let target = change.field(for: problem.field) {
                errors.add(target.field, "\(target.label): found \(problem.value); expected \(problem.expected)")
            } else {
                general.append("\(problem.field): found \(problem.value); expected \(problem.expected)")
            }
        }
        if let refusal = StudyDefinitionChanges.refusal(from: old, to: change.definition, status: access.study.status) {
            general.append(refusal)
        }
        if !general.isEmpty {
            errors.add(StudySetupPages.problemsID, general.count == 1 ? general[0] : "This change would bring \(general.count) problems: each is listed with the form")
        }
        guard errors.isEmpty else {
            return try await Self.render(req, access, part, item: item, values: values, errors: errors, general: general,
                                         status: .unprocessableEntity)
        }
        try await StudyDefinitionChanges.save(change.definition, access, on: req)
        return .seeOther(SiteURL.studySetupPart(.value(access.studyID), part).path + "?saved=1")
    }

    func remove(_ req: Request, _ part: StudySetupPart) async throws -> Response {
        let access = try await Self.access(req, part)
        let item = try Self.item(req)
        let old = access.definition
        guard (0..<StudySetupEditor.itemCount(part, in: old)).contains(item) else { throw PageError.notFound() }
        var refusal: String?
        if part == .consent, try await StudyDefinitionChanges.consentVersionsInUse(access, on: req.db).contains(old.consentForms[item].version) {
            refusal = "Consent version \(old.consentForms[item].version) is in use and cannot be removed"
        }
        var removed = old
        if refusal == nil {
            switch StudySetupEditor.remove(part, item: item, from: old) {
            case .removed(let definition): removed = definition
            case .refused(let message): refusal = message
            }
        }
        if refusal == nil { refusal = StudyDefinitionChanges.refusal(from: old, to: removed, status: access.study.status) }
        if let refusal {
            var errors = FormErrors()
            errors.add(StudySetupPages.problemsID, refusal)
            return try await Self.render(req, access, part, item: item, values: nil, errors: errors, general: [refusal],
                                         status: .unprocessableEntity)
        }
        try await StudyDefinitionChanges.save(removed, access, on: req)
        return .seeOther(SiteURL.studySetupPart(.value(access.studyID), part).path + "?removed=1")
    }
}
