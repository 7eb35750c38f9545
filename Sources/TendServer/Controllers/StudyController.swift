import Fluent
import Foundation
import TendCore
import TendResources
import Vapor

/// Studies: the list, a new study from a template (or blank), a study's definition page, editing the
/// definition (JSON, validated by TendCore with each problem named by its field path), staff and their
/// blinding, groups for arms, opening for recruitment (which draws and records the allocation seed) and
/// the allocation list for the unblinded statistician.
struct StudyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let research = routes.grouped(RequireRole(.researcher, .admin))
        research.get(SiteURL.newStudy.pathComponents, use: newStudy)
        research.post(SiteURL.studies.pathComponents, use: create)
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        staff.get(SiteURL.studies.pathComponents, use: list)
        staff.get(SiteURL.study(.key).pathComponents, use: show)
        staff.post(SiteURL.studyDefinition(.key).pathComponents, use: saveDefinition)
        staff.post(SiteURL.studyOpen(.key).pathComponents, use: open)
        staff.post(SiteURL.studyStaff(.key).pathComponents, use: addStaff)
        staff.post(SiteURL.studyArmGroups(.key).pathComponents, use: saveArmGroups)
        staff.get(SiteURL.studyAllocationsCSV(.key).pathComponents, use: allocationsCSV)
    }

    /// The built-in study templates, read from their resource files once per process.
    static func templates() -> [StudyDefinition] { builtInTemplates }
    private static let builtInTemplates = (try? StudyTemplateCatalog.builtIn()) ?? []

    static func problems(_ definition: StudyDefinition) -> [InputError] {
        definition.validated(instruments: try? QuestionnaireScoring.library(), programmes: ProgrammeLibrary.all).problems
    }

    // MARK: List and create

    @Sendable
    func list(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let rows = try await StudyDirectory.studies(for: user, on: req.db).map { study in
            StudyPages.ListRow(id: study.id!, title: study.title, status: study.status)
        }
        return .html(StudyPages.list(viewer: viewer, rows: rows, mayCreate: user.role != .facilitator, csrf: CSRF.token(for: req)))
    }

    static func renderNew(_ req: Request, form: StudyPages.NewForm, errors: FormErrors, status: HTTPStatus) throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let choices = templates().map { StudyPages.TemplateChoice(id: $0.id, title: $0.title, design: $0.design) }
        return .html(StudyPages.newStudy(viewer: viewer, templates: choices, form: form, errors: errors, csrf: CSRF.token(for: req)),
                     status: status)
    }

    @Sendable
    func newStudy(req: Request) async throws -> Response {
        try Self.renderNew(req, form: .init(), errors: FormErrors(), status: .ok)
    }

    struct CreateInput: Content {
        var template: String?
        var title: String?
        var publicTitle: String?
    }

    /// Lower-case letters, digits and hyphens made from a title.
    static func slug(_ title: String) -> String {
        var out = ""
        for scalar in title.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) { out.unicodeScalars.append(scalar) }
            else if !out.hasSuffix("-"), !out.isEmpty { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(64))
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let input = try req.content.decode(CreateInput.self)
        let form = StudyPages.NewForm(template: input.template, title: GroupController.trimmed(input.title),
                                      publicTitle: GroupController.trimmed(input.publicTitle))
        var errors = FormErrors()
        let template: StudyDefinition?
        switch form.template {
        case StudyPages.blankTemplate?: template = nil
        case let id? where Self.templates().contains(where: { $0.id == id }): template = Self.templates().first { $0.id == id }
        default:
            template = nil
            errors.add("template", "Choose a template to start from, or a blank study")
        }
        if form.title.isEmpty { errors.add("title", "Enter the study's title, as staff will see it") }
        else if form.title.count > 200 { errors.add("title", "Title must be 200 characters or fewer") }
        if form.publicTitle.isEmpty { errors.add("publicTitle", "Enter the public title participants will see") }
        else if form.publicTitle.count > 200 { errors.add("publicTitle", "Public title must be 200 characters or fewer") }
        else if let template, template.arms.contains(where: { form.publicTitle.localizedCaseInsensitiveContains($0.name) }) {
            errors.add("publicTitle", "Public title must not name an arm: participants must not learn the arms from it")
        }
        guard errors.isEmpty else { return try Self.renderNew(req, form: form, errors: errors, status: .unprocessableEntity) }
        var definition = template ?? StudyDefinition(id: "study", title: form.title, publicTitle: form.publicTitle,
                                                     design: .singleArm, arms: [])
        definition.id = Self.slug(form.title).isEmpty ? definition.id : Self.slug(form.title)
        definition.title = form.title
        definition.publicTitle = form.publicTitle
        let study = try StudyModel(definition: definition, createdByID: try user.requireID())
        try await req.db.transaction { db in
            try await study.create(on: db)
            if user.role == .researcher {
                try await StudyStaffModel(studyID: try study.requireID(), userID: try user.requireID(), role: .researcher).create(on: db)
            }
            try await AuditLog.record(.studyCreated, actor: user, subject: .study(study.id), on: db, at: req.now)
        }
        return .seeOther(SiteURL.study(.value(try study.requireID())).path)
    }

    // MARK: The study page

    struct PageState {
        var definitionText: String? = nil
        var definitionErrors = FormErrors()
        var problems: [InputError]? = nil
        var staffForm = StudyPages.StaffForm()
        var staffErrors = FormErrors()
        var notice: String? = nil
    }

    static func render(_ req: Request, _ access: StudyAccess, state: PageState = .init(), status: HTTPStatus = .ok) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let studyID = access.studyID
        let staffRows = try await StudyStaffModel.query(on: req.db).filter(\.$study.$id == studyID).with(\.$user).all()
            .sorted { $0.user.name < $1.user.name }
            .map { StudyPages.StaffRow(name: $0.user.name, role: $0.studyRole, blinded: access.definition.blindedRoles.contains($0.studyRole)) }
        var candidates: [StudyPages.Option] = []
        var groupChoices: [StudyPages.ArmGroupChoice] = []
        if access.mayManage {
            candidates = try await UserModel.query(on: req.db).filter(\.$role != .participant).sort(\.$name, .ascending).all()
                .map { StudyPages.Option(value: $0.id!.uuidString.lowercased(), label: "\($0.name) (\($0.role.displayName))") }
            let chosen = access.study.armGroups
            for arm in access.definition.arms {
                guard let programme = Self.groupProgramme(of: arm, in: access.definition) else { continue }
                let groups = try await GroupModel.query(on: req.db).filter(\.$programmeID == programme.id)
                    .filter(\.$versionID == programme.version).sort(\.$name, .ascending).all()
                groupChoices.append(StudyPages.ArmGroupChoice(
                    arm: arm.id, armName: arm.programme == nil ? arm.name + " (after follow-up, if they accept the offer)" : arm.name,
                    groups: groups.map { StudyPages.Option(value: $0.id!.uuidString.lowercased(), label: $0.name) },
                    selected: chosen[arm.id]?.uuidString.lowercased()))
            }
        }
        let problems = state.problems ?? Self.problems(access.definition)
        let page = StudyPages.Detail(
            id: studyID, definition: access.definition, status: access.study.status, openedAt: access.study.openedAt,
            seesArms: access.seesArms, yourRole: access.studyRole, mayManage: access.mayManage, mayScreen: access.mayScreen,
            mayExport: access.mayExportAllocations, problems: problems, staff: staffRows, staffCandidates: candidates,
            armGroups: access.seesArms ? groupChoices : [],
            // The JSON names every arm: only managers who may see arms get it.
            definitionText: access.mayManage && access.seesArms ? (state.definitionText ?? access.study.definitionJSON) : nil)
        return .html(StudyPages.detail(viewer: viewer, page: page, state: state, csrf: CSRF.token(for: req)), status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        return try await Self.render(req, access)
    }

    struct DefinitionInput: Content { var definition: String? }

    static func decodeError(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "Definition is missing \(Self.path(context.codingPath + [key])): add it"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "Definition has the wrong kind of value at \(Self.path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "Definition must be valid JSON (check brackets, quotes and commas)"
                : "Definition has an unreadable value at \(Self.path(context.codingPath)): \(context.debugDescription)"
        default:
            return "Definition must be valid JSON describing a study"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out.isEmpty ? "the top level" : out
    }

    @Sendable
    func saveDefinition(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.mayManage, access.seesArms else { throw PageError.forbidden }
        let text = try req.content.decode(DefinitionInput.self).definition ?? ""
        var state = PageState(definitionText: text)
        let definition: StudyDefinition
        do {
            definition = try JSONDecoder().decode(StudyDefinition.self, from: Data(text.utf8))
        } catch {
            state.definitionErrors.add("definition", Self.decodeError(error))
            return try await Self.render(req, access, state: state, status: .unprocessableEntity)
        }
        let problems = Self.problems(definition)
        if !problems.isEmpty {
            state.problems = problems
            state.definitionErrors.add("definition", "Definition has \(problems.count) problem\(problems.count == 1 ? "" : "s"): each is listed with its field")
            return try await Self.render(req, access, state: state, status: .unprocessableEntity)
        }
        if let refusal = StudyDefinitionChanges.refusal(from: access.definition, to: definition, status: access.study.status) {
            state.definitionErrors.add("definition", refusal)
            return try await Self.render(req, access, state: state, status: .unprocessableEntity)
        }
        try await StudyDefinitionChanges.save(definition, access, on: req)
        return .seeOther(SiteURL.study(.value(access.studyID)).path)
    }

    @Sendable
    func open(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.mayManage else { throw PageError.forbidden }
        let study = access.study
        guard study.status == .setup else { return .seeOther(SiteURL.study(.value(access.studyID)).path) }
        let problems = Self.problems(access.definition)
        guard problems.isEmpty else {
            var state = PageState(problems: problems)
            state.definitionErrors.add("definition", "Fix the definition's problems before opening the study for recruitment")
            return try await Self.render(req, access, state: state, status: .unprocessableEntity)
        }
        var generator = SystemRandomNumberGenerator()
        study.allocationSeed = String(generator.next() as UInt64)
        study.allocationMethod = AllocationSequence.methodVersion
        study.status = .recruiting
        study.openedAt = req.now
        try await req.db.transaction { db in
            try await study.update(on: db)
            try await AuditLog.record(.studyOpened, actor: access.user, subject: .study(study.id), on: db, at: req.now)
        }
        return .seeOther(SiteURL.study(.value(access.studyID)).path)
    }

    struct StaffInput: Content {
        var user: String?
        var studyRole: String?
    }

    @Sendable
    func addStaff(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.mayManage else { throw PageError.forbidden }
        let input = try req.content.decode(StaffInput.self)
        var state = PageState(staffForm: .init(user: input.user, studyRole: input.studyRole))
        let role = input.studyRole.flatMap(BlindedRole.init(rawValue:))
        var member: UserModel?
        if let id = input.user.flatMap(UUID.init(uuidString:)) { member = try await UserModel.find(id, on: req.db) }
        if member == nil || member?.role == .participant { state.staffErrors.add("user", "Choose the member of staff to add") }
        if role == nil { state.staffErrors.add("studyRole", "Choose their role on this study") }
        if let member, let role {
            if member.role == .facilitator && role != .facilitator {
                state.staffErrors.add("studyRole", "A facilitator account can only have the facilitator role on a study")
            } else if member.role != .facilitator && role == .facilitator {
                state.staffErrors.add("studyRole", "Only a facilitator account can have the facilitator role on a study")
            } else if try await StudyStaffModel.query(on: req.db).filter(\.$study.$id == access.studyID)
                .filter(\.$user.$id == (try member.requireID())).count() > 0 {
                state.staffErrors.add("user", "\(member.name) is already on this study's staff")
            }
        }
        guard state.staffErrors.isEmpty, let member, let role else {
            return try await Self.render(req, access, state: state, status: .unprocessableEntity)
        }
        try await req.db.transaction { db in
            try await StudyStaffModel(studyID: access.studyID, userID: try member.requireID(), role: role).create(on: db)
            try await AuditLog.record(.studyStaffAdded, actor: access.user, subject: .study(access.studyID), on: db, at: req.now)
        }
        return .seeOther(SiteURL.study(.value(access.studyID)).path)
    }

    /// The programme an arm's group runs: the arm's own, or for a waitlist arm without one, the programme
    /// offered after follow-up (``WaitlistOffers/offeredArm(_:)``).
    static func groupProgramme(of arm: StudyArm, in definition: StudyDefinition) -> ProgrammeReference? {
        if let programme = arm.programme { return programme }
        guard arm.role == .waitlist else { return nil }
        return WaitlistOffers.offeredArm(definition)?.programme
    }

    @Sendable
    func saveArmGroups(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.mayManage, access.seesArms else { throw PageError.forbidden }
        let form = try req.content.decode([String: String].self)
        var chosen: [String: UUID] = [:]
        var state = PageState()
        for arm in access.definition.arms {
            guard let programme = Self.groupProgramme(of: arm, in: access.definition), let raw = form["arm-" + arm.id], !raw.isEmpty
            else { continue }
            guard let id = UUID(uuidString: raw), let group = try await GroupModel.find(id, on: req.db),
                  group.programmeID == programme.id, group.versionID == programme.version else {
                let owner = arm.programme == nil ? (WaitlistOffers.offeredArm(access.definition)?.name ?? arm.name) : arm.name
                state.staffErrors.add("arm-" + arm.id, "Choose a group running \(owner)'s programme, or none")
                continue
            }
            chosen[arm.id] = id
        }
        guard state.staffErrors.isEmpty else { return try await Self.render(req, access, state: state, status: .unprocessableEntity) }
        let study = access.study
        study.armGroups = chosen
        try await req.db.transaction { db in
            try await study.update(on: db)
            try await AuditLog.record(.studyArmGroupsChanged, actor: access.user, subject: .study(study.id), on: db, at: req.now)
            // Waitlist participants who accepted the offer before a group was chosen join it now.
            try await WaitlistOffers.enrolAccepted(study: study, definition: access.definition, now: req.now,
                                                   baseURL: req.application.tend.baseURL, on: db)
        }
        return .seeOther(SiteURL.study(.value(access.studyID)).path)
    }

    // MARK: Allocation list

    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    @Sendable
    func allocationsCSV(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.mayExportAllocations else { throw PageError.forbidden }
        let rows = try await StudyAllocationModel.query(on: req.db).filter(\.$study.$id == access.studyID)
            .with(\.$screening).all()
            .sorted { ($0.stratum, $0.sequenceIndex) < ($1.stratum, $1.sequenceIndex) }
        var csv = "study_code,stratum,sequence_index,block,block_size,arm,arm_name,allocated_at,by_staff\r\n"
        let iso = ISO8601DateFormatter()
        for row in rows {
            csv += [row.screening.code, row.stratum, String(row.sequenceIndex), String(row.block), String(row.blockSize), row.arm,
                    access.definition.arm(row.arm)?.name ?? "", iso.string(from: row.allocatedAt),
                    row.$allocatedBy.id == nil ? "no" : "yes"].map(Self.csvField).joined(separator: ",") + "\r\n"
        }
        try await AuditLog.record(.allocationListExported, actor: access.user, subject: .study(access.studyID), on: req.db, at: req.now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(access.definition.id)-allocations.csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(string: csv))
    }
}
