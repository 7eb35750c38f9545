import Foundation

/// A research study as a researcher sets it up: its arms, who may join, what they consent to, what is
/// measured when, how allocation is done and how feasibility is judged. Plain data (Codable); check it
/// with ``validated(instruments:programmes:)`` before running it. Built-in templates for the seed
/// studies live in TendResources (`StudyTemplateCatalog`).
public struct StudyDefinition: Codable, Sendable, Equatable {
    /// Lower-case letters, digits and hyphens, such as `ost-compassion-pilot`.
    public var id: String
    /// The title staff see.
    public var title: String
    /// The neutral title participants see, which names no arm or hypothesis.
    public var publicTitle: String
    public var design: StudyDesign
    public var arms: [StudyArm]
    public var eligibility: Eligibility
    /// Every consent form version ever used, oldest first.
    public var consentForms: [ConsentForm]
    /// The timepoints measures are taken at; ``schedule`` refers to them by id.
    public var timepoints: [Timepoint]
    /// Which measure is taken at which timepoints.
    public var schedule: [ScheduledMeasure]
    /// Feasibility success criteria over the recruitment funnel stages (`approached`, `agreed`,
    /// `baseline`, `completed`, as in ``FunnelCounts``).
    public var feasibilityCriteria: [FeasibilityCriterion]
    /// Staff roles kept blind to allocation.
    public var blindedRoles: [BlindedRole]
    public var randomisation: RandomisationSettings?
    /// Factors allocation is stratified by (a separate sequence per combination of levels).
    public var stratification: [StratificationFactor]
    /// Answers that must reach a clinician the same day.
    public var riskItems: [RiskItemRule]

    public init(id: String, title: String, publicTitle: String, design: StudyDesign, arms: [StudyArm],
                eligibility: Eligibility = Eligibility(), consentForms: [ConsentForm] = [], timepoints: [Timepoint] = [],
                schedule: [ScheduledMeasure] = [], feasibilityCriteria: [FeasibilityCriterion] = [],
                blindedRoles: [BlindedRole] = [], randomisation: RandomisationSettings? = nil,
                stratification: [StratificationFactor] = [], riskItems: [RiskItemRule] = []) {
        self.id = id
        self.title = title
        self.publicTitle = publicTitle
        self.design = design
        self.arms = arms
        self.eligibility = eligibility
        self.consentForms = consentForms
        self.timepoints = timepoints
        self.schedule = schedule
        self.feasibilityCriteria = feasibilityCriteria
        self.blindedRoles = blindedRoles
        self.randomisation = randomisation
        self.stratification = stratification
        self.riskItems = riskItems
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, publicTitle, design, arms, eligibility, consentForms, timepoints, schedule, feasibilityCriteria,
             blindedRoles, randomisation, stratification, riskItems
    }

    /// Lists a study does not need (criteria, blinded roles, strata, risk items, …) may be left out
    /// when written by hand; they read as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        publicTitle = try c.decode(String.self, forKey: .publicTitle)
        design = try c.decode(StudyDesign.self, forKey: .design)
        arms = try c.decode([StudyArm].self, forKey: .arms)
        eligibility = try c.decodeIfPresent(Eligibility.self, forKey: .eligibility) ?? Eligibility()
        consentForms = try c.decodeIfPresent([ConsentForm].self, forKey: .consentForms) ?? []
        timepoints = try c.decodeIfPresent([Timepoint].self, forKey: .timepoints) ?? []
        schedule = try c.decodeIfPresent([ScheduledMeasure].self, forKey: .schedule) ?? []
        feasibilityCriteria = try c.decodeIfPresent([FeasibilityCriterion].self, forKey: .feasibilityCriteria) ?? []
        blindedRoles = try c.decodeIfPresent([BlindedRole].self, forKey: .blindedRoles) ?? []
        randomisation = try c.decodeIfPresent(RandomisationSettings.self, forKey: .randomisation)
        stratification = try c.decodeIfPresent([StratificationFactor].self, forKey: .stratification) ?? []
        riskItems = try c.decodeIfPresent([RiskItemRule].self, forKey: .riskItems) ?? []
    }

    /// The arm with this id, if there is one.
    public func arm(_ id: String) -> StudyArm? { arms.first { $0.id == id } }

    /// The timepoint with this id, if there is one.
    public func timepoint(_ id: String) -> Timepoint? { timepoints.first { $0.id == id } }

    /// The consent form in force on `date`: the latest whose effective date is on or before it.
    public func consentForm(on date: LocalDate) -> ConsentForm? {
        consentForms.filter { $0.effective <= date }.max { $0.effective < $1.effective }
    }
}

public enum StudyDesign: String, Codable, Sendable, CaseIterable {
    /// Everyone receives the same programme (an uncontrolled evaluation).
    case singleArm = "single-arm"
    /// Participants are allocated to arms at random.
    case randomised
}

/// One arm of a study.
public struct StudyArm: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: ArmRole
    /// The programme the arm receives; nil for an arm with no programme of ours (waitlist, usual care).
    public var programme: ProgrammeReference?
    /// Allocation ratio weight: with ratios 2 and 1, two of every three go to the first arm.
    public var ratio: Int
    /// False for an arm outside the allocation sequence, such as seed 000's waitlist, recruited as a
    /// sequential cohort after the randomised groups (statistics.md §9); its CONSORT box then says
    /// "not randomised".
    public var allocated: Bool

    public init(id: String, name: String, role: ArmRole, programme: ProgrammeReference? = nil, ratio: Int = 1,
                allocated: Bool = true) {
        self.id = id
        self.name = name
        self.role = role
        self.programme = programme
        self.ratio = ratio
        self.allocated = allocated
    }

    private enum CodingKeys: String, CodingKey { case id, name, role, programme, ratio, allocated }

    /// `ratio` may be left out (1), and `allocated` too (true).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        role = try c.decode(ArmRole.self, forKey: .role)
        programme = try c.decodeIfPresent(ProgrammeReference.self, forKey: .programme)
        ratio = try c.decodeIfPresent(Int.self, forKey: .ratio) ?? 1
        allocated = try c.decodeIfPresent(Bool.self, forKey: .allocated) ?? true
    }
}

