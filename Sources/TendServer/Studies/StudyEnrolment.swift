import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// The dates a participant's measurement schedule is counted from.
struct EnrolmentAnchors: Sendable, Equatable {
    /// The day they consented (UTC calendar day of the signed record).
    var consent: LocalDate
    /// The first day of the group they were added to, if any.
    var groupStart: LocalDate?
    /// The day each session first opens, and the day the last opens, in the schedule they follow.
    var sessionDates: [Int: LocalDate] = [:]
    var programmeEnd: LocalDate? = nil

    var participantAnchors: ParticipantAnchors {
        ParticipantAnchors(consent: consent, groupStart: groupStart, sessionDates: sessionDates, programmeEnd: programmeEnd)
    }
}

/// A participant's place in a study: the study, their screening-log row and, once allocated, their arm.
struct StudyParticipation: @unchecked Sendable {
    let study: StudyModel
    let definition: StudyDefinition
    let screening: StudyScreeningModel
    let allocation: StudyAllocationModel?

    /// The arm id (never shown to the participant).
    var arm: String? { allocation?.arm }
}

/// What happens when a person consents and when they are allocated, in one place.
///
/// ``didConsent(screening:study:definition:consent:on:)`` runs after a signed consent is stored; when the
/// study is recruiting and the person has what allocation needs (eligible, agreed, strata), it allocates at
/// once. ``didAllocate(_:screening:study:definition:anchors:on:)`` runs inside the allocation's transaction
/// with the participant's anchors at hand: the place for anything that follows allocation (such as
/// planning their questionnaires).
enum StudyEnrolment {
    /// The stored definition of a study, or nil if there is no such study.
    static func studyDefinition(for study: UUID, on db: any Database) async throws -> StudyDefinition? {
        try await StudyModel.find(study, on: db)?.definition
    }

    /// The study the participant account `userID` is linked to, with their arm once allocated.
    static func participation(of userID: UUID, on db: any Database) async throws -> StudyParticipation? {
        guard let screening = try await StudyScreeningModel.query(on: db).filter(\.$user.$id == userID).first(),
              let study = try await StudyModel.find(screening.$study.id, on: db), let definition = study.definition
        else { return nil }
        let allocation = try await StudyAllocationModel.query(on: db).filter(\.$screening.$id == (try screening.requireID())).first()
        return StudyParticipation(study: study, definition: definition, screening: screening, allocation: allocation)
    }

    /// Why a person cannot be allocated yet, in words for staff; nil when they can.
    static func allocationBlocker(screening: StudyScreeningModel, study: StudyModel, definition: StudyDefinition,
                                  consented: Bool) -> String? {
        if study.status != .recruiting || study.seed == nil { return "The study is not open for recruitment yet." }
        if screening.exitKind != nil { return "They have left the study." }
        if screening.eligibility != .eligible { return "They have not been found eligible." }
        if screening.agreed != true { return "They have not agreed to take part." }
        if !consented { return "They have not consented." }
        if (try? AllocationSequence.stratum(screening.strata, factors: definition.stratification)) == nil {
            return "Their stratification factors (" + definition.stratification.map(\.label).joined(separator: ", ") + ") are not recorded."
        }
        return nil
    }

    /// After a consent is stored: allocates when nothing stands in the way. Returns the allocation, if made.
    @discardableResult
    static func didConsent(screening: StudyScreeningModel, study: StudyModel, definition: StudyDefinition,
                           consent: StudyConsentModel, on db: any Database) async throws -> StudyAllocationModel? {
        let screeningID = try screening.requireID()
        if let existing = try await StudyAllocationModel.query(on: db).filter(\.$screening.$id == screeningID).first() {
            return existing
        }
        guard allocationBlocker(screening: screening, study: study, definition: definition, consented: true) == nil else { return nil }
        return try await allocate(screening: screening, study: study, definition: definition, by: nil, note: nil,
                                  now: consent.signedAt, on: db)
    }

    /// Inside the allocation's transaction, once the allocation row (and any group membership) exists.
    static func didAllocate(_ allocation: StudyAllocationModel, screening: StudyScreeningModel, study: StudyModel,
                            definition: StudyDefinition, anchors: EnrolmentAnchors, on db: any Database) async throws {
        try await AuditLog.record(.studyParticipantAllocated, actor: nil, subject: .screening(screening.id), on: db, at: allocation.allocatedAt)
        // Their questionnaires fall due from here: windows from the study's schedule and these anchors.
        if let user = screening.$user.id {
            try await planQuestionnaires(user: user, study: study, definition: definition, anchors: anchors,
                                         now: allocation.allocatedAt, on: db)
        }
    }

