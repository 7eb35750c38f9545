import Fluent
import Foundation
import TendCore

/// A study run in the server: its definition (a ``StudyDefinition`` stored as JSON) and, once it opens
/// for recruitment, the recorded allocation seed. The seed is never shown; only the server reads it.
final class StudyModel: Model, @unchecked Sendable {
    static let schema = "studies"

    enum Status: String, Codable, Sendable {
        /// Being set up: the definition may change freely.
        case setup
        /// Open for recruitment: arms, strata and randomisation settings are fixed.
        case recruiting
    }

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// The staff title, copied from the definition for lists.
    @Field(key: "title") var title: String
    @Field(key: "definition_json") var definitionJSON: String
    @Field(key: "status") var status: Status
    /// The allocation seed as a decimal string (a UInt64 does not fit every database's integer).
    @OptionalField(key: "allocation_seed") var allocationSeed: String?
    /// ``AllocationSequence/methodVersion`` at the time the seed was drawn.
    @OptionalField(key: "allocation_method") var allocationMethod: String?
    @OptionalField(key: "opened_at") var openedAt: Date?
    /// Arm id → group id (lower-case UUID): where people allocated to the arm are added, if chosen.
    @Field(key: "arm_groups_json") var armGroupsJSON: String
    @Parent(key: "created_by_id") var createdBy: UserModel

    init() {}

    init(definition: StudyDefinition, createdByID: UUID) throws {
        title = definition.title
        definitionJSON = try Self.encode(definition)
        status = .setup
        armGroupsJSON = "{}"
        $createdBy.id = createdByID
    }

    static func encode(_ definition: StudyDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(definition), as: UTF8.self)
    }

    /// The stored definition (it was valid JSON when saved).
    var definition: StudyDefinition? { try? JSONDecoder().decode(StudyDefinition.self, from: Data(definitionJSON.utf8)) }

    var seed: UInt64? { allocationSeed.flatMap(UInt64.init) }

    var armGroups: [String: UUID] {
        get {
            let raw = (try? JSONDecoder().decode([String: String].self, from: Data(armGroupsJSON.utf8))) ?? [:]
            return raw.compactMapValues(UUID.init(uuidString:))
        }
        set {
            let raw = newValue.mapValues { $0.uuidString.lowercased() }
            armGroupsJSON = String(decoding: (try? JSONEncoder().encode(raw)) ?? Data("{}".utf8), as: UTF8.self)
        }
    }

    /// The group that participants allocated to no group (a waitlist, a control arm without a programme)
    /// are measured alongside: the group of the first arm, in the definition's order, that has one.
    func referenceGroup(_ definition: StudyDefinition) -> UUID? {
        let groups = armGroups
        return definition.arms.lazy.compactMap { groups[$0.id] }.first
    }
}

/// A member of staff's role on one study. Whether they are blinded follows from the study's
/// ``StudyDefinition/blindedRoles``.
final class StudyStaffModel: Model, @unchecked Sendable {
    static let schema = "study_staff"

    @ID(key: .id) var id: UUID?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "study_role") var studyRole: BlindedRole

    init() {}

    init(studyID: UUID, userID: UUID, role: BlindedRole) {
        $study.id = studyID
        $user.id = userID
        studyRole = role
    }
}

/// Where a screened person has got to, in the order of the CONSORT flow.
enum ScreeningStage: String, Codable, Sendable, CaseIterable {
    case approached
    case ineligible
    case eligible
    case declined
    case agreed
    case consented
    case allocated
    case baseline
    case completed
    case withdrawn
    case lost

    var label: String {
        switch self {
        case .approached: return "Approached"
        case .ineligible: return "Not eligible"
        case .eligible: return "Eligible"
        case .declined: return "Declined"
        case .agreed: return "Agreed"
        case .consented: return "Consented"
        case .allocated: return "Allocated"
        case .baseline: return "Baseline done"
        case .completed: return "Completed"
        case .withdrawn: return "Withdrawn"
        case .lost: return "Lost to follow-up"
        }
    }
}

