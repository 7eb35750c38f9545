import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// The downloads on a study's exports page, named by their file name in the path.
enum StudyExportFile: String, Sendable, CaseIterable {
    case tidyScores = "scores-long.csv"
    case wideScores = "scores-wide.csv"
    case spssSyntax = "scores-wide.sps"
    case dataDictionary = "redcap-dictionary.csv"
    case fhirBundle = "questionnaire-responses.fhir.json"
    case reportHTML = "analysis-report.html"
    case reportText = "analysis-report.txt"
    case reportJSON = "analysis-report.json"

    var auditAction: AuditAction {
        switch self {
        case .tidyScores: return .studyTidyScoresExported
        case .wideScores: return .studyWideScoresExported
        case .spssSyntax: return .studySPSSSyntaxExported
        case .dataDictionary: return .studyDataDictionaryExported
        case .fhirBundle: return .studyFHIRBundleExported
        case .reportHTML, .reportText, .reportJSON: return .studyAnalysisReportExported
        }
    }

    var contentType: String {
        switch self {
        case .tidyScores, .wideScores, .dataDictionary: return "text/csv; charset=utf-8"
        case .spssSyntax, .reportText: return "text/plain; charset=utf-8"
        case .fhirBundle: return "application/fhir+json; charset=utf-8"
        case .reportHTML: return "text/html; charset=utf-8"
        case .reportJSON: return "application/json; charset=utf-8"
        }
    }

    /// The name the browser saves the file as, prefixed with the study's id.
    func fileName(study: StudyDefinition) -> String { "\(study.id)-\(rawValue)" }
}

/// One participant of a study as the exports see them: the pseudonymous study code, the arm (nil when
/// not allocated, and always nil for a viewer blinded to allocation) and their submitted questionnaires,
/// timepoints in schedule order and instruments in schedule order within a timepoint.
struct StudyExportParticipant {
    var code: String
    var arm: String?
    var submitted: [StudyExportQuestionnaire]
}

/// The columns of a submitted questionnaire the exports write, read without building a whole model
/// (an export reads hundreds of thousands of them).
struct StudyExportQuestionnaire: StoredQuestionnaire {
    var instrumentID: String
    var timepointID: String
    var status: String
    var answersJSON: String
    var scoresJSON: String?
    var scoredWith: String?
    var submittedAt: Date?
}

/// Reads a study's live data for the exports, a page of participants at a time (keyset pagination on the
/// screening-log number, which is unique in a study), so that no export holds more than one page of
/// questionnaires in memory however large the study. Only study codes leave here: never names, e-mail
/// addresses or account ids.
struct StudyExportReader {
    let studyID: UUID
    let definition: StudyDefinition
    let library: InstrumentLibrary
    /// Whether arms are read at all (false for staff blinded to allocation).
    let withArms: Bool
    var pageSize = 500
    /// One decoder for every stored JSON value the reader decodes.
    let decoder = JSONDecoder()

    /// The instruments the schedule names that are in the library, in schedule order.
    var instruments: [InstrumentDefinition] {
        var seen = Set<String>()
        return definition.schedule.compactMap { measure in
            guard let id = measure.instrument, seen.insert(id).inserted else { return nil }
            return library.instrument(id)
        }
    }

    /// Timepoints at which any questionnaire is scheduled, in the definition's order.
    var questionnaireTimepoints: [String] {
        let ids = Set(instruments.map(\.id))
        let used = Set(definition.schedule.filter { $0.instrument.map(ids.contains) ?? false }.flatMap(\.timepoints))
        return definition.timepoints.map(\.id).filter(used.contains)
    }

    /// The wide file's columns: every scale of every scheduled instrument at each questionnaire timepoint.
    func wideLayout() throws -> WideLayout {
        var measures: [String] = []
        var labels: [String: String] = [:]
        for instrument in instruments {
            for scale in instrument.scales {
                let id = instrument.measureID(of: scale)
                measures.append(id)
                labels[id] = "\(instrument.abbreviation) \(scale.name)"
            }
        }
        do {
            return try WideScoreExport.layout(measures: measures, timepoints: questionnaireTimepoints,
                                              arms: withArms ? definition.arms.map(\.id) : [], labels: labels)
        } catch {
            throw Abort(.unprocessableEntity, reason: "The wide file cannot be laid out: \(error)")
        }
    }

