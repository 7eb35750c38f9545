import Fluent
import Foundation
import TendCore
import Vapor

/// A study's screening log: people approached (known by a generated study code, never a name), their
/// eligibility answers judged by TendCore, whether they agreed, their invitation to a participant account,
/// allocation by staff, milestones, and withdrawal or loss with the stage reached and a reason. Every staff
/// read of the log or of one person's record is in the audit trail.
struct ScreeningController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        staff.get(SiteURL.studyScreening(.key).pathComponents, use: log)
        staff.post(SiteURL.studyScreening(.key).pathComponents, use: add)
        staff.get(SiteURL.studyPerson(.key, .key).pathComponents, use: person)
        staff.post(SiteURL.studyPersonAction(.key, .key, .eligibility).pathComponents, use: eligibility)
        staff.post(SiteURL.studyPersonAction(.key, .key, .agreement).pathComponents, use: agreement)
        staff.post(SiteURL.studyPersonAction(.key, .key, .invitation).pathComponents, use: invite)
        staff.post(SiteURL.studyPersonAction(.key, .key, .allocate).pathComponents, use: allocate)
        staff.post(SiteURL.studyPersonAction(.key, .key, .milestone).pathComponents, use: milestone)
        staff.post(SiteURL.studyPersonAction(.key, .key, .exit).pathComponents, use: exit)
        staff.get(SiteURL.studyConsentPDF(.key, .key).pathComponents, use: consentPDF)
    }

    /// Consent and allocation facts for a set of screening rows, in two queries.
    struct Progress {
        var consented: Set<UUID> = []
        var allocations: [UUID: StudyAllocationModel] = [:]

        static func load(study: UUID, on db: any Database) async throws -> Progress {
            var p = Progress()
            p.consented = Set(try await StudyConsentModel.query(on: db).filter(\.$study.$id == study).all().map(\.$screening.id))
            for row in try await StudyAllocationModel.query(on: db).filter(\.$study.$id == study).all() {
                p.allocations[row.$screening.id] = row
            }
            return p
        }

        func stage(_ row: StudyScreeningModel) -> ScreeningStage {
            row.stage(consented: consented.contains(row.id!), allocated: allocations[row.id!] != nil)
        }
    }

    // MARK: The log

    static func renderLog(_ req: Request, _ access: StudyAccess, form: ScreeningPages.AddForm = .init(), errors: FormErrors = FormErrors(),
                          status: HTTPStatus = .ok) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let filter = (try? req.query.get(String.self, at: "stage")).flatMap(ScreeningStage.init(rawValue:))
        let progress = try await Progress.load(study: access.studyID, on: req.db)
        let rows = try await StudyScreeningModel.query(on: req.db).filter(\.$study.$id == access.studyID)
            .sort(\.$number, .ascending).all()
            .map { row in ScreeningPages.LogRow(code: row.code, approachedOn: row.approachedOn, stage: progress.stage(row),
                                                exitStage: row.exitStage, reason: row.exitReason ?? (row.agreed == false ? row.agreementReason : nil)) }
        let counts = Dictionary(grouping: rows, by: \.stage).mapValues(\.count)
        let shown = filter.map { f in rows.filter { $0.stage == f } } ?? rows
        try await AuditLog.record(.screeningLogViewed, actor: access.user, subject: .study(access.studyID), on: req.db, at: req.now)
        return .html(ScreeningPages.log(viewer: viewer, studyID: access.studyID, title: access.definition.title, rows: shown,
                                        counts: counts, filter: filter, mayScreen: access.mayScreen, form: form, errors: errors,
                                        today: LocalDateTime(req.now, in: StudyDates.utc).date.description, csrf: CSRF.token(for: req)),
                     status: status)
    }

    @Sendable
    func log(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        return try await Self.renderLog(req, access)
    }

    struct AddInput: Content { var approachedOn: String? }

    @Sendable
    func add(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.mayScreen else { throw PageError.forbidden }
        let form = ScreeningPages.AddForm(approachedOn: GroupController.trimmed(try req.content.decode(AddInput.self).approachedOn))
        var errors = FormErrors()
        let date = LocalDate(form.approachedOn)
        let today = LocalDateTime(req.now, in: StudyDates.utc).date
        if form.approachedOn.isEmpty { errors.add("approachedOn", "Enter the date the person was approached") }
        else if date == nil { errors.add("approachedOn", "Date approached must be a real date written as year-month-day, like 2026-03-02") }
        else if let date, date > today { errors.add("approachedOn", "Date approached cannot be in the future (today is \(today))") }
        guard errors.isEmpty, let date else { return try await Self.renderLog(req, access, form: form, errors: errors, status: .unprocessableEntity) }
        let studyID = access.studyID
        let now = req.now
        var created: StudyScreeningModel?
        for _ in 0..<20 where created == nil {
            do {
                created = try await req.db.transaction { db in
                    let last = try await StudyScreeningModel.query(on: db).filter(\.$study.$id == studyID).max(\.$number) ?? 0
                    let row = StudyScreeningModel(studyID: studyID, number: last + 1, approachedOn: date)
                    try await row.create(on: db)
                    try await AuditLog.record(.screeningAdded, actor: access.user, subject: .screening(row.id), on: db, at: now)
                    return row
                }
            } catch where StudyEnrolment.isRetryable(error) {
                try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...10_000_000))
            }
        }
        guard let created else { throw Abort(.serviceUnavailable) }
        return .seeOther(SiteURL.studyPerson(.value(studyID), .value(created.code)).path)
    }

    // MARK: One person

    struct PersonState {
        var eligibilityForm: [String: String]? = nil
        var eligibilityErrors = FormErrors()
        var agreementForm: [String: String]? = nil
        var agreementErrors = FormErrors()
        var allocateForm: [String: String]? = nil
        var allocateErrors = FormErrors()
        var exitForm: [String: String]? = nil
        var exitErrors = FormErrors()
        var milestoneErrors = FormErrors()
        /// An invitation link just issued (shown once).
        var createdLink: String? = nil
        var notice: String? = nil
        /// The staff-record forms (tests, doses, reimbursements) after a refused submission.
        var records = StaffRecordState()
    }

    static func renderPerson(_ req: Request, _ access: StudyAccess, _ row: StudyScreeningModel, state: PersonState = .init(),
                             status: HTTPStatus = .ok) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let rowID = try row.requireID()
        let consents = try await StudyConsentModel.query(on: req.db).filter(\.$screening.$id == rowID).sort(\.$signedAt, .ascending).all()
        let allocation = try await StudyAllocationModel.query(on: req.db).filter(\.$screening.$id == rowID).first()
        let stage = row.stage(consented: !consents.isEmpty, allocated: allocation != nil)
        var allocationText: String?
        if let allocation {
            allocationText = "Allocated " + Layout.format(allocation.allocatedAt)
                + (allocation.$allocatedBy.id == nil ? " when they consented" : " by staff")
            if let arm = access.armName(allocation.arm) { allocationText! += ": " + arm }
        }
        let blocker = StudyEnrolment.allocationBlocker(screening: row, study: access.study, definition: access.definition,
                                                       consented: !consents.isEmpty)
        let records = try await StaffRecordController.section(req, access, row)
        try await AuditLog.record(.studyRecordViewed, actor: access.user, subject: .screening(rowID), on: req.db, at: req.now)
        var page = ScreeningPages.Person(
            studyID: access.studyID, studyTitle: access.definition.title, code: row.code, approachedOn: row.approachedOn, stage: stage,
            eligibility: row.eligibility, eligibilityReason: row.eligibilityReason, agreed: row.agreed, agreementReason: row.agreementReason,
            consents: consents.map { ScreeningPages.ConsentRow(version: $0.version, signedAt: $0.signedAt, items: $0.items.count) },
            allocation: allocationText,
            offerAfterFollowUp: access.seesArms && (allocation?.offerAfterFollowUp ?? false),
            groupID: access.seesArms ? allocation?.groupID : nil,
            hasAccount: row.$user.id != nil, exitKind: row.exitKind, exitStage: row.exitStage, exitReason: row.exitReason,
            exitedOn: row.exitedOn, mayScreen: access.mayScreen, allocationBlocker: allocation == nil ? blocker : nil,
            questions: access.definition.eligibility.questions, factors: access.definition.stratification,
            answers: row.answers.mapValues(\.description), strata: row.strata, milestone: row.milestone)
        page.staffRecords = StaffRecordPages.section(records, state: state.records, csrf: CSRF.token(for: req))
        page.staffRecordErrors = state.records.hasErrors
        return .html(ScreeningPages.person(viewer: viewer, page: page, state: state, csrf: CSRF.token(for: req)), status: status)
    }

    static func load(_ req: Request) async throws -> (StudyAccess, StudyScreeningModel) {
        let access = try await StudyAccess.require(req)
        return (access, try await access.screening(req))
    }

    @Sendable
    func person(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        return try await Self.renderPerson(req, access, row)
    }

    static func requireScreener(_ access: StudyAccess, _ row: StudyScreeningModel) throws {
        guard access.mayScreen else { throw PageError.forbidden }
        guard row.exitKind == nil else {
            throw PageError(status: .conflict, content: .init(
                title: "\(row.code) has left the study", message: "Their record is closed: nothing more can be recorded for them.",
                linkText: "Back to the screening log", linkPath: SiteURL.studyScreening(.value(access.studyID)).path))
        }
    }

    static func save(_ row: StudyScreeningModel, _ access: StudyAccess, _ req: Request) async throws -> Response {
        let now = req.now
        try await req.db.transaction { db in
            try await row.update(on: db)
            try await AuditLog.record(.screeningUpdated, actor: access.user, subject: .screening(row.id), on: db, at: now)
        }
        return .seeOther(SiteURL.studyPerson(.value(access.studyID), .value(row.code)).path)
    }

    @Sendable
    func eligibility(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        try Self.requireScreener(access, row)
        let form = try req.content.decode([String: String].self)
        var errors = FormErrors()
        var answers: [String: EligibilityAnswer] = [:]
        for question in access.definition.eligibility.questions {
            let field = "q-" + question.id
            let raw = (form[field] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if raw.isEmpty { errors.add(field, "Answer “\(question.label)”"); continue }
            switch question.answer.kind {
            case .yesNo:
                guard raw == "yes" || raw == "no" else { errors.add(field, "Answer “\(question.label)” with yes or no"); continue }
                answers[question.id] = .yesNo(raw == "yes")
            case .number:
                let lo = question.answer.minimum, hi = question.answer.maximum
                guard let x = Double(raw), x.isFinite, x >= (lo ?? -.infinity), x <= (hi ?? .infinity) else {
                    let range = [lo.map { "from \(EligibilityAnswer.number($0))" }, hi.map { "to \(EligibilityAnswer.number($0))" }]
                        .compactMap { $0 }.joined(separator: " ")
                    errors.add(field, "Answer to “\(question.label)” must be a number" + (range.isEmpty ? "" : " " + range))
                    continue
                }
                answers[question.id] = .number(x)
            case .choice:
                guard (question.answer.choices ?? []).contains(raw) else {
                    errors.add(field, "Choose one of the answers to “\(question.label)”"); continue
                }
                answers[question.id] = .choice(raw)
            }
        }
        // Stratification only serves allocation: someone whose answers already rule them out is not made
        // to take a level (a person on another medicine has no true methadone/buprenorphine level).
        let ruledOut = errors.isEmpty && access.definition.eligibility.evaluate(answers).status == .ineligible
        var strata: [String: String] = [:]
        for factor in access.definition.stratification {
            let field = "s-" + factor.id
            guard let level = form[field], !level.isEmpty else {
                if !ruledOut { errors.add(field, "Choose their \(factor.label.lowercased()) (used to stratify allocation)") }
                continue
            }
            guard factor.levels.contains(level) else {
                errors.add(field, "Choose their \(factor.label.lowercased()) (used to stratify allocation)"); continue
            }
            strata[factor.id] = level
        }
        guard errors.isEmpty else {
            return try await Self.renderPerson(req, access, row, state: .init(eligibilityForm: form, eligibilityErrors: errors),
                                               status: .unprocessableEntity)
        }
        if try await StudyAllocationModel.query(on: req.db).filter(\.$screening.$id == (try row.requireID())).count() > 0,
           strata != row.strata {
            errors.add("s-" + (access.definition.stratification.first?.id ?? ""), "Stratification factors cannot change after allocation")
            return try await Self.renderPerson(req, access, row, state: .init(eligibilityForm: form, eligibilityErrors: errors),
                                               status: .unprocessableEntity)
        }
        let decision = access.definition.eligibility.evaluate(answers)
        row.answersJSON = String(decoding: try JSONEncoder().encode(answers), as: UTF8.self)
        row.eligibility = decision.status
        row.eligibilityReason = decision.reason
        row.strataJSON = strata.isEmpty ? nil : String(decoding: try JSONEncoder().encode(strata), as: UTF8.self)
        return try await Self.save(row, access, req)
    }

    struct AgreementInput: Content {
        var agreed: String?
        var reason: String?
    }

    @Sendable
    func agreement(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        try Self.requireScreener(access, row)
        let input = try req.content.decode(AgreementInput.self)
        let reason = GroupController.trimmed(input.reason)
        var errors = FormErrors()
        if row.eligibility != .eligible { errors.add("agreed", "Record eligibility first: only an eligible person can agree to take part") }
        if input.agreed != "yes" && input.agreed != "no" { errors.add("agreed", "Choose whether they agreed to take part") }
        if input.agreed == "no" && reason.isEmpty { errors.add("reason", "Enter the reason they gave for declining (or “none given”)") }
        if reason.count > 500 { errors.add("reason", "Reason must be 500 characters or fewer") }
        guard errors.isEmpty else {
            return try await Self.renderPerson(req, access, row, state: .init(agreementForm: ["agreed": input.agreed ?? "", "reason": reason],
                                                                              agreementErrors: errors), status: .unprocessableEntity)
        }
        row.agreed = input.agreed == "yes"
        row.agreementReason = reason.isEmpty ? nil : reason
        return try await Self.save(row, access, req)
    }

    @Sendable
    func invite(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        try Self.requireScreener(access, row)
        guard row.agreed == true else {
            throw PageError(status: .conflict, content: .init(
                title: "\(row.code) has not agreed to take part", message: "Record that they agreed before inviting them to create an account.",
                linkText: "Back to their record", linkPath: SiteURL.studyPerson(.value(access.studyID), .value(row.code)).path))
        }
        guard row.$user.id == nil else {
            throw PageError(status: .conflict, content: .init(
                title: "\(row.code) already has an account", message: "They joined with an earlier invitation and sign in with it.",
                linkText: "Back to their record", linkPath: SiteURL.studyPerson(.value(access.studyID), .value(row.code)).path))
        }
        let now = req.now
        let token = try await req.db.transaction { db in
            try await StudyInvitations.issue(for: row, by: access.user, now: now, on: db)
        }
        let link = SiteURL.studyJoin(.value(token)).absolute(on: req.application.tend.baseURL)
        return try await Self.renderPerson(req, access, row, state: .init(createdLink: link), status: .created)
    }

    struct AllocateInput: Content { var note: String? }

    @Sendable
    func allocate(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        try Self.requireScreener(access, row)
        let note = GroupController.trimmed(try req.content.decode(AllocateInput.self).note)
        var errors = FormErrors()
        let consented = try await StudyConsentModel.query(on: req.db).filter(\.$screening.$id == (try row.requireID())).count() > 0
        if let blocker = StudyEnrolment.allocationBlocker(screening: row, study: access.study, definition: access.definition, consented: consented) {
            errors.add("note", "They cannot be allocated yet: " + blocker)
        }
        if note.isEmpty { errors.add("note", "Enter why you are allocating by hand (for the trial record)") }
        else if note.count > 500 { errors.add("note", "Reason must be 500 characters or fewer") }
        guard errors.isEmpty else {
            return try await Self.renderPerson(req, access, row, state: .init(allocateForm: ["note": note], allocateErrors: errors),
                                               status: .unprocessableEntity)
        }
        _ = try await StudyEnrolment.allocate(screening: row, study: access.study, definition: access.definition, by: access.user,
                                              note: note, now: req.now, on: req.db)
        return .seeOther(SiteURL.studyPerson(.value(access.studyID), .value(row.code)).path)
    }

    struct MilestoneInput: Content { var milestone: String? }

    @Sendable
    func milestone(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        try Self.requireScreener(access, row)
        let value = try req.content.decode(MilestoneInput.self).milestone.flatMap(ScreeningStage.init(rawValue:))
        var errors = FormErrors()
        let allocated = try await StudyAllocationModel.query(on: req.db).filter(\.$screening.$id == (try row.requireID())).count() > 0
        if !allocated { errors.add("milestone", "Only an allocated person can reach baseline or completion") }
        else if value != .baseline && value != .completed { errors.add("milestone", "Choose baseline done or completed") }
        else if row.milestone == .completed && value == .baseline { errors.add("milestone", "They have already completed the study") }
        guard errors.isEmpty, let value else {
            return try await Self.renderPerson(req, access, row, state: .init(milestoneErrors: errors), status: .unprocessableEntity)
        }
        row.milestone = value
        return try await Self.save(row, access, req)
    }

    struct ExitInput: Content {
        var kind: String?
        var exitReason: String?
    }

    @Sendable
    func exit(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        try Self.requireScreener(access, row)
        let input = try req.content.decode(ExitInput.self)
        let reason = GroupController.trimmed(input.exitReason)
        let kind = input.kind.flatMap(ScreeningStage.init(rawValue:))
        var errors = FormErrors()
        if kind != .withdrawn && kind != .lost { errors.add("kind", "Choose whether they withdrew or were lost to follow-up") }
        if reason.isEmpty { errors.add("exitReason", "Enter the reason they withdrew or were lost (or “none given”)") }
        else if reason.count > 500 { errors.add("exitReason", "Reason must be 500 characters or fewer") }
        guard errors.isEmpty, let kind else {
            return try await Self.renderPerson(req, access, row, state: .init(exitForm: ["kind": input.kind ?? "", "exitReason": reason], exitErrors: errors),
                                               status: .unprocessableEntity)
        }
        let progress = try await Progress.load(study: access.studyID, on: req.db)
        row.exitStage = progress.stage(row)
        row.exitKind = kind
        row.exitReason = reason
        row.exitedOn = LocalDateTime(req.now, in: StudyDates.utc).date.description
        return try await Self.save(row, access, req)
    }

    @Sendable
    func consentPDF(req: Request) async throws -> Response {
        let (access, row) = try await Self.load(req)
        guard access.mayScreen else { throw PageError.forbidden }
        guard let consent = try await StudyConsentModel.query(on: req.db).filter(\.$screening.$id == (try row.requireID()))
            .sort(\.$signedAt, .descending).first() else { throw PageError.notFound() }
        try await AuditLog.record(.consentDownloaded, actor: access.user, subject: .screening(row.id), on: req.db, at: req.now)
        return ConsentDocument.response(consent: consent, code: row.code, definition: access.definition, now: req.now)
    }
}
