import Fluent
import Foundation
import TendCore
import Vapor

/// `/my/thoughts`: the self-critical thought tool and the participant's own collection, which holds their
/// thought records and the harsh thoughts they ticked in the diary (``ThoughtRecord/fromDiary(_:)``),
/// newest first and searchable (``ThoughtSearch``). Each item opens at `/my/thoughts/:id`; a diary
/// thought answered with the tool leaves the collection as the new record takes its place.
struct ThoughtController: RouteCollection {
    /// The autosave key of the tool's form.
    static let draftKey = "thought-tool"

    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myThoughts.pathComponents, use: show)
        participant.post(SiteURL.myThoughts.pathComponents, use: create)
        participant.get(SiteURL.myThought(.key).pathComponents, use: item)
    }

    /// One item of the collection: a stored record or a ticked diary thought, by its row id.
    struct CollectionItem: Sendable {
        var id: UUID
        var record: ThoughtRecord
        var createdAt: Date
    }

    static func collection(_ owner: OwnRecords.Owner, on db: any Database) async throws -> [CollectionItem] {
        let records = try await ThoughtRecordModel.query(on: db).filter(\.$user.$id == owner.userID).all()
        let diary = try await DiaryEntryModel.query(on: db)
            .filter(\.$user.$id == owner.userID)
            .filter(\.$inCollection == true)
            .all()
        var items: [CollectionItem] = records.compactMap { row in
            guard let id = row.id, let record = row.record else { return nil }
            return CollectionItem(id: id, record: record, createdAt: row.createdAt ?? .distantPast)
        }
        items += diary.compactMap { row in
            guard let id = row.id, let entry = row.entry(doses: []), let record = ThoughtRecord.fromDiary(entry) else { return nil }
            return CollectionItem(id: id, record: record, createdAt: row.createdAt ?? .distantPast)
        }
        // Oldest first, so that on one day the later one counts as newer in the search's order.
        return items.sorted { ($0.record.date, $0.createdAt) < ($1.record.date, $1.createdAt) }
    }

    static func render(_ req: Request, owner: OwnRecords.Owner, form: ThoughtPages.Form, errors: FormErrors, status: HTTPStatus)
        async throws -> Response {
        let query = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let items = try await Self.collection(owner, on: req.db)
        let found = ThoughtSearch.matching(query, in: items, record: \.record).map { item in
            ThoughtPages.ListItem(id: item.id, day: OwnRecords.words(item.record.date), thought: item.record.thought,
                                  status: ThoughtPages.status(item.record))
        }
        return .html(ThoughtPages.page(viewer: owner.viewer, form: form, errors: errors, query: query, items: found, total: items.count,
                                       today: owner.today.description, csrf: owner.csrf, owner: owner.userID), status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        var form = ThoughtPages.Form(date: owner.today.description)
        // Answering a diary thought: the tool starts with it.
        if let raw = req.query[String.self, at: "from"], let id = UUID(uuidString: raw),
           let row = try await Self.diaryThought(id, owner: owner, on: req.db) {
            form.thought = row.criticalThought ?? ""
            form.date = row.date
            form.fromDiary = id.uuidString.lowercased()
        } else if let draft = try await Drafts.values(form: Self.draftKey, for: req) {
            // What was typed and not yet saved comes back as it was left.
            form = ThoughtPages.Form(date: draft.value("date").flatMap { $0.isEmpty ? nil : $0 } ?? form.date,
                                     thought: draft.value("thought") ?? "", situation: draft.value("situation") ?? "",
                                     criticFears: draft.value("criticFears") ?? "", wise: draft.value("wise") ?? "",
                                     strong: draft.value("strong") ?? "", caring: draft.value("caring") ?? "",
                                     distressBefore: draft.value("distressBefore") ?? "", distressAfter: draft.value("distressAfter") ?? "")
        }
        return try await Self.render(req, owner: owner, form: form, errors: FormErrors(), status: .ok)
    }

    static func diaryThought(_ id: UUID, owner: OwnRecords.Owner, on db: any Database) async throws -> DiaryEntryModel? {
        try await DiaryEntryModel.query(on: db)
            .filter(\.$id == id)
            .filter(\.$user.$id == owner.userID)
            .filter(\.$inCollection == true)
            .first()
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let input = try OwnRecords.form(req)
        let form = ThoughtPages.Form(date: input["date"] ?? "", thought: input["thought"] ?? "", situation: input["situation"] ?? "",
                                     criticFears: input["criticFears"] ?? "", wise: input["wise"] ?? "", strong: input["strong"] ?? "",
                                     caring: input["caring"] ?? "", distressBefore: input["distressBefore"] ?? "",
                                     distressAfter: input["distressAfter"] ?? "", fromDiary: input["fromDiary"] ?? "")
        let parsed = ThoughtRecord.parse(date: form.date, thought: form.thought, situation: form.situation, criticFears: form.criticFears,
                                         wise: form.wise, strong: form.strong, caring: form.caring, distressBefore: form.distressBefore,
                                         distressAfter: form.distressAfter, today: owner.today)
        switch parsed {
        case .failure(let problems):
            return try await Self.render(req, owner: owner, form: form,
                                         errors: PracticeFormFields.errors(problems, labels: ThoughtPages.labels),
                                         status: .unprocessableEntity)
        case .success(let record):
            let row = ThoughtRecordModel(userID: owner.userID, record: record)
            try await req.db.transaction { db in
                try await row.create(on: db)
                // The diary thought now has its answer: the record stands for it in the collection.
                if let id = UUID(uuidString: form.fromDiary), let diary = try await Self.diaryThought(id, owner: owner, on: db) {
                    diary.inCollection = false
                    try await diary.save(on: db)
                }
            }
            try await Drafts.discard(Self.draftKey, for: req)
            return .seeOther(SiteURL.myThought(.value(try row.requireID())).path + "?saved=1")
        }
    }

    @Sendable
    func item(req: Request) async throws -> Response {
        let owner = try await OwnRecords.owner(req)
        let id = try OwnRecords.recordID(req)
        let saved = req.query[String.self, at: "saved"] != nil
        if let row = try await ThoughtRecordModel.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == owner.userID).first(),
           let record = row.record {
            return .html(ThoughtPages.item(viewer: owner.viewer, id: id, day: OwnRecords.words(record.date), record: record,
                                           saved: saved, csrf: owner.csrf))
        }
        if let row = try await Self.diaryThought(id, owner: owner, on: req.db), let entry = row.entry(doses: []),
           let record = ThoughtRecord.fromDiary(entry) {
            return .html(ThoughtPages.item(viewer: owner.viewer, id: id, day: OwnRecords.words(record.date), record: record,
                                           saved: false, csrf: owner.csrf))
        }
        throw PageError.notFound()
    }
}