    /// The anchors a participant's schedule is counted from: the day of their first signed consent (or
    /// `now`'s day when none is stored yet) and the start of their group. Used at allocation and whenever
    /// an anchor moves (``StudyAnchors``).
    static func enrolmentAnchors(screeningID: UUID, groupStart: LocalDate?, now: Date, on db: any Database) async throws -> EnrolmentAnchors {
        let consent = try await StudyConsentModel.query(on: db).filter(\.$screening.$id == screeningID)
            .sort(\.$signedAt, .ascending).first()
        return EnrolmentAnchors(consent: LocalDateTime(consent?.signedAt ?? now, in: StudyDates.utc).date, groupStart: groupStart)
    }

    /// The anchors of an allocated participant: their consent day and the schedule they follow. Someone in
    /// an arm's group follows their own schedule there (its start, each session's day, the last session's
    /// day as the programme's end). Someone in no group (a waitlist, or a control arm without a programme)
    /// is measured alongside the study's first arm group: its schedule for a group run on set dates, or
    /// its programme as if started on their consent day for a self-paced one.
    static func enrolmentAnchors(screeningID: UUID, user: UUID?, groupID: UUID?, study: StudyModel, definition: StudyDefinition,
                                 now: Date, on db: any Database) async throws -> EnrolmentAnchors {
        var anchors = try await enrolmentAnchors(screeningID: screeningID, groupStart: nil, now: now, on: db)
        let reference = groupID ?? study.referenceGroup(definition)
        guard let reference, let group = try await GroupModel.find(reference, on: db),
              let course = ParticipantController.Course(group: group) else { return anchors }
        let programme = course.programme
        var plan: DeliveryPlan?
        if groupID != nil, let user,
           let member = try await RosterMemberModel.query(on: db).filter(\.$user.$id == user).filter(\.$group.$id == reference).first() {
            plan = member.deliveryPlan(in: group, programme: programme)
        }
        let release = group.cohort?.releaseTime ?? .midnight
        if plan == nil {
            switch programme.delivery {
            case .scheduledGroup: plan = group.plan.map(DeliveryPlan.group)
            case .weeklySelfHelp:
                plan = .selfHelp(SelfHelpPlan(enrolmentDate: anchors.consent, weekday: anchors.consent.weekday, timeZone: StudyDates.utc,
                                              releaseTime: release))
            case .dailyPractice: plan = .daily(DailyPlan(startDate: anchors.consent, timeZone: StudyDates.utc, releaseTime: release))
            }
        }
        let groupStart = programme.delivery == .scheduledGroup || groupID != nil ? LocalDate(group.startDate) : anchors.consent
        guard let plan, let schedule = try? Schedule(programme: programme, versionID: course.version.id, plan: plan) else {
            anchors.groupStart = groupStart
            return anchors
        }
        let derived = ParticipantAnchors(consent: anchors.consent, groupStart: groupStart, schedule: schedule)
        anchors.groupStart = derived.groupStart
        anchors.sessionDates = derived.sessionDates
        anchors.programmeEnd = derived.programmeEnd
        return anchors
    }

    /// Plans (or re-plans) the participant's questionnaires from `anchors`; consent days are UTC
    /// calendar days, so the windows are too.
    @discardableResult
    static func planQuestionnaires(user: UUID, study: StudyModel, definition: StudyDefinition, anchors: EnrolmentAnchors,
                                   now: Date, on db: any Database) async throws -> ReconciledPlan {
        try await QuestionnaireAssignments.plan(
            for: user, study: try study.requireID(), definition: definition,
            anchors: anchors.participantAnchors,
            timeZone: StudyDates.utc, on: db, now: now)
    }

    enum AllocationError: Error {
        case notAllowed(String)
        case exhausted
    }

    /// Allocates with the concealed sequence at index = how many are already allocated in the person's
    /// stratum, inside one transaction that inserts the row; a clash on the unique (study, stratum, index)
    /// slot, or a busy database, rolls back and tries again with the new count. Allocating someone who is
    /// already allocated returns their allocation.
    static func allocate(screening: StudyScreeningModel, study: StudyModel, definition: StudyDefinition, by staff: UserModel?,
                         note: String?, now: Date, on db: any Database) async throws -> StudyAllocationModel {
        guard let seed = study.seed else { throw AllocationError.notAllowed("The study is not open for recruitment yet.") }
        let stratum: String
        do { stratum = try AllocationSequence.stratum(screening.strata, factors: definition.stratification) }
        catch { throw AllocationError.notAllowed("Their stratification factors are not recorded.") }
        let sequence: AllocationSequence
        do { sequence = try AllocationSequence(seed: seed, study: definition) }
        catch { throw AllocationError.notAllowed("The study's arms cannot be allocated: \(error)") }
        let studyID = try study.requireID()
        let screeningID = try screening.requireID()
        // SQLite has one writer at a time, and its driver waits for a busy database on a shared thread pool:
        // concurrent writing transactions there are queued in-process. PostgreSQL (several servers may
        // share it) relies on the unique slot and the retry below.
        let serial = (db as? any SQLDatabase)?.dialect.name == "sqlite"
        if serial { await sqliteGate.acquire() }
        do {
            let row = try await allocateWithRetry(screening: screening, screeningID: screeningID, study: study, studyID: studyID,
                                                  definition: definition, sequence: sequence, stratum: stratum, by: staff,
                                                  note: note, now: now, on: db)
            if serial { await sqliteGate.release() }
            return row
        } catch {
            if serial { await sqliteGate.release() }
            throw error
        }
    }

