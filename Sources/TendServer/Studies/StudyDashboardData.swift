import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// The live records a study's dashboard and outcome pages are worked out from, read with one query per
/// table (only the columns needed) and grouped in memory: the screening log with consents and
/// allocations, the stored questionnaire scores, the arm groups' attendance and the allocated
/// participants' practice. TendCore does every count and statistic; this file only reads and groups.
struct StudyDashboardData {
    struct Person {
        var code: String
        var approachedOn: String
        var eligibility: String?
        var eligibilityReason: String?
        var agreed: Bool?
        var agreementReason: String?
        var milestone: ScreeningStage?
        var exitKind: ScreeningStage?
        var exitStage: ScreeningStage?
        var exitReason: String?
        var userID: UUID?
        var consented = false
        /// The allocated arm's id.
        var arm: String?
        var allocatedOn: LocalDate?
    }

    let definition: StudyDefinition
    /// In screening-log order.
    var people: [Person] = []

    /// The arm's name as staff see it (its id when the definition no longer has it).
    func armName(_ id: String) -> String { definition.arm(id)?.name ?? id }

    /// The screening log with each person's consent and allocation: one query. Text columns come back
    /// as text ('' for none) and the account id as text, the types both databases hand over without a
    /// detour through Codable, since a large study's log is read on every view of its dashboard.
    static func loadPeople(study: UUID, definition: StudyDefinition, on db: any Database) async throws -> StudyDashboardData {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var data = StudyDashboardData(definition: definition)
        let rows = try await sql.raw("""
            SELECT s.code, s.approached_on, COALESCE(s.eligibility, '') AS eligibility,
                   COALESCE(s.eligibility_reason, '') AS eligibility_reason, s.agreed,
                   COALESCE(s.agreement_reason, '') AS agreement_reason, COALESCE(s.milestone, '') AS milestone,
                   COALESCE(s.exit_kind, '') AS exit_kind, COALESCE(s.exit_stage, '') AS exit_stage,
                   COALESCE(s.exit_reason, '') AS exit_reason, COALESCE(CAST(s.user_id AS TEXT), '') AS user_id,
                   EXISTS (SELECT 1 FROM \(ident: StudyConsentModel.schema) c WHERE c.screening_id = s.id) AS consented,
                   COALESCE(a.arm, '') AS arm, a.allocated_at
            FROM \(ident: StudyScreeningModel.schema) s
            LEFT JOIN \(ident: StudyAllocationModel.schema) a ON a.screening_id = s.id
            WHERE s.study_id = \(bind: study)
            ORDER BY s.number
            """).all()
        data.people.reserveCapacity(rows.count)
        for row in rows {
            let arm = try row.nonEmptyText("arm")
            data.people.append(Person(
                code: try row.decode(column: "code", as: String.self),
                approachedOn: try row.decode(column: "approached_on", as: String.self),
                eligibility: try row.nonEmptyText("eligibility"), eligibilityReason: try row.nonEmptyText("eligibility_reason"),
                agreed: try row.decode(column: "agreed", as: Bool?.self), agreementReason: try row.nonEmptyText("agreement_reason"),
                milestone: try row.nonEmptyText("milestone").flatMap(ScreeningStage.init(rawValue:)),
                exitKind: try row.nonEmptyText("exit_kind").flatMap(ScreeningStage.init(rawValue:)),
                exitStage: try row.nonEmptyText("exit_stage").flatMap(ScreeningStage.init(rawValue:)),
                exitReason: try row.nonEmptyText("exit_reason"),
                userID: try row.nonEmptyText("user_id").flatMap(UUID.init(uuidString:)),
                consented: try row.decode(column: "consented", as: Bool.self),
                arm: arm,
                allocatedOn: arm == nil ? nil : LocalDateTime(try row.decode(column: "allocated_at", as: Date.self), in: StudyDates.utc).date))
        }
        return data
    }

    /// Stands in for a stored date that no longer parses (the flow does not use the date).
    private static let unparsedDate = LocalDate("1970-01-01")!

