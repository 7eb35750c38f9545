import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// `/my/diary`: one entry a day of pain, mood, craving, doses of the participant's own medicines, a
/// private note and an optional harsh thought (which can join their thought collection). Posting again
/// for a day updates that day. `/my/diary/medicines`: the participant's list of medicines.
/// TendCore reads the form (``DiaryEntry/parse(date:pain:mood:craving:doses:note:criticalThought:medicines:today:)``)
/// and draws the trends (``DiaryTrends``, ``PracticeCharts``).
struct DiaryController: RouteCollection {
    /// The autosave key of the day's form.
    static let draftKey = "pain-diary"

    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myDiary.pathComponents, use: show)
        participant.post(SiteURL.myDiary.pathComponents, use: save)
        participant.get(SiteURL.myMedicines.pathComponents, use: medicines)
        participant.post(SiteURL.myMedicines.pathComponents, use: addMedicine)
        participant.post(SiteURL.myMedicine(.key).pathComponents, use: renameMedicine)
        participant.post(SiteURL.myMedicineRemove(.key).pathComponents, use: removeMedicine)
    }

    /// Days of trends shown.
    static let trendDays = 30
    /// Days listed under "Recent days".
    static let recentDays = 14

    /// The medicines on the participant's list now (removed ones keep their rows for the doses already written).
    static func activeMedicines(_ owner: OwnRecords.Owner, on db: any Database) async throws -> [MedicineModel] {
        try await MedicineModel.query(on: db)
            .filter(\.$user.$id == owner.userID)
            .filter(\.$removedAt == nil)
            .sort(\.$createdAt, .ascending)
            .all()
    }

    /// The same list as plain values (id, name, unit): what a save checks the doses against. Read as plain
    /// columns, and reused until the medicines table changes in this process (``TableChanges``).
    static func activeMedicineList(_ owner: OwnRecords.Owner, on req: Request) async throws -> [Medicine] {
        let caches = req.application.readCaches
        return try await caches.medicines.value(for: owner.userID, whileUnchanged: [MedicineModel.schema], in: caches.tableChanges) {
            guard let sql = req.db as? any SQLDatabase else { return try await activeMedicines(owner, on: req.db).map(\.medicine) }
            return try await sql.raw("""
                SELECT id, name, unit FROM \(ident: MedicineModel.schema)
                WHERE user_id = \(bind: owner.userID) AND removed_at IS NULL ORDER BY created_at
                """).all().map { row in
                    Medicine(id: try row.decode(column: "id", as: UUID.self).uuidString.lowercased(),
                             name: try row.decode(column: "name", as: String.self), unit: try row.decode(column: "unit", as: String.self))
                }
        }
    }

    static func dayRow(_ owner: OwnRecords.Owner, date: LocalDate, on db: any Database) async throws -> DiaryEntryModel? {
        try await DiaryEntryModel.query(on: db)
            .filter(\.$user.$id == owner.userID)
            .filter(\.$date == date.description)
            .with(\.$doses)
            .first()
    }

    // MARK: The diary

    static func render(_ req: Request, owner: OwnRecords.Owner, day: LocalDate, form: DiaryPages.Form, existing: Bool,
                       errors: FormErrors, notice: String?, status: HTTPStatus) async throws -> Response {
        let medicines = try await Self.activeMedicines(owner, on: req.db)
        let start = owner.today.adding(days: -(Self.trendDays - 1))
        let rows = try await DiaryEntryModel.query(on: req.db)
            .filter(\.$user.$id == owner.userID)
            .filter(\.$date >= start.description)
            .sort(\.$date, .descending)
            .with(\.$doses)
            .all()
        let entries = rows.compactMap { row in
            row.entry(doses: row.doses.map { DoseTaken(medicineID: $0.$medicine.id.uuidString.lowercased(), doses: $0.doses) })
        }
        let trends = DiaryTrends(entries: entries, from: start, through: owner.today)
        let recent = entries.prefix(Self.recentDays).map { entry in
            DiaryPages.DayRow(date: entry.date.description, day: OwnRecords.words(entry.date), summary: DiaryPages.summary(entry))
        }
        let page = DiaryPages.page(
            viewer: owner.viewer, form: form, dayWords: OwnRecords.words(day), isToday: day == owner.today, existing: existing,
            medicines: medicines.compactMap { row in row.id.map { DiaryPages.MedicineField(id: $0.uuidString.lowercased(), name: row.name, unit: row.unit) } },
            errors: errors, notice: notice, trends: trends, from: start, through: owner.today, recent: recent,
            today: owner.today.description, csrf: owner.csrf, owner: owner.userID)
        return .html(page, status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        var day = owner.today
        if let asked = OwnRecords.queryDate(req, "date"), asked <= owner.today,
           asked >= owner.today.adding(days: -PracticeEntry.maximumDaysBack) {
            day = asked
        }
        var notice: String?
        if let saved = OwnRecords.queryDate(req, "saved") {
            notice = req.query[String.self, at: "updated"] != nil
                ? "Updated your diary for \(OwnRecords.words(saved)). There is one entry a day, so this replaced what you wrote before."
                : "Saved your diary for \(OwnRecords.words(saved))."
        }
        // Typing not yet sent for this day (or, with no day asked for, for the day it was typed for) comes
        // back as it was left.
        let asked = OwnRecords.queryDate(req, "date")
        var draftForm: DiaryPages.Form?
        if notice == nil, let draft = try await Drafts.values(form: Self.draftKey, for: req) {
            let draftDay = draft.value("date").flatMap(LocalDate.init) ?? owner.today
            if (asked == nil || asked == draftDay), draftDay <= owner.today,
               draftDay >= owner.today.adding(days: -PracticeEntry.maximumDaysBack) {
                day = draftDay
                var form = DiaryPages.Form(date: draftDay.description, pain: draft.value("pain") ?? "", mood: draft.value("mood") ?? "",
                                           craving: draft.value("craving") ?? "", note: draft.value("note") ?? "",
                                           criticalThought: draft.value("criticalThought") ?? "",
                                           addToCollection: draft.value("addToCollection") == "yes")
                for (key, values) in draft.fields where key.hasPrefix("dose-") {
                    form.doses[String(key.dropFirst("dose-".count))] = values.first ?? ""
                }
                draftForm = form
            }
        }
        var form = DiaryPages.Form(date: day.description)
        let row = try await Self.dayRow(owner, date: day, on: req.db)
        if let draftForm {
            form = draftForm
        } else if let row {
            form.pain = row.pain.map(String.init) ?? ""
            form.mood = row.mood.map(String.init) ?? ""
            form.craving = row.craving.map(String.init) ?? ""
            form.note = row.note ?? ""
            form.criticalThought = row.criticalThought ?? ""
            form.addToCollection = row.inCollection
            for dose in row.doses { form.doses[dose.$medicine.id.uuidString.lowercased()] = String(dose.doses) }
        }
        return try await Self.render(req, owner: owner, day: day, form: form, existing: row != nil, errors: FormErrors(),
                                     notice: notice, status: .ok)
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let input = try OwnRecords.form(req)
        var form = DiaryPages.Form(date: input["date"] ?? "", pain: input["pain"] ?? "", mood: input["mood"] ?? "",
                                   craving: input["craving"] ?? "", note: input["note"] ?? "",
                                   criticalThought: input["criticalThought"] ?? "", addToCollection: input["addToCollection"] == "yes")
        for (key, value) in input where key.hasPrefix("dose-") { form.doses[String(key.dropFirst("dose-".count))] = value }
        let medicines = try await Self.activeMedicineList(owner, on: req)
        let parsed = DiaryEntry.parse(date: form.date, pain: form.pain, mood: form.mood, craving: form.craving, doses: form.doses,
                                      note: form.note, criticalThought: form.criticalThought, medicines: medicines,
                                      today: owner.today)
        switch parsed {
        case .failure(let problems):
            let day = LocalDate(form.date.trimmingCharacters(in: .whitespaces)) ?? owner.today
            let existing = try await Self.dayRow(owner, date: day, on: req.db) != nil
            return try await Self.render(req, owner: owner, day: day, form: form, existing: existing,
                                         errors: PracticeFormFields.errors(problems, labels: DiaryPages.labels(medicines)),
                                         notice: nil, status: .unprocessableEntity)
        case .success(let entry):
            let activeIDs = medicines.compactMap { UUID(uuidString: $0.id) }
            let addToCollection = form.addToCollection
            let now = req.now
            // With no medicines on the list and no doses, the day's row is the whole write: one statement, which
            // is atomic on its own. Otherwise the row and its doses change together in one transaction.
            let write = { () async throws -> Bool in
                if entry.doses.isEmpty, activeIDs.isEmpty {
                    return try await Self.store(entry, addToCollection: addToCollection, owner: owner, activeMedicines: [], now: now,
                                                on: req.db)
                }
                return try await req.db.transaction { db in
                    try await Self.store(entry, addToCollection: addToCollection, owner: owner, activeMedicines: activeIDs, now: now, on: db)
                }
            }
            let updated: Bool
            do {
                updated = try await write()
            } catch {
                // A write that lost a race for the database (a conflicting transaction) is tried once more.
                updated = try await write()
            }
            try await Drafts.discard(Self.draftKey, for: req)
            var target = SiteURL.myDiary.path + "?saved=" + entry.date.description
            if updated { target += "&updated=1" }
            return .seeOther(target)
        }
    }

    /// Creates or updates the day's row in one statement (`INSERT … ON CONFLICT (user_id, date) DO UPDATE`,
    /// on SQLite and PostgreSQL alike), so two saves of one day at once both land and both count, then
    /// replaces its doses of the medicines on the list now (doses of removed medicines stay). Returns
    /// whether the day already had an entry.
    static func store(_ entry: DiaryEntry, addToCollection: Bool, owner: OwnRecords.Owner, activeMedicines: [UUID], now: Date,
                      on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let table = DiaryEntryModel.schema
        let inCollection = addToCollection && entry.criticalThought != nil
        let row = try await sql.raw("""
            INSERT INTO \(ident: table) (id, created_at, updated_at, user_id, date, pain, mood, craving, note, critical_thought, in_collection, saves)
            VALUES (\(bind: UUID()), \(bind: now), \(bind: now), \(bind: owner.userID), \(bind: entry.date.description), \(bind: entry.pain),
                    \(bind: entry.mood), \(bind: entry.craving), \(bind: entry.note), \(bind: entry.criticalThought), \(bind: inCollection), 1)
            ON CONFLICT (user_id, date) DO UPDATE SET updated_at = excluded.updated_at, pain = excluded.pain, mood = excluded.mood,
                craving = excluded.craving, note = excluded.note, critical_thought = excluded.critical_thought,
                in_collection = excluded.in_collection, saves = \(ident: table).saves + 1
            RETURNING id, saves
            """).first()
        guard let row else { throw Abort(.internalServerError) }
        let rowID = try row.decode(column: "id", as: UUID.self)
        let updated = try row.decode(column: "saves", as: Int.self) > 1
        if updated, !activeMedicines.isEmpty {
            try await DiaryDoseModel.query(on: db)
                .filter(\.$entry.$id == rowID)
                .filter(\.$medicine.$id ~~ activeMedicines)
                .delete()
        }
        for dose in entry.doses {
            guard let medicineID = UUID(uuidString: dose.medicineID) else { continue }
            try await DiaryDoseModel(entryID: rowID, medicineID: medicineID, doses: dose.doses).create(on: db)
        }
        return updated
    }

    // MARK: Medicines

    static func renderMedicines(_ req: Request, owner: OwnRecords.Owner, add: DiaryPages.MedicineForm, editing: (UUID, DiaryPages.MedicineForm)?,
                                errors: FormErrors, notice: String?, status: HTTPStatus) async throws -> Response {
        let rows = try await Self.activeMedicines(owner, on: req.db)
        let list: [(UUID, DiaryPages.MedicineForm)] = rows.compactMap { row in
            guard let id = row.id else { return nil }
            if let editing, editing.0 == id { return editing }
            return (id, DiaryPages.MedicineForm(name: row.name, unit: row.unit))
        }
        return .html(DiaryPages.medicines(viewer: owner.viewer, list: list, add: add, errors: errors, notice: notice, csrf: owner.csrf),
                     status: status)
    }

    @Sendable
    func medicines(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        var notice: String?
        if req.query[String.self, at: "added"] != nil { notice = "Added to your list." }
        if req.query[String.self, at: "renamed"] != nil { notice = "Your change is saved." }
        if req.query[String.self, at: "removed"] != nil { notice = "Removed from your list. The doses you already wrote down are kept." }
        return try await Self.renderMedicines(req, owner: owner, add: .init(), editing: nil, errors: FormErrors(), notice: notice, status: .ok)
    }

    static let maximumNameLength = 80
    static let maximumUnitLength = 30

    /// Checks a medicine's name and unit; `suffix` is added to the field ids (each listed medicine has its own form).
    static func validate(_ form: DiaryPages.MedicineForm, suffix: String, others: [MedicineModel]) -> FormErrors {
        var errors = FormErrors()
        let name = form.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let unit = form.unit.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty {
            errors.add("name" + suffix, "Name: enter the medicine as you know it, for example “codeine 30 mg”.")
        } else if name.count > maximumNameLength {
            errors.add("name" + suffix, "Name needs to be at most \(maximumNameLength) characters. You entered \(name.count).")
        } else if others.contains(where: { $0.name.compare(name, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }) {
            errors.add("name" + suffix, "Name: “\(name)” is already on your list. Give this one a different name.")
        }
        if unit.isEmpty {
            errors.add("unit" + suffix, "What you count: enter a word like tablet, ml or patch.")
        } else if unit.count > maximumUnitLength {
            errors.add("unit" + suffix, "What you count needs to be at most \(maximumUnitLength) characters. You entered \(unit.count).")
        }
        return errors
    }

    @Sendable
    func addMedicine(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let input = try OwnRecords.form(req)
        let form = DiaryPages.MedicineForm(name: input["name"] ?? "", unit: input["unit"] ?? "")
        let existing = try await Self.activeMedicines(owner, on: req.db)
        let errors = Self.validate(form, suffix: "", others: existing)
        guard errors.isEmpty else {
            return try await Self.renderMedicines(req, owner: owner, add: form, editing: nil, errors: errors, notice: nil,
                                                  status: .unprocessableEntity)
        }
        try await MedicineModel(userID: owner.userID, name: form.name.trimmingCharacters(in: .whitespacesAndNewlines),
                                unit: form.unit.trimmingCharacters(in: .whitespacesAndNewlines)).create(on: req.db)
        return .seeOther(SiteURL.myMedicines.path + "?added=1")
    }

    /// The medicine in the path, if it is on the signed-in participant's list; otherwise not found.
    static func ownMedicine(_ req: Request, owner: OwnRecords.Owner) async throws -> MedicineModel {
        let id = try OwnRecords.recordID(req)
        guard let row = try await MedicineModel.query(on: req.db)
            .filter(\.$id == id)
            .filter(\.$user.$id == owner.userID)
            .filter(\.$removedAt == nil)
            .first() else { throw PageError.notFound() }
        return row
    }

    @Sendable
    func renameMedicine(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let row = try await Self.ownMedicine(req, owner: owner)
        let id = try row.requireID()
        let suffix = "-" + id.uuidString.lowercased()
        let input = try OwnRecords.form(req)
        let form = DiaryPages.MedicineForm(name: input["name" + suffix] ?? "", unit: input["unit" + suffix] ?? "")
        let others = try await Self.activeMedicines(owner, on: req.db).filter { $0.id != id }
        let errors = Self.validate(form, suffix: suffix, others: others)
        guard errors.isEmpty else {
            return try await Self.renderMedicines(req, owner: owner, add: .init(), editing: (id, form), errors: errors, notice: nil,
                                                  status: .unprocessableEntity)
        }
        row.name = form.name.trimmingCharacters(in: .whitespacesAndNewlines)
        row.unit = form.unit.trimmingCharacters(in: .whitespacesAndNewlines)
        try await row.save(on: req.db)
        return .seeOther(SiteURL.myMedicines.path + "?renamed=1")
    }

    @Sendable
    func removeMedicine(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let row = try await Self.ownMedicine(req, owner: owner)
        row.removedAt = req.now
        try await row.save(on: req.db)
        return .seeOther(SiteURL.myMedicines.path + "?removed=1")
    }
}