    /// Calls `body` with each page of participants who have joined the study, in screening-log order.
    func forEachPage(on db: any Database, _ body: ([StudyExportParticipant]) async throws -> Void) async throws {
        let timepointOrder = Dictionary(definition.timepoints.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var instrumentOrder: [String: Int] = [:]
        for (i, measure) in definition.schedule.enumerated() {
            if let id = measure.instrument, instrumentOrder[id] == nil { instrumentOrder[id] = i }
        }
        var after = Int.min
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        while true {
            // Plain columns rather than models: a page needs four fields of each screening and one of each
            // allocation, and building whole models cost more than the rest of the page.
            let screenings = try await sql.select()
                .columns("id", "user_id", "number", "code")
                .from(StudyScreeningModel.schema)
                .where("study_id", .equal, studyID)
                .where("user_id", .isNot, SQLLiteral.null)
                .where("number", .greaterThan, after)
                .orderBy("number", .ascending)
                .limit(pageSize)
                .all()
                .map { row in
                    (id: try row.decode(column: "id", as: UUID.self), user: try row.decode(column: "user_id", as: UUID.self),
                     number: try row.decode(column: "number", as: Int.self), code: try row.decode(column: "code", as: String.self))
                }
            guard let last = screenings.last else { return }
            after = last.number
            var arms: [UUID: String] = [:]
            if withArms {
                let allocations = try await sql.select()
                    .columns("screening_id", "arm")
                    .from(StudyAllocationModel.schema)
                    .where("study_id", .equal, studyID)
                    .where("screening_id", .in, screenings.map(\.id))
                    .all()
                for row in allocations {
                    arms[try row.decode(column: "screening_id", as: UUID.self)] = try row.decode(column: "arm", as: String.self)
                }
            }
            let users = screenings.map(\.user)
            let rows = try await sql.select()
                .columns("user_id", "instrument_id", "timepoint_id", "status", "answers", "submitted_at")
                .column(SQLFunction("COALESCE", args: SQLColumn("scores"), SQLLiteral.string("")), as: "scores")
                .column(SQLFunction("COALESCE", args: SQLColumn("scored_with"), SQLLiteral.string("")), as: "scored_with_text")
                .column(SQLRaw("COALESCE(CAST(study_id AS TEXT), '')"), as: "study_text")
                .from(QuestionnaireAssignmentModel.schema)
                .where("user_id", .in, users)
                .where("submitted_at", .isNot, SQLLiteral.null)
                .all()
            var byUser: [UUID: [StudyExportQuestionnaire]] = [:]
            // The study is checked here rather than in the query, so the database looks the page's
            // people up by account (a few rows each) instead of walking every submitted row of the study.
            for row in rows where UUID(uuidString: try row.decode(column: "study_text", as: String.self)) == studyID {
                byUser[try row.decode(column: "user_id", as: UUID.self), default: []].append(StudyExportQuestionnaire(
                    instrumentID: try row.decode(column: "instrument_id", as: String.self),
                    timepointID: try row.decode(column: "timepoint_id", as: String.self),
                    status: try row.decode(column: "status", as: String.self),
                    answersJSON: try row.decode(column: "answers", as: String.self),
                    scoresJSON: try row.nonEmptyText("scores"), scoredWith: try row.nonEmptyText("scored_with_text"),
                    submittedAt: try row.decode(column: "submitted_at", as: Date.self)))
            }
            let page = screenings.map { screening -> StudyExportParticipant in
                let submitted = (byUser[screening.user] ?? []).sorted {
                    (timepointOrder[$0.timepointID] ?? .max, instrumentOrder[$0.instrumentID] ?? .max, $0.instrumentID)
                        < (timepointOrder[$1.timepointID] ?? .max, instrumentOrder[$1.instrumentID] ?? .max, $1.instrumentID)
                }
                return StudyExportParticipant(code: screening.code, arm: arms[screening.id], submitted: submitted)
            }
            try await body(page)
            if screenings.count < pageSize { return }
        }
    }

    /// The scores of one submitted questionnaire as (measure, score) pairs in the instrument's scale order;
    /// a scale that could not be scored (too many items missing) has a nil score.
    func scores(of row: StudyExportQuestionnaire) -> [(measure: String, score: Double?)] {
        guard let sheet = row.decodedScoreSheet(decoder: decoder) else { return [] }
        if let instrument = library.instrument(row.instrumentID) {
            let missing = Set(sheet.missing.map(\.measure))
            return instrument.scales.compactMap { scale in
                let id = instrument.measureID(of: scale)
                if let score = sheet.score(id) { return (id, score) }
                return missing.contains(id) ? (id, nil) : nil
            }
        }
        return sheet.scores.map { ($0.measure, $0.score) } + sheet.missing.map { ($0.measure, nil) }
    }

    /// The tidy rows of one participant.
    func tidyRows(_ participant: StudyExportParticipant) -> [TidyScoreRow] {
        participant.submitted.flatMap { row in
            scores(of: row).map { pair in
                TidyScoreRow(studyCode: participant.code, arm: participant.arm ?? "", timepoint: row.timepointID, measure: pair.measure,
                             score: pair.score, completedAt: row.submittedAt, late: row.measurementStatus == .completedLate)
            }
        }
    }

    /// One participant's wide row.
    func wideRow(_ participant: StudyExportParticipant) -> WideParticipantRow {
        var scores: [String: [String: Double]] = [:]
        for row in participant.submitted {
            for pair in self.scores(of: row) {
                if let score = pair.score { scores[pair.measure, default: [:]][row.timepointID] = score }
            }
        }
        return WideParticipantRow(studyCode: participant.code, arm: participant.arm, scores: scores)
    }

    /// One participant's questionnaires as FHIR answers (every submitted questionnaire of an instrument in
    /// the library, with the version its scores were computed with).
    func answers(_ participant: StudyExportParticipant) -> [QuestionnaireAnswers] {
        participant.submitted.compactMap { row in
            guard let instrument = library.instrument(row.instrumentID), let authored = row.submittedAt else { return nil }
            return QuestionnaireAnswers(studyCode: participant.code, instrument: instrument.id,
                                        instrumentVersion: row.scoredWith ?? instrument.version, authored: authored,
                                        responses: row.answers(count: instrument.itemCount, decoder: decoder))
        }
    }
}

/// The analysis report: the same TendCore outcome analysis `tend analyse` runs on a scores file, fed
/// with the study's stored scores. The analysis needs every score at once, so its input is built in
/// memory (as a compact CSV of five short columns) rather than streamed.
enum StudyAnalysisExport {
    /// The analysis options for a study: before and after as the dashboard takes them
    /// (``StudyOutcomes/preTimepoint(_:)``, ``StudyOutcomes/postTimepoint(_:)``), so the report export and
    /// the dashboard analyse the same change. When one of them has no score yet, the first timepoints that
    /// have scores stand in (the report names the two it used).
    static func options(definition: StudyDefinition, scored: [String]) -> OutcomeAnalysisOptions {
        var options = OutcomeAnalysisOptions()
        let pre = StudyOutcomes.preTimepoint(definition).flatMap { scored.contains($0) ? $0 : nil } ?? scored.first
        let post = StudyOutcomes.postTimepoint(definition).flatMap { scored.contains($0) && $0 != pre ? $0 : nil }
            ?? scored.first { $0 != pre }
        if let pre, let post {
            options.pre = pre
            options.post = post
        }
        return options
    }

