import Fluent
import Foundation
import NIOCore
import TendCore
import Vapor

/// A study's data exports, for the researchers and statisticians on its staff: the scores as a tidy long
/// CSV and as a wide CSV with its SPSS syntax, the REDCap data dictionary, the questionnaire responses as
/// a FHIR R4 bundle, and the outcome analysis report. Everything is pseudonymised with study codes; for
/// staff blinded to allocation the arm columns are left out and the report pools the arms. The files are
/// streamed as they are read from the database, a page of participants at a time, and every download is
/// written to the audit trail with its row count (never a value).
struct StudyExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        staff.get(SiteURL.studyExports(.key).pathComponents, use: page)
        for file in StudyExportFile.allCases {
            staff.get(SiteURL.studyExport(.key, file).pathComponents) { req in try await self.download(req, file) }
        }
    }

    /// Researchers and statisticians on the study's staff (blinded or not).
    static func mayExport(_ access: StudyAccess) -> Bool {
        access.studyRole == .researcher || access.studyRole == .statistician
    }

    static func requireAccess(_ req: Request) async throws -> StudyAccess {
        let access = try await StudyAccess.require(req)
        guard mayExport(access) else { throw PageError.forbidden }
        return access
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let access = try await Self.requireAccess(req)
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let participants = try await StudyScreeningModel.query(on: req.db)
            .filter(\.$study.$id == access.studyID).filter(\.$user.$id != nil).count()
        let page = StudyExportPages.Page(id: access.studyID, title: access.definition.title, seesArms: access.seesArms,
                                         participants: participants, mayExportAllocations: access.mayExportAllocations)
        return .html(StudyExportPages.page(viewer: viewer, page: page, csrf: CSRF.token(for: req)))
    }

    func download(_ req: Request, _ file: StudyExportFile) async throws -> Response {
        let access = try await Self.requireAccess(req)
        let library = try QuestionnaireScoring.library()
        let reader = StudyExportReader(studyID: access.studyID, definition: access.definition, library: library,
                                       withArms: access.seesArms)
        switch file {
        case .tidyScores:
            return stream(req, access, file) { sink in
                sink.add(TidyScoreExport.headerLine(includeArm: reader.withArms))
                try await reader.forEachPage(on: req.db) { page in
                    for participant in page {
                        for row in reader.tidyRows(participant) {
                            sink.add(TidyScoreExport.line(row, includeArm: reader.withArms))
                            sink.rows += 1
                        }
                    }
                    try await sink.flush()
                }
            }
        case .wideScores:
            let layout = try reader.wideLayout()
            return stream(req, access, file) { sink in
                sink.add(WideScoreExport.headerLine(layout: layout, includeArm: reader.withArms))
                try await reader.forEachPage(on: req.db) { page in
                    for participant in page {
                        sink.add(try WideScoreExport.line(reader.wideRow(participant), index: sink.rows, layout: layout,
                                                          includeArm: reader.withArms))
                        sink.rows += 1
                    }
                    try await sink.flush()
                }
            }
        case .spssSyntax:
            let layout = try reader.wideLayout()
            var text = ""
            SPSSSyntax.write(layout: layout, csvFileName: StudyExportFile.wideScores.fileName(study: access.definition),
                             includeArm: reader.withArms) { text += $0 }
            return try await whole(req, access, file, text, rows: layout.columns.count + (reader.withArms ? 2 : 1))
        case .dataDictionary:
            var text = ""
            var lines = 0
            do {
                try REDCapDictionary.write(instruments: reader.instruments) { text += $0; lines += 1 }
            } catch {
                throw Abort(.unprocessableEntity, reason: "The data dictionary cannot be written: \(error)")
            }
            return try await whole(req, access, file, text, rows: max(0, lines - 1))
        case .fhirBundle:
            let base = req.application.tend.baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let settings = FHIRExport.Settings(questionnaireBase: base + "/fhir/Questionnaire",
                                               subjectSystem: base + "/studies/\(access.definition.id)/participant")
            return stream(req, access, file) { sink in
                sink.add(FHIRExport.bundleOpening)
                try await reader.forEachPage(on: req.db) { page in
                    for participant in page {
                        for answers in reader.answers(participant) {
                            sink.add(FHIRExport.bundleEntry(answers, settings: settings, first: sink.rows == 0))
                            sink.rows += 1
                        }
                    }
                    try await sink.flush()
                }
                sink.add(FHIRExport.bundleClosing)
            }
        case .reportHTML, .reportText, .reportJSON:
            let analysis: (result: OutcomeAnalysisResult, rows: Int)
            do {
                analysis = try await StudyAnalysisExport.run(reader, on: req.db)
            } catch let error as OutcomeAnalysisError {
                throw PageError(status: .unprocessableEntity, content: ErrorPages.Content(
                    title: "The analysis could not be run",
                    message: "The stored scores of this study cannot be analysed yet: \(error.description).",
                    linkText: "Back to the exports", linkPath: SiteURL.studyExports(.value(access.studyID)).path))
            }
            let text: String
            switch file {
            case .reportHTML: text = HTMLReport.render(analysis.result, title: access.definition.title)
            case .reportText: text = TextReport.render(analysis.result)
            default: text = String(decoding: try JSONReport.render(analysis.result), as: UTF8.self) + "\n"
            }
            return try await whole(req, access, file, text, rows: analysis.rows)
        }
    }

    static func headers(_ file: StudyExportFile, _ access: StudyAccess) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(file.fileName(study: access.definition))\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return headers
    }

    /// A small file built in full, audited before it is sent.
    func whole(_ req: Request, _ access: StudyAccess, _ file: StudyExportFile, _ text: String, rows: Int) async throws -> Response {
        try await AuditLog.record(file.auditAction, actor: access.user, subject: .study(access.studyID), rowCount: rows,
                                  on: req.db, at: req.now)
        return Response(status: .ok, headers: Self.headers(file, access), body: .init(string: text))
    }

    /// A streamed file: `produce` adds text to the sink and flushes it page by page. The audit entry is
    /// written when the stream ends, with the number of rows sent (also when the download broke off).
    func stream(_ req: Request, _ access: StudyAccess, _ file: StudyExportFile,
                _ produce: @escaping @Sendable (ExportSink) async throws -> Void) -> Response {
        let actor = access.user
        let studyID = access.studyID
        let now = req.now
        let body = Response.Body(asyncStream: { writer in
            let sink = ExportSink(writer: writer, allocator: req.byteBufferAllocator)
            var failure: (any Error)?
            do {
                try await produce(sink)
                try await sink.flush()
            } catch {
                failure = error
                req.logger.warning("study export \(file.rawValue) stopped after \(sink.rows) rows: \(error)")
            }
            do {
                try await AuditLog.record(file.auditAction, actor: actor, subject: .study(studyID), rowCount: sink.rows,
                                          on: req.db, at: now)
            } catch {
                failure = failure ?? error
            }
            if let failure {
                try? await writer.write(.error(failure))
            } else {
                try await writer.write(.end)
            }
        }, byteBufferAllocator: req.byteBufferAllocator)
        return Response(status: .ok, headers: Self.headers(file, access), body: body)
    }
}

/// Collects the text of a streamed export and hands it to the response in chunks.
final class ExportSink: @unchecked Sendable {
    private let writer: any AsyncBodyStreamWriter
    private let allocator: ByteBufferAllocator
    private var pending = ""
    /// Data rows written so far (for the audit entry).
    var rows = 0

    init(writer: any AsyncBodyStreamWriter, allocator: ByteBufferAllocator) {
        self.writer = writer
        self.allocator = allocator
        pending.reserveCapacity(Self.chunk)
    }

    static let chunk = 64 * 1024

    func add(_ text: String) { pending += text }

    /// Sends what has been collected.
    func flush() async throws {
        guard !pending.isEmpty else { return }
        var buffer = allocator.buffer(capacity: pending.utf8.count)
        buffer.writeString(pending)
        pending.removeAll(keepingCapacity: true)
        try await writer.writeBuffer(buffer)
    }
}
