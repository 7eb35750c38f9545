import Fluent
import Foundation
import TendCore
import Vapor

/// The study dashboard (`/studies/:s/dashboard`) and one participant's outcomes over time
/// (`/studies/:s/participants/:code/outcomes`), for a study's unblinded research staff. Both are worked
/// out on every view from the live records by TendCore; the outcome analysis (the one `tend analyse`
/// runs) is kept in memory per study and score fingerprint, so a new or rescored questionnaire shows at
/// once and unchanged scores are not analysed twice. Blinded staff get a page saying why they cannot
/// see either: both show results by arm or change that could reveal allocation.
struct StudyDashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.researcher, .admin, .facilitator))
        staff.get(SiteURL.studyDashboard(.key).pathComponents, use: dashboard)
        staff.get(SiteURL.studyPersonOutcomes(.key, .key).pathComponents, use: outcomes)
    }

    static let blindedDashboard = ErrorPages.Content(
        title: "The dashboard is not shown to blinded staff",
        message: "The study dashboard reports recruitment, attendance and outcomes by arm, which would reveal who was allocated where. You are blinded to allocation on this study, so it is not shown to you. The screening log is still open to you.",
        linkText: "Back to the study", linkPath: SiteURL.studies.path)

    static let blindedOutcomes = ErrorPages.Content(
        title: "Outcomes are not shown to blinded staff",
        message: "A participant's change over time could reveal their allocation. You are blinded to allocation on this study, so outcomes are not shown to you.",
        linkText: "Back to your studies", linkPath: SiteURL.studies.path)

    static let researchOnly = ErrorPages.Content(
        title: "For the study's research staff",
        message: "The dashboard and participants' outcomes are for the study's researchers and administrators.",
        linkText: "Back to your studies", linkPath: SiteURL.studies.path)

    /// The study in the path, for someone who may see its results by arm.
    static func requireUnblinded(_ req: Request, blinded: ErrorPages.Content) async throws -> StudyAccess {
        let access = try await StudyAccess.require(req)
        guard access.seesArms else { throw PageError(status: .forbidden, content: blinded) }
        guard access.user.role == .admin || access.user.role == .researcher else {
            throw PageError(status: .forbidden, content: researchOnly)
        }
        return access
    }

    // MARK: The outcome analysis, kept per score fingerprint

    struct AnalysisKey: Hashable, Sendable {
        var study: UUID
        var scores: StudyDashboardData.ScoresFingerprint
        /// Hash of the allocated participants and their arms.
        var participants: Int
    }

    struct Analysis: Sendable {
        var table: ScoreTable
        var result: OutcomeAnalysisResult?
        var problem: String?
        /// The report's sections as HTML (TendCore's renderer).
        var html: String
    }

    /// Entries hold whole analyses, so few are kept; a changed fingerprint is a new key.
    static let analyses = ReadCache<AnalysisKey, Analysis>(lifetime: 3600, capacity: 16)

    static func analysis(_ req: Request, _ access: StudyAccess, data: StudyDashboardData) async throws -> Analysis {
        let participants = data.participants(withArms: true)
        var hasher = Hasher()
        for p in participants { hasher.combine(p.id); hasher.combine(p.arm) }
        let fingerprint = try await StudyDashboardData.scoresFingerprint(study: access.studyID, on: req.db)
        let key = AnalysisKey(study: access.studyID, scores: fingerprint, participants: hasher.finalize())
        if let hit = analyses.value(for: key) { return hit }
        let stored = try await StudyDashboardData.storedScores(study: access.studyID, fingerprint: fingerprint, on: req.db)
        let scores = data.scores(stored)
        let table = StudyOutcomes.table(definition: access.definition, participants: participants, scores: scores)
        var defaults: [String: MeasureDefaults] = [:]
        if let library = try? QuestionnaireScoring.library() {
            for id in table.measures { if let d = library.analysisDefaults(for: id) { defaults[id] = d } }
        }
        var analysis = Analysis(table: table, result: nil, problem: nil, html: "")
        if table.measures.isEmpty {
            analysis.problem = "No questionnaire has been submitted yet, so there are no outcomes to analyse."
        } else {
            do {
                let result = try StudyOutcomes.analyse(definition: access.definition, table: table, defaults: defaults)
                analysis.result = result
                analysis.html = HTMLReport.embeddedSections(result)
            } catch {
                analysis.problem = "The outcome analysis could not run: \(error)"
            }
        }
        analyses.set(analysis, for: key)
        return analysis
    }

    // MARK: Pages

    @Sendable
    func dashboard(req: Request) async throws -> Response {
        let access = try await Self.requireUnblinded(req, blinded: Self.blindedDashboard)
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let definition = access.definition
        var timing = ServerTiming()
        let data = try await timing.measure("log") {
            try await StudyDashboardData.loadPeople(study: access.studyID, definition: definition, on: req.db)
        }
        let dashboard = try await timing.measure("engagement") {
            let attendance = try await data.attendance(armGroups: access.study.armGroups, on: req.db)
            let practice = try await data.practice(study: access.studyID, on: req.db)
            let nonRandomised = Set(definition.arms.filter { !$0.allocated }.map { data.armName($0.id) })
            return StudyDashboard.build(definition: definition, records: data.records, armOrder: definition.arms.map { data.armName($0.id) },
                                        nonRandomisedArms: nonRandomised, attendance: attendance, practice: practice)
        }
        let analysis = try await timing.measure("outcomes") { try await Self.analysis(req, access, data: data) }
        let response = await timing.measure("render") {
            Response.html(StudyDashboardPages.dashboard(viewer: viewer, studyID: access.studyID, title: definition.title,
                                                        dashboard: dashboard, analysis: analysis, csrf: CSRF.token(for: req)))
        }
        response.headers.replaceOrAdd(name: "Server-Timing", value: timing.header)
        return response
    }

    @Sendable
    func outcomes(req: Request) async throws -> Response {
        let access = try await Self.requireUnblinded(req, blinded: Self.blindedOutcomes)
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let row = try await access.screening(req)
        let data = try await StudyDashboardData.loadPeople(study: access.studyID, definition: access.definition, on: req.db)
        let analysis = try await Self.analysis(req, access, data: data)
        var measures = StudyOutcomes.participant(row.code, table: analysis.table, result: analysis.result)
        if measures.isEmpty, data.people.contains(where: { $0.code == row.code && $0.arm == nil }) {
            // Not allocated, so not in the analysis: their own scores, without a change status.
            let person = data.people.first { $0.code == row.code }
            var own: [StudyScore] = []
            if let user = person?.userID { own = try await data.scores(study: access.studyID, user: user, code: row.code, on: req.db) }
            let table = StudyOutcomes.table(definition: access.definition, participants: [(row.code, nil)], scores: own)
            measures = StudyOutcomes.participant(row.code, table: table, result: nil)
        }
        try await AuditLog.record(.studyRecordViewed, actor: access.user, subject: .screening(try row.requireID()), on: req.db, at: req.now)
        return .html(StudyDashboardPages.outcomes(viewer: viewer, studyID: access.studyID, title: access.definition.title, code: row.code,
                                                  pre: analysis.result?.settings.pre ?? StudyOutcomes.preTimepoint(access.definition) ?? "",
                                                  post: analysis.result?.settings.post ?? StudyOutcomes.postTimepoint(access.definition) ?? "",
                                                  measures: measures, csrf: CSRF.token(for: req)))
    }
}