    /// The analysis input, as the tidy CSV `tend analyse` reads (`participant,[arm,]timepoint,measure,score`).
    static func input(_ reader: StudyExportReader, on db: any Database) async throws -> (csv: String, rows: Int) {
        var csv = reader.withArms ? "participant,arm,timepoint,measure,score\n" : "participant,timepoint,measure,score\n"
        var rows = 0
        try await reader.forEachPage(on: db) { page in
            for participant in page {
                for row in reader.tidyRows(participant) {
                    guard let score = row.score else { continue }
                    var fields = [row.studyCode]
                    if reader.withArms { fields.append(row.arm) }
                    fields += [row.timepoint, row.measure, String(score)]
                    csv += fields.map(\.csvEscaped).joined(separator: ",") + "\n"
                    rows += 1
                }
            }
        }
        return (csv, rows)
    }

    /// Runs the analysis on the study's stored scores.
    static func run(_ reader: StudyExportReader, on db: any Database) async throws -> (result: OutcomeAnalysisResult, rows: Int) {
        var (csv, rows) = try await input(reader, on: db)
        let table: ScoreTable
        do {
            table = try csv.withUTF8 { try ScoreTable.parse(UnsafeRawBufferPointer($0)) }
        } catch {
            throw Abort(.unprocessableEntity, reason: "The stored scores could not be read for the analysis: \(error)")
        }
        return (try analyse(table, definition: reader.definition, library: reader.library), rows)
    }

    /// The analysis of a score table with the study's options and the library's defaults for each measure.
    static func analyse(_ table: ScoreTable, definition: StudyDefinition, library: InstrumentLibrary) throws -> OutcomeAnalysisResult {
        var defaults: [String: MeasureDefaults] = [:]
        for id in table.measures { if let d = library.analysisDefaults(for: id) { defaults[id] = d } }
        let order = definition.timepoints.map(\.id)
        let scored = table.timepoints.sorted { (order.firstIndex(of: $0) ?? .max) < (order.firstIndex(of: $1) ?? .max) }
        return try OutcomeAnalysis.run(table: table, options: options(definition: definition, scored: scored), defaults: defaults)
    }
}