    /// The screening log as CONSORT records (arms by name).
    var records: [ScreeningRecord] {
        people.map { p in
            let eligible = p.eligibility == EligibilityDecision.Status.eligible.rawValue
            var exit: ScreeningRecord.Exit?
            if p.arm != nil, let kind = p.exitKind {
                exit = .init(kind: kind == .lost ? .lostToFollowUp : .withdrew, reason: p.exitReason ?? "reason not recorded",
                             stage: (p.exitStage ?? .allocated).label.lowercased())
            }
            let notEnrolled: String? = p.agreed == false ? p.agreementReason
                : p.exitKind != nil && p.arm == nil ? p.exitReason : nil
            return ScreeningRecord(
                personCode: p.code, approachedOn: LocalDate(p.approachedOn) ?? Self.unparsedDate,
                eligible: eligible, ineligibilityReasons: eligible ? [] : [p.eligibilityReason ?? (p.eligibility == nil ? "not yet screened" : "reason not recorded")],
                agreed: p.agreed, consented: p.consented, notEnrolledReason: notEnrolled,
                allocatedArm: p.arm.map(armName), receivedAllocatedIntervention: p.arm != nil,
                attendedBaseline: p.milestone == .baseline || p.milestone == .completed,
                completedPost: p.milestone == .completed, exit: exit)
        }
    }

    /// Allocated participants with their arm's name (nil when `withArms` is false), in log order.
    func participants(withArms: Bool) -> [(id: String, arm: String?)] {
        people.filter { $0.arm != nil }.map { ($0.code, withArms ? $0.arm.map(armName) : nil) }
    }

    // MARK: Scores

    /// What changes whenever a score is stored or rescored: the count and the latest update and
    /// submission of the study's submitted questionnaires (one aggregate query over an index, no score
    /// text read).
    struct ScoresFingerprint: Hashable, Sendable {
        var count: Int
        var latestUpdate: Date?
        var latestSubmission: Date?
    }

