import Fluent
import Foundation
import TendCore
import Vapor

/// A participant's questionnaires: one question per screen, each answer saved on the server as it is
/// given (so it resumes where it was left, on any device), a review, and Submit, which scores it with
/// TendCore's ``InstrumentScorer`` and runs the safety rules. A participant reaches only their own
/// questionnaires: any other id is a 404.
struct QuestionnaireController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myQuestionnaire(.key).pathComponents, use: show)
        participant.post(SiteURL.myQuestionnaire(.key).pathComponents, use: answer)
        participant.post(SiteURL.myQuestionnaireSubmit(.key).pathComponents, use: submit)
    }

    // MARK: Home

    /// The questionnaires open now, for the participant's home page.
    static func dueOnHome(_ req: Request) async throws -> [HomePages.DueQuestionnaire] {
        guard let userID = req.user?.id else { return [] }
        let due = try await QuestionnaireAssignments.due(for: userID, now: req.now, on: req.db)
        guard !due.isEmpty else { return [] }
        let library = try QuestionnaireScoring.library()
        return due.compactMap { row in
            guard let id = row.id, let definition = library.instrument(row.instrumentID) else { return nil }
            return HomePages.DueQuestionnaire(title: definition.name, href: SiteURL.myQuestionnaire(.value(id)).path,
                                              closes: closingWords(row), started: row.hasAnswers)
        }
    }

    static func closingWords(_ row: QuestionnaireAssignmentModel) -> String {
        guard let date = LocalDate(row.closesOn) else { return row.closesOn }
        return dateWords(date)
    }

    /// "Friday 6 March 2026": a calendar date (in the participant's zone) written out; noon UTC of that
    /// date falls on that date in UTC.
    static func dateWords(_ date: LocalDate) -> String {
        let noon = Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 43_200)
        return DateWords.string(noon, zone: TimeZone(identifier: "UTC")!, format: "EEEE d MMMM yyyy")
    }

    // MARK: Access

    /// The signed-in participant's assignment in the path, its definition, statuses brought up to now.
    static func own(_ req: Request) async throws -> (QuestionnaireAssignmentModel, InstrumentDefinition) {
        guard let userID = req.user?.id,
              let raw = req.parameters.get(SiteURL.assignmentKey), let id = UUID(uuidString: raw),
              let row = try await QuestionnaireAssignmentModel.find(id, on: req.db), row.$user.id == userID,
              let definition = try QuestionnaireScoring.library().instrument(row.instrumentID)
        else { throw PageError.notFound() }
        try await QuestionnaireAssignments.refresh([row], now: req.now, on: req.db)
        return (row, definition)
    }

    // MARK: Screens

    /// The wording of item `k`: the imported pack's, or our construct label (the caller shows a notice).
    static func wording(_ k: Int, definition: InstrumentDefinition, pack: WordingPack?) -> String {
        if let text = pack?.items[k] { return text }
        if let labels = definition.itemLabels, k - 1 < labels.count { return labels[k - 1] }
        return "Question \(k)"
    }

    /// Each response value with its label: the pack's for this item, else the definition's anchors
    /// (`"0 = not at all, 1 = several days, …"`), else the number alone.
    static func options(_ k: Int, definition: InstrumentDefinition, pack: WordingPack?) -> [QuestionnairePages.Option] {
        let range = definition.responseRange
        let anchors = anchorLabels(range.anchors ?? "")
        return (range.min...range.max).map { value in
            if let label = pack?.answerLabels[k]?[value] ?? anchors[value] { return .init(value: value, label: "\(value) – \(label)") }
            return .init(value: value, label: String(value))
        }
    }

    /// `"0 = not at all, 1 = several days"` → [0: "not at all", 1: "several days"]; text that does not
    /// follow the pattern gives no labels.
    static func anchorLabels(_ text: String) -> [Int: String] {
        var labels: [Int: String] = [:]
        var current: (Int, String)?
        for part in text.components(separatedBy: ", ") {
            let pieces = part.components(separatedBy: " = ")
            if pieces.count >= 2, let value = Int(pieces[0].trimmingCharacters(in: .whitespaces)) {
                if let (v, label) = current { labels[v] = label }
                current = (value, pieces.dropFirst().joined(separator: " = ").trimmingCharacters(in: .whitespaces))
            } else if let (v, label) = current {
                current = (v, label + ", " + part)
            }
        }
        if let (v, label) = current { labels[v] = label }
        return labels
    }

    /// The period to think about, for participants: "the past 2 weeks" from `past 2 weeks`; nothing
    /// for a definition whose recall note is not a period (`none: …`).
    static func recall(_ definition: InstrumentDefinition) -> String? {
        guard var text = definition.recallPeriod, text.hasPrefix("past ") || text.hasPrefix("last ") else { return nil }
        if let bracket = text.range(of: " (") { text = String(text[..<bracket.lowerBound]) }
        return "the " + text
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let (row, definition) = try await Self.own(req)
        let csrf = CSRF.token(for: req)
        let id = try row.requireID()
        if row.isSubmitted {
            let alerts = try await SafetyAlertModel.query(on: req.db).filter(\.$assignment.$id == id).count()
            return .html(QuestionnairePages.done(viewer: viewer, title: definition.name,
                                                 late: row.measurementStatus == .completedLate,
                                                 urgentHelp: alerts > 0 ? req.application.tend.urgentHelp : nil, csrf: csrf))
        }
        if row.measurementStatus == .upcoming {
            let opens = LocalDate(row.opensOn).map { Self.dateWords($0) } ?? row.opensOn
            return .html(QuestionnairePages.notOpen(viewer: viewer, title: definition.name, opens: opens, csrf: csrf))
        }
        let answers = row.answers(count: definition.itemCount)
        let pack = try await WordingPacks.pack(for: definition.id, on: req.db)
        let requested = (try? req.query.get(Int.self, at: "item")).flatMap { (1...(definition.itemCount + 1)).contains($0) ? $0 : nil }
        let number = requested ?? ((answers.firstIndex { $0 == nil }).map { $0 + 1 } ?? definition.itemCount + 1)
        if number > definition.itemCount {
            let rows = (1...definition.itemCount).map { k in
                QuestionnairePages.ReviewRow(number: k, wording: Self.wording(k, definition: definition, pack: pack),
                                             answer: answers[k - 1].map { value in
                                                 Self.options(k, definition: definition, pack: pack).first { $0.value == value }?.label ?? String(value)
                                             })
            }
            return .html(QuestionnairePages.review(viewer: viewer, assignmentID: id, title: definition.name, rows: rows,
                                                   closes: Self.closingWords(row), csrf: csrf))
        }
        return .html(QuestionnairePages.item(viewer: viewer, screen: Self.screen(row, definition, pack: pack, number: number,
                                                                                selected: answers[number - 1], rejected: nil),
                                             errors: FormErrors(), csrf: csrf))
    }

    static func screen(_ row: QuestionnaireAssignmentModel, _ definition: InstrumentDefinition, pack: WordingPack?, number: Int,
                       selected: Int?, rejected: String?) -> QuestionnairePages.ItemScreen {
        QuestionnairePages.ItemScreen(
            assignmentID: row.id!, title: definition.name, number: number, count: definition.itemCount,
            wording: wording(number, definition: definition, pack: pack), officialWording: pack != nil,
            recallPeriod: recall(definition), options: options(number, definition: definition, pack: pack),
            selected: selected, rejected: rejected, closes: closingWords(row))
    }

    struct AnswerInput: Content {
        var item: String?
        var answer: String?
        var move: String?
    }

    /// Saves one answer (when one was chosen) and moves to the next question, the previous one, or the review.
    @Sendable
    func answer(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let (row, definition) = try await Self.own(req)
        let path = SiteURL.myQuestionnaire(.value(try row.requireID())).path
        if row.isSubmitted || row.measurementStatus == .upcoming { return .seeOther(path) }
        let input = try req.content.decode(AnswerInput.self)
        guard let number = input.item.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              (1...definition.itemCount).contains(number) else { throw PageError.notFound() }
        var answers = row.answers(count: definition.itemCount)
        let raw = (input.answer ?? "").trimmingCharacters(in: .whitespaces)
        if !raw.isEmpty {
            let range = definition.responseRange
            guard let value = Int(raw), (range.min...range.max).contains(value) else {
                var errors = FormErrors()
                errors.add("answer", "Question \(number): choose one of the answers, a whole number from \(range.min) to \(range.max)")
                let pack = try await WordingPacks.pack(for: definition.id, on: req.db)
                return .html(QuestionnairePages.item(viewer: viewer,
                                                     screen: Self.screen(row, definition, pack: pack, number: number,
                                                                         selected: answers[number - 1], rejected: raw),
                                                     errors: errors, csrf: CSRF.token(for: req)), status: .unprocessableEntity)
            }
            answers[number - 1] = value
            row.setAnswers(answers)
            row.updatedAt = req.now
            try await row.save(on: req.db)
        }
        let target = input.move == "back" ? max(1, number - 1) : number + 1
        return .seeOther(path + "?item=\(target)")
    }

    /// Scores the answers, stores the scores with the definition's version and fingerprint, marks the
    /// questionnaire completed (late after its window closed), and raises any safety alerts.
    @Sendable
    func submit(req: Request) async throws -> Response {
        let (row, definition) = try await Self.own(req)
        let path = SiteURL.myQuestionnaire(.value(try row.requireID())).path
        // Nothing answered yet: back to the first question rather than recording an empty questionnaire.
        if row.isSubmitted || row.measurementStatus == .upcoming || !row.hasAnswers { return .seeOther(path) }
        let now = req.now
        let library = try QuestionnaireScoring.library()
        let sheet = try QuestionnaireScoring.score(answers: row.answers(count: definition.itemCount), timepoint: row.timepointID,
                                                   definition: definition)
        let baseURL = req.application.tend.baseURL
        try await req.db.transaction { db in
            row.setScoreSheet(sheet)
            row.scoredWith = definition.version
            row.definitionHash = InstrumentFingerprint.of(definition)
            row.status = QuestionnaireAssignments.submissionStatus(row, at: now).rawValue
            row.submittedAt = now
            row.updatedAt = now
            try await row.save(on: db)
            _ = try await SafetyAlerts.raise(for: row, definition: definition, library: library, baseURL: baseURL, on: db, now: now)
        }
        return .seeOther(path)
    }
}