public enum ArmRole: String, Codable, Sendable, CaseIterable {
    /// The intervention under study.
    case active
    /// A comparison that is itself delivered (relaxation, music), matched for time and format; with no
    /// programme when it is delivered outside Tend (such as a service's own recovery support group).
    case activeControl = "active-control"
    /// Offered the intervention after the study's last measurement.
    case waitlist
    /// Nothing delivered by the study (treatment as usual).
    case none
}

/// A programme and the version of it an arm receives.
public struct ProgrammeReference: Codable, Sendable, Equatable {
    public var id: String
    public var version: String

    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }
}

/// Staff roles that can be kept blind to which arm a participant is in.
public enum BlindedRole: String, Codable, Sendable, CaseIterable {
    case facilitator
    case researcher
    /// Whoever collects or scores outcome measures.
    case outcomeAssessor = "outcome-assessor"
    case statistician
}

/// Options for the permuted-block allocation (``AllocationSequence``).
public struct RandomisationSettings: Codable, Sendable, Equatable {
    /// Block sizes as multiples of the ratio sum; `[1, 2]` gives blocks of 3 and 6 for 1:1:1.
    public var blockMultiples: [Int]

    public init(blockMultiples: [Int] = [1, 2]) {
        self.blockMultiples = blockMultiples
    }
}

/// A factor allocation is stratified by, such as the substitution medication taken.
public struct StratificationFactor: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var levels: [String]

    public init(id: String, label: String, levels: [String]) {
        self.id = id
        self.label = label
        self.levels = levels
    }
}

/// An instrument item whose answer at or above `atOrAbove` raises a risk flag.
public struct RiskItemRule: Codable, Sendable, Equatable {
    public var instrument: String
    /// 1-based item number.
    public var item: Int
    public var atOrAbove: Int

    public init(instrument: String, item: Int, atOrAbove: Int) {
        self.instrument = instrument
        self.item = item
        self.atOrAbove = atOrAbove
    }
}

// MARK: - Consent

/// One version of the consent form, in force from its effective date until a later version's.
public struct ConsentForm: Codable, Sendable, Equatable {
    public var version: String
    public var effective: LocalDate
    public var items: [ConsentItem]

    public init(version: String, effective: LocalDate, items: [ConsentItem]) {
        self.version = version
        self.effective = effective
        self.items = items
    }
}

/// One statement a participant agrees to; a required one must be agreed to take part.
public struct ConsentItem: Codable, Sendable, Equatable {
    public var id: String
    public var statement: String
    public var required: Bool

    public init(id: String, statement: String, required: Bool) {
        self.id = id
        self.statement = statement
        self.required = required
    }
}

// MARK: - Measurement schedule

/// When a measure is due: the anchor date (plus `weeks` for a follow-up), with a window of
/// `daysBefore` days before and `daysAfter` days after it.
public struct Timepoint: Codable, Sendable, Equatable {
    /// Names the timepoint in data files (`baseline`, `post`, `week-12`, …).
    public var id: String
    public var kind: Kind
    /// The session for `after-session` (and for the `session` anchor).
    public var session: Int?
    /// Weeks after the anchor for `follow-up`.
    public var weeks: Int?
    public var anchor: Anchor
    public var daysBefore: Int
    public var daysAfter: Int

    public init(id: String, kind: Kind, session: Int? = nil, weeks: Int? = nil, anchor: Anchor,
                daysBefore: Int, daysAfter: Int) {
        self.id = id
        self.kind = kind
        self.session = session
        self.weeks = weeks
        self.anchor = anchor
        self.daysBefore = daysBefore
        self.daysAfter = daysAfter
    }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case baseline
        case afterSession = "after-session"
        case post
        case followUp = "follow-up"
    }

    /// The participant's date a timepoint is counted from.
    public enum Anchor: String, Codable, Sendable, CaseIterable {
        case consent
        case groupStart = "group-start"
        /// The date of session `session`.
        case session
        case programmeEnd = "programme-end"
    }

    /// Days from the anchor date to the due date.
    public var offsetDays: Int { (weeks ?? 0) * 7 }
}

/// A measure taken at some timepoints: a questionnaire from the instrument library, or an observation
/// that is not a questionnaire (such as a urine drug screen), named by a label of the study's own.
public struct ScheduledMeasure: Codable, Sendable, Equatable {
    /// An instrument id from the library (`dass21`, `ocdus`, …).
    public var instrument: String?
    /// An observation id of the study's own, when the measure is not a questionnaire.
    public var observation: String?
    public var label: String?
    public var timepoints: [String]

    public init(instrument: String, timepoints: [String]) {
        self.instrument = instrument
        self.timepoints = timepoints
    }

    public init(observation: String, label: String, timepoints: [String]) {
        self.observation = observation
        self.label = label
        self.timepoints = timepoints
    }

    /// The instrument or observation id, which names the measure in plans and data.
    public var measureID: String { instrument ?? observation ?? "" }
}