    static func scoresFingerprint(study: UUID, on db: any Database) async throws -> ScoresFingerprint {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let row = try await sql.select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLFunction("MAX", args: SQLColumn("updated_at")), as: "latest")
            .column(SQLFunction("MAX", args: SQLColumn("submitted_at")), as: "submitted")
            .from(QuestionnaireAssignmentModel.schema)
            .where("study_id", .equal, study).where("submitted_at", .isNot, SQLLiteral.null)
            .first()
        return ScoresFingerprint(count: try row?.decode(column: "n", as: Int?.self) ?? 0,
                                 latestUpdate: try row?.decode(column: "latest", as: Date?.self),
                                 latestSubmission: try row?.decode(column: "submitted", as: Date?.self))
    }

    /// One submitted questionnaire's scores as stored.
    struct StoredSheet: Sendable {
        var id: UUID
        var submittedAt: Date
        var user: UUID
        var timepoint: String
        var scores: [(measure: String, score: Double)]
    }

    /// The part of a stored ``QuestionnaireScoreSheet`` the dashboard uses (bands, prorated items and
    /// missing scales are skipped unread into types).
    struct ScoresOnly: Decodable {
        struct Score: Decodable {
            var measure: String
            var score: Double
        }
        var scores: [Score]
    }

    /// The measure and score of each score on a stored sheet, read as `JSONDecoder` reads them into
    /// ``ScoresOnly`` (through ``JSONText`` when the text has the shape Tend writes; see ``StoredJSON``).
    static func scorePairs(_ text: String, decoder: JSONDecoder) -> [(measure: String, score: Double)]? {
        if let scores = JSONText.parse(text)?.members?["scores"]?.array {
            var out: [(measure: String, score: Double)] = []
            out.reserveCapacity(scores.count)
            for item in scores {
                guard let fields = item.members, let measure = fields["measure"]?.string, let score = fields["score"]?.double else { break }
                out.append((measure, score))
            }
            if out.count == scores.count { return out }
        }
        return (try? decoder.decode(ScoresOnly.self, from: Data(text.utf8)))?.scores.map { ($0.measure, $0.score) }
    }

    /// A study's submitted questionnaires as last read, with the fingerprint they were read at.
    struct StoredScores: Sendable {
        var fingerprint: ScoresFingerprint
        var sheets: [UUID: StoredSheet]
    }

    /// Per study, the stored scores last read. A changed fingerprint reads only the questionnaires
    /// updated since (a new submission is one row, not the study's hundreds of thousands); when the
    /// count then disagrees (a row was removed) everything is read again.
    static let storedScores = ReadCache<UUID, StoredScores>(lifetime: 3600, capacity: 32)

    /// Reads submitted questionnaires of the study (of one user, or updated at or after a moment).
    private static func readSheets(study: UUID, user: UUID? = nil, updatedSince: Date? = nil, on db: any Database) async throws -> [UUID: StoredSheet] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var query = sql.select().columns("id", "user_id", "timepoint_id", "scores", "submitted_at").from(QuestionnaireAssignmentModel.schema)
            .where("study_id", .equal, study).where("submitted_at", .isNot, SQLLiteral.null)
        if let user { query = query.where("user_id", .equal, user) }
        if let updatedSince { query = query.where("updated_at", .greaterThanOrEqual, updatedSince) }
        let decoder = JSONDecoder()
        var out: [UUID: StoredSheet] = [:]
        for row in try await query.all() {
            let id = try row.decode(column: "id", as: UUID.self)
            let json = try row.decode(column: "scores", as: String?.self)
            out[id] = StoredSheet(id: id, submittedAt: try row.decode(column: "submitted_at", as: Date.self),
                                  user: try row.decode(column: "user_id", as: UUID.self),
                                  timepoint: try row.decode(column: "timepoint_id", as: String.self),
                                  scores: json.flatMap { scorePairs($0, decoder: decoder) } ?? [])
        }
        return out
    }

    /// The study's stored scores at `fingerprint`, from the cache brought up to date.
    static func storedScores(study: UUID, fingerprint: ScoresFingerprint, on db: any Database) async throws -> StoredScores {
        if let cached = storedScores.value(for: study) {
            if cached.fingerprint == fingerprint { return cached }
            if let since = cached.fingerprint.latestUpdate {
                var updated = cached
                for (id, sheet) in try await readSheets(study: study, updatedSince: since, on: db) { updated.sheets[id] = sheet }
                updated.fingerprint = fingerprint
                if updated.sheets.count == fingerprint.count {
                    storedScores.set(updated, for: study)
                    return updated
                }
            }
        }
        let fresh = StoredScores(fingerprint: fingerprint, sheets: try await readSheets(study: study, on: db))
        storedScores.set(fresh, for: study)
        return fresh
    }

    /// Oldest submission first (then by id), so a score given twice keeps its first value.
    static func submissionOrder(_ a: StoredSheet, _ b: StoredSheet) -> Bool {
        if a.submittedAt != b.submittedAt { return a.submittedAt < b.submittedAt }
        return withUnsafeBytes(of: a.id.uuid) { x in withUnsafeBytes(of: b.id.uuid) { y in x.lexicographicallyPrecedes(y) } }
    }

    /// Scores of `sheets` by study code (`code` of each account; nil leaves the sheet out), oldest
    /// submission first.
    static func studyScores(_ sheets: some Collection<StoredSheet>, code: (UUID) -> String?) -> [StudyScore] {
        var out: [StudyScore] = []
        out.reserveCapacity(sheets.count * 2)
        for sheet in sheets.sorted(by: submissionOrder) {
            guard let code = code(sheet.user) else { continue }
            for s in sheet.scores { out.append(StudyScore(participant: code, timepoint: sheet.timepoint, measure: s.measure, score: s.score)) }
        }
        return out
    }

    /// The submitted scores of the study's participants (by study code), oldest submission first.
    func scores(_ stored: StoredScores) -> [StudyScore] {
        var codeOfUser: [UUID: String] = [:]
        for p in people { if let u = p.userID { codeOfUser[u] = p.code } }
        return Self.studyScores(stored.sheets.values) { codeOfUser[$0] }
    }

    /// One participant's submitted scores (by study code), read directly.
    func scores(study: UUID, user: UUID, code: String, on db: any Database) async throws -> [StudyScore] {
        Self.studyScores(try await Self.readSheets(study: study, user: user, on: db).values) { _ in code }
    }

    // MARK: Attendance and practice

    /// Attendance marks of allocated participants in their arm's group: one query for the arm groups'
    /// roster members, one for their marks.
    func attendance(armGroups: [String: UUID], on db: any Database) async throws -> [StudyEngagement.ArmAttendance] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let armIDs = definition.arms.map(\.id)
        var members: [String: Int] = [:]
        var armOfCode: [String: String] = [:]
        for p in people { if let arm = p.arm { members[armName(arm), default: 0] += 1; armOfCode[p.code] = arm } }
        let groups = armIDs.compactMap { armGroups[$0] }
        var marks: [StudyEngagement.Mark] = []
        if !groups.isEmpty {
            var codeOfMember: [UUID: String] = [:]
            for row in try await sql.select().columns("id", "study_code").from(RosterMemberModel.schema)
                .where("group_id", .in, groups).all() {
                codeOfMember[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "study_code", as: String.self)
            }
            for row in try await sql.select().columns("roster_member_id", "group_id", "session_position", "mark")
                .from(AttendanceMarkModel.schema).where("group_id", .in, groups).all() {
                guard let code = codeOfMember[try row.decode(column: "roster_member_id", as: UUID.self)], let arm = armOfCode[code],
                      armGroups[arm] == (try row.decode(column: "group_id", as: UUID.self)),
                      let mark = AttendanceMark(rawValue: try row.decode(column: "mark", as: String.self)) else { continue }
                marks.append(.init(participant: code, arm: armName(arm), session: try row.decode(column: "session_position", as: Int.self), mark: mark))
            }
        }
        let shown = definition.arms.filter { armGroups[$0.id] != nil }.map { armName($0.id) }
        return StudyEngagement.attendance(marks, arms: shown, members: members)
    }

    /// Practice logged by allocated participants since their allocation: one query over the study's
    /// participants' practice entries.
    func practice(study: UUID, on db: any Database) async throws -> [StudyEngagement.ArmPractice] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var codeOfUser: [UUID: String] = [:]
        var armOf: [String: String] = [:]
        var from: [String: LocalDate] = [:]
        for p in people {
            guard let arm = p.arm else { continue }
            armOf[p.code] = armName(arm)
            if let u = p.userID { codeOfUser[u] = p.code }
            if let d = p.allocatedOn { from[p.code] = d }
        }
        var entries: [StudyEngagement.Practice] = []
        if !codeOfUser.isEmpty {
            let rows = try await sql.select()
                .column(SQLColumn("user_id", table: "p")).column(SQLColumn("date", table: "p")).column(SQLColumn("minutes", table: "p"))
                .from(SQLAlias(SQLIdentifier(PracticeEntryModel.schema), as: SQLIdentifier("p")))
                .join(SQLAlias(SQLIdentifier(StudyScreeningModel.schema), as: SQLIdentifier("s")), method: SQLJoinMethod.inner,
                      on: SQLColumn("user_id", table: "s"), .equal, SQLColumn("user_id", table: "p"))
                .where(SQLColumn("study_id", table: "s"), .equal, SQLBind(study))
                .all()
            for row in rows {
                guard let code = codeOfUser[try row.decode(column: "user_id", as: UUID.self)],
                      let date = LocalDate(try row.decode(column: "date", as: String.self)) else { continue }
                entries.append(.init(participant: code, date: date, minutes: try row.decode(column: "minutes", as: Int.self)))
            }
        }
        return StudyEngagement.practice(entries, arms: definition.arms.map { armName($0.id) }, armOf: armOf, from: from)
    }
}