/// One person in a study's screening log, known only by a generated study code (S-0001), never a name.
final class StudyScreeningModel: Model, @unchecked Sendable {
    static let schema = "study_screenings"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "study_id") var study: StudyModel
    /// 1-based order in this study's log; the code is made from it.
    @Field(key: "number") var number: Int
    @Field(key: "code") var code: String
    /// `YYYY-MM-DD`.
    @Field(key: "approached_on") var approachedOn: String
    /// Screening answers keyed by question id (JSON).
    @OptionalField(key: "answers_json") var answersJSON: String?
    @OptionalField(key: "eligibility") var eligibility: EligibilityDecision.Status?
    @OptionalField(key: "eligibility_reason") var eligibilityReason: String?
    @OptionalField(key: "agreed") var agreed: Bool?
    @OptionalField(key: "agreement_reason") var agreementReason: String?
    /// Stratification factor id → level (JSON).
    @OptionalField(key: "strata_json") var strataJSON: String?
    /// `baseline` or `completed`, once reached.
    @OptionalField(key: "milestone") var milestone: ScreeningStage?
    /// `withdrawn` or `lost`.
    @OptionalField(key: "exit_kind") var exitKind: ScreeningStage?
    /// The stage they had reached when they withdrew or were lost.
    @OptionalField(key: "exit_stage") var exitStage: ScreeningStage?
    @OptionalField(key: "exit_reason") var exitReason: String?
    @OptionalField(key: "exited_on") var exitedOn: String?
    /// The participant account, once they accepted their study invitation.
    @OptionalParent(key: "user_id") var user: UserModel?

    init() {}

    init(studyID: UUID, number: Int, approachedOn: LocalDate) {
        $study.id = studyID
        self.number = number
        code = Self.code(number)
        self.approachedOn = approachedOn.description
    }

    /// `S-0001`, `S-0002`, …
    static func code(_ number: Int) -> String { "S-" + String(format: "%04d", number) }

    var answers: [String: EligibilityAnswer] {
        guard let answersJSON else { return [:] }
        return (try? JSONDecoder().decode([String: EligibilityAnswer].self, from: Data(answersJSON.utf8))) ?? [:]
    }

    var strata: [String: String] {
        guard let strataJSON else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(strataJSON.utf8))) ?? [:]
    }

    /// The stage before any withdrawal, from what has been recorded (consent and allocation are passed in,
    /// as they live in their own tables).
    func progress(consented: Bool, allocated: Bool) -> ScreeningStage {
        if let milestone { return milestone }
        if allocated { return .allocated }
        if consented { return .consented }
        if agreed == true { return .agreed }
        if agreed == false { return .declined }
        switch eligibility {
        case .eligible?: return .eligible
        case .ineligible?: return .ineligible
        default: return .approached
        }
    }

    func stage(consented: Bool, allocated: Bool) -> ScreeningStage {
        exitKind ?? progress(consented: consented, allocated: allocated)
    }
}

/// A single-use link by which research staff invite a screened person to create their participant
/// account. Only the token's digest is stored.
final class StudyInvitationModel: Model, @unchecked Sendable {
    static let schema = "study_invitations"
    static let lifetime: TimeInterval = 7 * 24 * 60 * 60

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @Parent(key: "invited_by_id") var invitedBy: UserModel

    init() {}

    init(tokenHash: String, screeningID: UUID, expiresAt: Date, invitedByID: UUID) {
        self.tokenHash = tokenHash
        $screening.id = screeningID
        self.expiresAt = expiresAt
        $invitedBy.id = invitedByID
    }

    func state(at now: Date) -> ParticipantInvitationModel.State {
        if acceptedAt != nil { return .accepted }
        if revokedAt != nil { return .revoked }
        if expiresAt <= now { return .expired }
        return .open
    }
}

/// A signed consent: the study, the form version, the items ticked, when and by which account.
final class StudyConsentModel: Model, @unchecked Sendable {
    static let schema = "study_consents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "version") var version: String
    /// Ids of the items ticked (JSON array).
    @Field(key: "items_json") var itemsJSON: String
    @Field(key: "signed_at") var signedAt: Date

    init() {}

    init(studyID: UUID, screeningID: UUID, userID: UUID, version: String, items: [String], signedAt: Date) {
        $study.id = studyID
        $screening.id = screeningID
        $user.id = userID
        self.version = version
        itemsJSON = String(decoding: (try? JSONEncoder().encode(items)) ?? Data("[]".utf8), as: UTF8.self)
        self.signedAt = signedAt
    }

    var items: [String] { (try? JSONDecoder().decode([String].self, from: Data(itemsJSON.utf8))) ?? [] }
}

/// One allocation: the slot taken in the concealed sequence (stratum and index) and the arm it gave.
final class StudyAllocationModel: Model, @unchecked Sendable {
    static let schema = "study_allocations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "study_id") var study: StudyModel
    @Parent(key: "screening_id") var screening: StudyScreeningModel
    @Field(key: "stratum") var stratum: String
    @Field(key: "sequence_index") var sequenceIndex: Int
    @Field(key: "arm") var arm: String
    @Field(key: "block") var block: Int
    @Field(key: "block_size") var blockSize: Int
    @Field(key: "allocated_at") var allocatedAt: Date
    /// The member of staff who clicked "allocate"; nil when allocation followed the participant's consent.
    @OptionalParent(key: "allocated_by_id") var allocatedBy: UserModel?
    /// Why staff allocated by hand (documented at the time).
    @OptionalField(key: "allocation_note") var allocationNote: String?
    /// The group the person was added to, if the arm has one chosen.
    @OptionalField(key: "group_id") var groupID: UUID?
    /// A waitlist arm: offer the programme after the last follow-up.
    @Field(key: "offer_after_follow_up") var offerAfterFollowUp: Bool

    init() {}
}
