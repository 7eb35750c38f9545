import Fluent
import Foundation
import TendCore
import Vapor

/// `/my/practice`: a participant logs the practice they did between sessions (an exercise of their
/// programme or one of their own), sees their weeks build up, and changes or deletes an entry.
/// TendCore reads the form (``PracticeEntry/parse(date:exerciseID:minutes:feeling:note:today:knownExercises:)``)
/// and summarises the history (``PracticeSummary``); every row is looked up with the signed-in account.
struct PracticeController: RouteCollection {
    /// The autosave key of the "Add a practice" form.
    static let draftKey = "practice-log"

    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myPractice.pathComponents, use: show)
        participant.post(SiteURL.myPractice.pathComponents, use: create)
        participant.get(SiteURL.myPracticeEntry(.key).pathComponents, use: edit)
        participant.post(SiteURL.myPracticeEntry(.key).pathComponents, use: update)
        participant.post(SiteURL.myPracticeDelete(.key).pathComponents, use: delete)
    }

    static func exercises(_ owner: OwnRecords.Owner) -> [Exercise] {
        owner.enrolment.course.programme.exercises(in: owner.enrolment.course.version)
    }

    static func options(_ exercises: [Exercise]) -> [PracticeFormFields.Option] {
        exercises.map { .init(value: $0.id, label: $0.title) } + [.init(value: "", label: "Something else: a practice of my own")]
    }

    static func form(_ input: [String: String]) -> PracticePages.Form {
        PracticePages.Form(date: input["date"] ?? "", exercise: input["exercise"] ?? "", minutes: input["minutes"] ?? "",
                           feeling: input["feeling"] ?? "", note: input["note"] ?? "")
    }

    static func parse(_ form: PracticePages.Form, owner: OwnRecords.Owner) -> Result<PracticeEntry, FieldProblems> {
        PracticeEntry.parse(date: form.date, exerciseID: form.exercise, minutes: form.minutes, feeling: form.feeling, note: form.note,
                            today: owner.today, knownExercises: Set(exercises(owner).map(\.id)))
    }

    /// The participant's entries, summarised, and the most recent ones to list.
    static func history(_ owner: OwnRecords.Owner, on db: any Database) async throws -> PracticePages.History {
        let rows = try await PracticeEntryModel.query(on: db)
            .filter(\.$user.$id == owner.userID)
            .sort(\.$date, .descending)
            .sort(\.$createdAt, .descending)
            .all()
        let titles = Dictionary(exercises(owner).map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        let recent: [PracticePages.EntryRow] = rows.prefix(PracticePages.recentCount).compactMap { row in
            guard let id = row.id, let entry = row.entry else { return nil }
            return PracticePages.EntryRow(id: id, day: OwnRecords.words(entry.date),
                                          what: entry.exerciseID.map { titles[$0] ?? "A practice from your programme" } ?? "A practice of your own",
                                          minutes: entry.minutes, feeling: entry.feeling, note: entry.note)
        }
        return PracticePages.History(summary: PracticeSummary(entries: rows.compactMap(\.entry), today: owner.today),
                                     recent: recent, count: rows.count, dayWords: OwnRecords.words)
    }

    static func render(_ req: Request, owner: OwnRecords.Owner, form: PracticePages.Form, errors: FormErrors,
                       notice: String?, status: HTTPStatus) async throws -> Response {
        let history = try await Self.history(owner, on: req.db)
        return .html(PracticePages.page(viewer: owner.viewer, form: form, options: Self.options(Self.exercises(owner)), errors: errors,
                                        history: history, notice: notice, today: owner.today.description, csrf: owner.csrf,
                                        owner: owner.userID),
                     status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        var notice: String?
        if req.query[String.self, at: "saved"] != nil { notice = "Saved. Thank you for making time for this." }
        if req.query[String.self, at: "changed"] != nil { notice = "Your change is saved." }
        if req.query[String.self, at: "deleted"] != nil { notice = "The entry is deleted." }
        var form = PracticePages.Form(date: owner.today.description)
        if let draft = try await Drafts.values(form: Self.draftKey, for: req) {
            form = PracticePages.Form(date: draft.value("date").flatMap { $0.isEmpty ? nil : $0 } ?? form.date,
                                      exercise: draft.value("exercise") ?? "", minutes: draft.value("minutes") ?? "",
                                      feeling: draft.value("feeling") ?? "", note: draft.value("note") ?? "")
        }
        return try await Self.render(req, owner: owner, form: form, errors: FormErrors(), notice: notice, status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let form = Self.form(try OwnRecords.form(req))
        switch Self.parse(form, owner: owner) {
        case .failure(let problems):
            return try await Self.render(req, owner: owner, form: form,
                                         errors: PracticeFormFields.errors(problems, labels: PracticePages.labels),
                                         notice: nil, status: .unprocessableEntity)
        case .success(let entry):
            try await PracticeEntryModel.insert(userID: owner.userID, entry: entry, now: req.now, on: req.db)
            try await Drafts.discard(Self.draftKey, for: req)
            return .seeOther(SiteURL.myPractice.path + "?saved=1")
        }
    }

    /// The entry in the path, if it is the signed-in participant's; otherwise not found.
    static func ownEntry(_ req: Request, owner: OwnRecords.Owner) async throws -> PracticeEntryModel {
        let id = try OwnRecords.recordID(req)
        guard let row = try await PracticeEntryModel.query(on: req.db)
            .filter(\.$id == id)
            .filter(\.$user.$id == owner.userID)
            .first() else { throw PageError.notFound() }
        return row
    }

    static func renderEdit(_ req: Request, owner: OwnRecords.Owner, id: UUID, form: PracticePages.Form, errors: FormErrors,
                           status: HTTPStatus) -> Response {
        .html(PracticePages.edit(viewer: owner.viewer, id: id, form: form, options: options(exercises(owner)), errors: errors,
                                 today: owner.today.description, csrf: owner.csrf), status: status)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let row = try await Self.ownEntry(req, owner: owner)
        let form = PracticePages.Form(date: row.date, exercise: row.exerciseID ?? "", minutes: String(row.minutes),
                                      feeling: row.feeling.map(String.init) ?? "", note: row.note ?? "")
        return Self.renderEdit(req, owner: owner, id: try row.requireID(), form: form, errors: FormErrors(), status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let row = try await Self.ownEntry(req, owner: owner)
        let form = Self.form(try OwnRecords.form(req))
        switch Self.parse(form, owner: owner) {
        case .failure(let problems):
            return Self.renderEdit(req, owner: owner, id: try row.requireID(), form: form,
                                   errors: PracticeFormFields.errors(problems, labels: PracticePages.labels), status: .unprocessableEntity)
        case .success(let entry):
            row.update(from: entry)
            try await row.save(on: req.db)
            return .seeOther(SiteURL.myPractice.path + "?changed=1")
        }
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let row = try await Self.ownEntry(req, owner: owner)
        try await row.delete(on: req.db)
        return .seeOther(SiteURL.myPractice.path + "?deleted=1")
    }
}