    private static func allocateWithRetry(screening: StudyScreeningModel, screeningID: UUID, study: StudyModel, studyID: UUID,
                                          definition: StudyDefinition, sequence: AllocationSequence, stratum: String,
                                          by staff: UserModel?, note: String?, now: Date, on db: any Database) async throws -> StudyAllocationModel {
        for attempt in 0..<maximumAttempts {
            do {
                return try await db.transaction { tx in
                    try await lockStudyAllocations(studyID, on: tx)
                    if let existing = try await StudyAllocationModel.query(on: tx).filter(\.$screening.$id == screeningID).first() {
                        return existing
                    }
                    let index = try await StudyAllocationModel.query(on: tx)
                        .filter(\.$study.$id == studyID).filter(\.$stratum == stratum).count()
                    let slot = sequence.allocation(at: index, stratum: stratum)
                    let row = StudyAllocationModel()
                    row.$study.id = studyID
                    row.$screening.id = screeningID
                    row.stratum = stratum
                    row.sequenceIndex = index
                    row.arm = slot.arm
                    row.block = slot.block
                    row.blockSize = slot.blockSize
                    row.allocatedAt = now
                    row.$allocatedBy.id = staff?.id
                    row.allocationNote = note
                    row.offerAfterFollowUp = definition.arm(slot.arm)?.role == .waitlist
                    try await row.create(on: tx)
                    _ = try await addToGroup(row, screening: screening, study: study, definition: definition, on: tx)
                    try await row.update(on: tx)
                    let anchors = try await enrolmentAnchors(screeningID: screeningID, user: screening.$user.id, groupID: row.groupID,
                                                             study: study, definition: definition, now: now, on: tx)
                    if let staff {
                        try await AuditLog.record(.studyAllocatedByStaff, actor: staff, subject: .screening(screeningID), on: tx, at: now)
                    }
                    try await didAllocate(row, screening: screening, study: study, definition: definition, anchors: anchors, on: tx)
                    return row
                }
            } catch where isRetryable(error) && attempt + 1 < maximumAttempts {
                try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...(5_000_000 + UInt64(attempt) * 1_000_000)))
            }
        }
        throw AllocationError.exhausted
    }

    static let maximumAttempts = 200

    /// On PostgreSQL, allocations to one study take turns on a transaction-scoped advisory lock, so two
    /// never count the same index and neither has to retry. (SQLite writers already take turns.)
    private static func lockStudyAllocations(_ studyID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: "allocation:" + studyID.uuidString), 0))").run()
    }

    static let sqliteGate = SerialGate()

    /// A unique-slot clash, or a database busy with another writer: worth trying again.
    static func isRetryable(_ error: any Error) -> Bool {
        if let error = error as? any DatabaseError, error.isConstraintFailure { return true }
        let text = String(reflecting: error).lowercased()
        return text.contains("locked") || text.contains("busy") || text.contains("unique") || text.contains("duplicate key")
            || text.contains("could not serialize") || text.contains("deadlock")
    }

    /// Adds the participant to the group chosen for their arm, when there is one and the arm has a
    /// programme; returns the group's start date.
    private static func addToGroup(_ row: StudyAllocationModel, screening: StudyScreeningModel, study: StudyModel,
                                   definition: StudyDefinition, on db: any Database) async throws -> LocalDate? {
        guard definition.arm(row.arm)?.programme != nil, let groupID = study.armGroups[row.arm],
              let group = try await GroupModel.find(groupID, on: db) else { return nil }
        let member = RosterMemberModel(displayName: screening.code, studyCode: screening.code, groupID: groupID)
        if let userID = screening.$user.id,
           try await RosterMemberModel.query(on: db).filter(\.$user.$id == userID).count() == 0 {
            member.$user.id = userID
            member.joinedAt = row.allocatedAt
        }
        try await member.create(on: db)
        try await AuditLog.record(.rosterMemberAdded, actor: nil, subject: .rosterMember(member.id), on: db, at: row.allocatedAt)
        row.groupID = groupID
        return LocalDate(group.startDate)
    }
}

/// An async lock: one holder at a time, waiters resumed in order.
actor SerialGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { held = false } else { waiters.removeFirst().resume() }
    }
}
