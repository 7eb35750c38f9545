import Fluent
import Foundation
import TendCore
import Vapor

/// What the staff-record forms on a person's study record hold after a refused submission: what was
/// typed and what was wrong, per form.
struct StaffRecordState: Sendable {
    var testForm: [String: String]? = nil
    var testErrors = FormErrors()
    var medicationForm: [String: String]? = nil
    var medicationErrors = FormErrors()
    var reimbursementForm: [String: String]? = nil
    var reimbursementErrors = FormErrors()

    var hasErrors: Bool { !testErrors.isEmpty || !medicationErrors.isEmpty || !reimbursementErrors.isEmpty }
    var allErrors: [FormErrors] { [testErrors, medicationErrors, reimbursementErrors] }
}

/// Records staff keep on a study participant that the participant does not report themselves: urine
/// and saliva drug tests (several substances per visit in one form), medication and dose, and
/// reimbursements. Research staff (admins and researchers on the study, blinded or not: none of this
/// reveals the arm) add them on the person's record and correct or delete them on each record's page.
/// Every change is in the audit trail by record id; the values and notes never are.
struct StaffRecordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        for kind in StaffRecordKind.allCases {
            staff.post(SiteURL.studyRecords(.key, .key, kind).pathComponents) { req in try await Self.add(req, kind) }
            staff.get(SiteURL.studyRecord(.key, .key, kind, .key).pathComponents) { req in try await Self.editPage(req, kind) }
            staff.post(SiteURL.studyRecord(.key, .key, kind, .key).pathComponents) { req in try await Self.update(req, kind) }
            staff.post(SiteURL.studyRecordDelete(.key, .key, kind, .key).pathComponents) { req in try await Self.delete(req, kind) }
        }
    }

    // MARK: Loading

    /// Everything the person's record shows of staff records, in three queries (and the abstinence strip).
    static func section(_ req: Request, _ access: StudyAccess, _ row: StudyScreeningModel) async throws -> StaffRecordPages.Section {
        let rowID = try row.requireID()
        let tests = try await BiochemicalTestModel.query(on: req.db).filter(\.$screening.$id == rowID)
            .sort(\.$date, .descending).sort(\.$createdAt, .ascending).all()
        let medications = try await MedicationDoseModel.query(on: req.db).filter(\.$screening.$id == rowID)
            .sort(\.$fromDate, .descending).all()
        let reimbursements = try await ReimbursementModel.query(on: req.db).filter(\.$screening.$id == rowID)
            .sort(\.$date, .descending).all()
        var abstinence: StaffRecordPages.AbstinenceStrip?
        if StudyAbstinence.applies(to: access.definition) {
            if let result = try await StudyAbstinence.participant(screening: row, tests: tests, on: req.db) {
                let o = result.options
                abstinence = .init(substance: StudyAbstinence.substance.label, rule: result.rule, periods: result.result.periods.enumerated().map { k, status in
                    let first = result.start.adding(days: o.firstDay + k * o.periodDays)
                    return StaffRecordPages.AbstinencePeriod(number: k + 1, from: first, to: first.adding(days: o.periodDays - 1), status: status)
                }, proportion: result.result.proportion, start: result.start)
            } else {
                abstinence = .init(substance: StudyAbstinence.substance.label, rule: "", periods: [], proportion: nil, start: nil)
            }
        }
        return StaffRecordPages.Section(
            studyID: access.studyID, code: row.code, tests: tests, medications: medications, reimbursements: reimbursements,
            abstinence: abstinence, mayRecord: mayRecord(access), closed: row.exitKind != nil,
            today: today(req).description, givenBy: access.user.name,
            timelinePath: SiteURL.studyTimeline(.value(access.studyID), .value(row.code)).path)
    }

    /// Admins and researchers on the study, blinded or not.
    static func mayRecord(_ access: StudyAccess) -> Bool { access.mayScreen }

    static func today(_ req: Request) -> LocalDate { LocalDateTime(req.now, in: StudyDates.utc).date }

    static func load(_ req: Request) async throws -> (StudyAccess, StudyScreeningModel) {
        let access = try await StudyAccess.require(req)
        let row = try await access.screening(req)
        guard mayRecord(access) else { throw PageError.forbidden }
        return (access, row)
    }

    static func personPath(_ access: StudyAccess, _ row: StudyScreeningModel) -> String {
        SiteURL.studyPerson(.value(access.studyID), .value(row.code)).path
    }

    // MARK: Adding

    static func add(_ req: Request, _ kind: StaffRecordKind) async throws -> Response {
        let (access, row) = try await load(req)
        guard row.exitKind == nil else {
            throw PageError(status: .conflict, content: .init(
                title: "\(row.code) has left the study", message: "Their record is closed: nothing new can be recorded for them. Earlier records can still be corrected.",
                linkText: "Back to their record", linkPath: personPath(access, row)))
        }
        let form = try req.content.decode([String: String].self).mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let context = Context(today: today(req), approachedOn: LocalDate(row.approachedOn))
        let now = req.now
        let rowID = try row.requireID()
        switch kind {
        case .tests:
            let (rows, errors) = parseVisit(form, context)
            guard errors.isEmpty else {
                return try await ScreeningController.renderPerson(req, access, row, state: .init(records: .init(testForm: form, testErrors: errors)),
                                                                  status: .unprocessableEntity)
            }
            try await req.db.transaction { db in
                for values in rows {
                    let test = BiochemicalTestModel()
                    test.$study.id = access.studyID
                    test.$screening.id = rowID
                    test.$recordedBy.id = access.user.id
                    values.apply(to: test)
                    try await test.create(on: db)
                    try await AuditLog.record(.staffRecordAdded, actor: access.user, subject: .init(kind: .biochemicalTest, id: test.id), on: db, at: now)
                }
            }
        case .medications:
            let (values, errors) = parseMedication(form, context)
            guard errors.isEmpty, let values else {
                return try await ScreeningController.renderPerson(req, access, row, state: .init(records: .init(medicationForm: form, medicationErrors: errors)),
                                                                  status: .unprocessableEntity)
            }
            try await req.db.transaction { db in
                let dose = MedicationDoseModel()
                dose.$study.id = access.studyID
                dose.$screening.id = rowID
                dose.$recordedBy.id = access.user.id
                values.apply(to: dose)
                try await dose.create(on: db)
                try await AuditLog.record(.staffRecordAdded, actor: access.user, subject: .init(kind: .medicationDose, id: dose.id), on: db, at: now)
            }
        case .reimbursements:
            let (values, errors) = parseReimbursement(form, context)
            guard errors.isEmpty, let values else {
                return try await ScreeningController.renderPerson(req, access, row, state: .init(records: .init(reimbursementForm: form, reimbursementErrors: errors)),
                                                                  status: .unprocessableEntity)
            }
            try await req.db.transaction { db in
                let payment = ReimbursementModel()
                payment.$study.id = access.studyID
                payment.$screening.id = rowID
                payment.$recordedBy.id = access.user.id
                values.apply(to: payment)
                try await payment.create(on: db)
                try await AuditLog.record(.staffRecordAdded, actor: access.user, subject: .init(kind: .reimbursement, id: payment.id), on: db, at: now)
            }
        }
        return .seeOther(personPath(access, row) + "#" + StaffRecordPages.anchor(kind))
    }

    // MARK: One record: edit and delete

    /// A stored record of `kind` on this person's record, as a form's values.
    enum Stored {
        case test(BiochemicalTestModel)
        case medication(MedicationDoseModel)
        case reimbursement(ReimbursementModel)

        var id: UUID? {
            switch self {
            case .test(let m): return m.id
            case .medication(let m): return m.id
            case .reimbursement(let m): return m.id
            }
        }

        var subject: AuditSubject {
            switch self {
            case .test(let m): return .init(kind: .biochemicalTest, id: m.id)
            case .medication(let m): return .init(kind: .medicationDose, id: m.id)
            case .reimbursement(let m): return .init(kind: .reimbursement, id: m.id)
            }
        }

        var form: [String: String] {
            switch self {
            case .test(let m): return StaffRecordPages.form(m)
            case .medication(let m): return StaffRecordPages.form(m)
            case .reimbursement(let m): return StaffRecordPages.form(m)
            }
        }

        func update(on db: any Database) async throws {
            switch self {
            case .test(let m): try await m.update(on: db)
            case .medication(let m): try await m.update(on: db)
            case .reimbursement(let m): try await m.update(on: db)
            }
        }

        func delete(on db: any Database) async throws {
            switch self {
            case .test(let m): try await m.delete(on: db)
            case .medication(let m): try await m.delete(on: db)
            case .reimbursement(let m): try await m.delete(on: db)
            }
        }
    }

    static func stored(_ req: Request, _ kind: StaffRecordKind, _ row: StudyScreeningModel) async throws -> Stored {
        guard let raw = req.parameters.get(SiteURL.recordKey), let id = UUID(uuidString: raw) else { throw PageError.notFound() }
        let rowID = try row.requireID()
        switch kind {
        case .tests:
            guard let m = try await BiochemicalTestModel.query(on: req.db).filter(\.$id == id).filter(\.$screening.$id == rowID).first()
            else { throw PageError.notFound() }
            return .test(m)
        case .medications:
            guard let m = try await MedicationDoseModel.query(on: req.db).filter(\.$id == id).filter(\.$screening.$id == rowID).first()
            else { throw PageError.notFound() }
            return .medication(m)
        case .reimbursements:
            guard let m = try await ReimbursementModel.query(on: req.db).filter(\.$id == id).filter(\.$screening.$id == rowID).first()
            else { throw PageError.notFound() }
            return .reimbursement(m)
        }
    }

    static func renderEdit(_ req: Request, _ access: StudyAccess, _ row: StudyScreeningModel, _ kind: StaffRecordKind, _ record: Stored,
                           form: [String: String]? = nil, errors: FormErrors = FormErrors(), status: HTTPStatus = .ok) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        guard let id = record.id else { throw PageError.notFound() }
        return .html(StaffRecordPages.edit(viewer: viewer, studyID: access.studyID, studyTitle: access.definition.title, code: row.code,
                                           kind: kind, id: id, form: form ?? record.form, errors: errors, csrf: CSRF.token(for: req)),
                     status: status)
    }

    static func editPage(_ req: Request, _ kind: StaffRecordKind) async throws -> Response {
        let (access, row) = try await load(req)
        let record = try await stored(req, kind, row)
        try await AuditLog.record(.studyRecordViewed, actor: access.user, subject: .screening(row.id), on: req.db, at: req.now)
        return try await renderEdit(req, access, row, kind, record)
    }

    static func update(_ req: Request, _ kind: StaffRecordKind) async throws -> Response {
        let (access, row) = try await load(req)
        let record = try await stored(req, kind, row)
        let form = try req.content.decode([String: String].self).mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let context = Context(today: today(req), approachedOn: LocalDate(row.approachedOn))
        var errors = FormErrors()
        switch record {
        case .test(let m):
            let (values, e) = parseTest(form, context)
            errors = e
            if let values, errors.isEmpty { values.apply(to: m) }
        case .medication(let m):
            let (values, e) = parseMedication(form, context)
            errors = e
            if let values, errors.isEmpty { values.apply(to: m) }
        case .reimbursement(let m):
            let (values, e) = parseReimbursement(form, context)
            errors = e
            if let values, errors.isEmpty { values.apply(to: m) }
        }
        guard errors.isEmpty else {
            return try await renderEdit(req, access, row, kind, record, form: form, errors: errors, status: .unprocessableEntity)
        }
        let now = req.now
        try await req.db.transaction { db in
            try await record.update(on: db)
            try await AuditLog.record(.staffRecordCorrected, actor: access.user, subject: record.subject, on: db, at: now)
        }
        return .seeOther(personPath(access, row) + "#" + StaffRecordPages.anchor(kind))
    }

    static func delete(_ req: Request, _ kind: StaffRecordKind) async throws -> Response {
        let (access, row) = try await load(req)
        let record = try await stored(req, kind, row)
        let now = req.now
        try await req.db.transaction { db in
            try await record.delete(on: db)
            try await AuditLog.record(.staffRecordDeleted, actor: access.user, subject: record.subject, on: db, at: now)
        }
        return .seeOther(personPath(access, row) + "#" + StaffRecordPages.anchor(kind))
    }

    // MARK: Reading the forms

    struct Context {
        var today: LocalDate
        var approachedOn: LocalDate?
    }

    static let maximumNote = 500
    static let maximumName = 100

    /// A required past-or-today date, on or after the day they were approached when `sinceApproach`.
    static func date(_ form: [String: String], _ field: String, _ label: String, _ context: Context, sinceApproach: Bool,
                     errors: inout FormErrors) -> LocalDate? {
        let raw = form[field] ?? ""
        if raw.isEmpty { errors.add(field, "Enter the \(label.lowercased())"); return nil }
        guard let date = LocalDate(raw) else {
            errors.add(field, "\(label) must be a real date written as year-month-day, like 2026-03-02"); return nil
        }
        if date > context.today { errors.add(field, "\(label) cannot be in the future (today is \(context.today))"); return nil }
        if sinceApproach, let approached = context.approachedOn, date < approached {
            errors.add(field, "\(label) cannot be before they were approached for the study (\(approached))"); return nil
        }
        return date
    }

    /// Optional free text, or required when `missing` (the message when it is blank) is given.
    static func note(_ form: [String: String], _ field: String, _ label: String, maximum: Int, missing: String? = nil, errors: inout FormErrors) -> String? {
        let raw = form[field] ?? ""
        if raw.isEmpty {
            if let missing { errors.add(field, missing) }
            return nil
        }
        if raw.count > maximum { errors.add(field, "\(label) must be \(maximum) characters or fewer (it has \(raw.count))"); return nil }
        return raw
    }

    struct TestValues {
        var date: LocalDate
        var specimen: Specimen
        var substance: TestSubstance
        var substanceName: String?
        var result: BiochemicalResult
        var note: String?

        func apply(to m: BiochemicalTestModel) {
            m.date = date.description
            m.specimen = specimen
            m.substance = substance
            m.substanceName = substance == .other ? substanceName : nil
            m.result = result
            m.note = note
        }
    }

    /// A visit: date, specimen, a result for each substance tested (blank = not tested at this visit),
    /// another substance by name, one note. One row per substance with a result.
    static func parseVisit(_ form: [String: String], _ context: Context) -> ([TestValues], FormErrors) {
        var errors = FormErrors()
        let date = Self.date(form, "test-date", "Test date", context, sinceApproach: true, errors: &errors)
        let specimen = Specimen(rawValue: form["test-specimen"] ?? "")
        if specimen == nil { errors.add("test-specimen", "Choose the specimen: urine or saliva") }
        var results: [(TestSubstance, BiochemicalResult)] = []
        for substance in TestSubstance.allCases {
            let field = StaffRecordPages.resultField(substance)
            let raw = form[field] ?? ""
            if raw.isEmpty { continue }
            guard let result = BiochemicalResult(rawValue: raw) else {
                errors.add(field, "Choose a result for \(substance.label.lowercased()): negative, positive, not done or invalid"); continue
            }
            results.append((substance, result))
        }
        let otherName = form["test-other-name"] ?? ""
        let hasOther = results.contains { $0.0 == .other }
        if hasOther && otherName.isEmpty { errors.add("test-other-name", "Enter the name of the other substance tested") }
        if !hasOther && !otherName.isEmpty {
            errors.add(StaffRecordPages.resultField(.other), "Choose a result for \(otherName), or clear its name")
        }
        if otherName.count > maximumName { errors.add("test-other-name", "Other substance must be \(maximumName) characters or fewer") }
        if results.isEmpty && otherName.isEmpty && errors.message(for: StaffRecordPages.resultField(TestSubstance.allCases[0])) == nil
            && !TestSubstance.allCases.contains(where: { !(form[StaffRecordPages.resultField($0)] ?? "").isEmpty }) {
            errors.add(StaffRecordPages.resultField(TestSubstance.allCases[0]), "Choose a result for at least one substance tested at this visit")
        }
        let note = Self.note(form, "test-note", "Note", maximum: maximumNote, errors: &errors)
        guard errors.isEmpty, let date, let specimen else { return ([], errors) }
        return (results.map { TestValues(date: date, specimen: specimen, substance: $0.0, substanceName: $0.0 == .other ? otherName : nil,
                                         result: $0.1, note: note) }, errors)
    }

    /// One substance's result (the edit form).
    static func parseTest(_ form: [String: String], _ context: Context) -> (TestValues?, FormErrors) {
        var errors = FormErrors()
        let date = Self.date(form, "test-date", "Test date", context, sinceApproach: true, errors: &errors)
        let specimen = Specimen(rawValue: form["test-specimen"] ?? "")
        if specimen == nil { errors.add("test-specimen", "Choose the specimen: urine or saliva") }
        let substance = TestSubstance(rawValue: form["test-substance"] ?? "")
        if substance == nil { errors.add("test-substance", "Choose the substance tested") }
        let otherName = form["test-other-name"] ?? ""
        if substance == .other && otherName.isEmpty { errors.add("test-other-name", "Enter the name of the other substance tested") }
        if otherName.count > maximumName { errors.add("test-other-name", "Other substance must be \(maximumName) characters or fewer") }
        let result = BiochemicalResult(rawValue: form["test-result"] ?? "")
        if result == nil { errors.add("test-result", "Choose the result: negative, positive, not done or invalid") }
        let note = Self.note(form, "test-note", "Note", maximum: maximumNote, errors: &errors)
        guard errors.isEmpty, let date, let specimen, let substance, let result else { return (nil, errors) }
        return (TestValues(date: date, specimen: specimen, substance: substance, substanceName: otherName, result: result, note: note), errors)
    }

    struct MedicationValues {
        var medicine: TreatmentMedicine
        var name: String?
        var dose: Double
        var unit: DoseUnit
        var from: LocalDate
        var to: LocalDate?

        func apply(to m: MedicationDoseModel) {
            m.medicine = medicine
            m.medicineName = medicine == .other ? name : nil
            m.dose = dose
            m.unit = unit
            m.fromDate = from.description
            m.toDate = to?.description
        }
    }

    static func parseMedication(_ form: [String: String], _ context: Context) -> (MedicationValues?, FormErrors) {
        var errors = FormErrors()
        let medicine = TreatmentMedicine(rawValue: form["med-medicine"] ?? "")
        if medicine == nil { errors.add("med-medicine", "Choose the medicine: methadone, buprenorphine, naltrexone or other") }
        let name = form["med-other-name"] ?? ""
        if medicine == .other && name.isEmpty { errors.add("med-other-name", "Enter the name of the other medicine") }
        if name.count > maximumName { errors.add("med-other-name", "Medicine name must be \(maximumName) characters or fewer") }
        let rawDose = form["med-dose"] ?? ""
        let unit = DoseUnit(rawValue: form["med-unit"] ?? "")
        var dose: Double?
        if rawDose.isEmpty { errors.add("med-dose", "Enter the dose in mg") }
        else if let x = Double(rawDose), x.isFinite, !rawDose.contains("e"), !rawDose.contains("E") {
            if x <= 0 { errors.add("med-dose", "Dose must be more than 0 mg") }
            else if let medicine, let unit, let problem = DoseRanges.problem(dose: x, medicine: medicine, unit: unit) { errors.add("med-dose", problem) }
            else { dose = x }
        } else {
            errors.add("med-dose", "Dose must be a number of mg, like 16 or 2.5 (a point for decimals)")
        }
        if unit == nil { errors.add("med-unit", "Choose how the dose is given: mg a day or mg per depot injection") }
        let from = Self.date(form, "med-from", "Date from", context, sinceApproach: false, errors: &errors)
        var to: LocalDate?
        let rawTo = form["med-to"] ?? ""
        if !rawTo.isEmpty {
            if let parsed = LocalDate(rawTo) {
                if let from, parsed < from { errors.add("med-to", "Date to cannot be before the date from (\(from))") } else { to = parsed }
            } else {
                errors.add("med-to", "Date to must be a real date written as year-month-day, like 2026-03-02, or left blank while they still take it")
            }
        }
        guard errors.isEmpty, let medicine, let dose, let unit, let from else { return (nil, errors) }
        return (MedicationValues(medicine: medicine, name: name, dose: dose, unit: unit, from: from, to: to), errors)
    }

    struct ReimbursementValues {
        var date: LocalDate
        var amount: MoneyAmount
        var purpose: String
        var givenBy: String

        func apply(to m: ReimbursementModel) {
            m.date = date.description
            m.amountMinor = amount.minorUnits
            m.currency = amount.currency
            m.purpose = purpose
            m.givenBy = givenBy
        }
    }

    static func parseReimbursement(_ form: [String: String], _ context: Context) -> (ReimbursementValues?, FormErrors) {
        var errors = FormErrors()
        let date = Self.date(form, "pay-date", "Date given", context, sinceApproach: true, errors: &errors)
        let currency = (form["pay-currency"] ?? "").uppercased()
        var amount: MoneyAmount?
        let rawAmount = form["pay-amount"] ?? ""
        if rawAmount.isEmpty { errors.add("pay-amount", "Enter the amount given") }
        else {
            do { amount = try MoneyAmount.parse(rawAmount, currency: currency, field: "pay-amount") }
            catch { errors.add("pay-amount", "Amount must be \(error.expected) (you entered \(rawAmount))") }
        }
        if !MoneyAmount.isCurrencyCode(currency) { errors.add("pay-currency", "Currency must be a three-letter code, like GBP, EUR or USD") }
        let purpose = Self.note(form, "pay-purpose", "What it was for", maximum: 200,
                           missing: "Enter what it was for, like baseline visit", errors: &errors)
        let givenBy = Self.note(form, "pay-given-by", "Given by", maximum: maximumName, missing: "Enter who gave it", errors: &errors)
        guard errors.isEmpty, let date, let amount, let purpose, let givenBy else { return (nil, errors) }
        return (ReimbursementValues(date: date, amount: amount, purpose: purpose, givenBy: givenBy), errors)
    }
}
