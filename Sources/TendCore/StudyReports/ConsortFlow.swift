import Foundation

/// One line of a study's screening log: a person from the moment they were approached to the end of
/// their participation. Every CONSORT count is derived from these records, so the boxes always add up
/// (statistics.md §9.3).
public struct ScreeningRecord: Sendable, Equatable, Codable {
    /// Why a participant stopped, and at which stage.
    public struct Exit: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            /// No further data could be collected (includes people who could not be reached).
            case lostToFollowUp = "lost-to-follow-up"
            /// The participant withdrew from the study; no further data are collected. Counted in the
            /// CONSORT "lost to follow-up" box with the reason prefixed "withdrew: ".
            case withdrew
            /// Stopped the intervention but still gives follow-up data.
            case discontinuedIntervention = "discontinued-intervention"
        }
        public var kind: Kind
        public var reason: String
        /// Free label of the stage, e.g. "week 3" or "before post".
        public var stage: String

        public init(kind: Kind, reason: String, stage: String) {
            self.kind = kind
            self.reason = reason
            self.stage = stage
        }
    }

    /// Pseudonymous person code.
    public var personCode: String
    public var approachedOn: LocalDate
    public var eligible: Bool
    /// Why the person is not eligible (empty when eligible).
    public var ineligibilityReasons: [String]
    /// Agreed to take part; nil when never asked (for example ineligible).
    public var agreed: Bool?
    public var consented: Bool
    /// Why an eligible person did not take part, or was not allocated after consenting.
    public var notEnrolledReason: String?
    /// The arm allocated; nil when never allocated.
    public var allocatedArm: String?
    public var receivedAllocatedIntervention: Bool
    public var notReceivedReason: String?
    public var attendedBaseline: Bool
    public var completedPost: Bool
    /// Completed the follow-up assessment; nil when the study has none.
    public var completedFollowUp: Bool?
    public var exit: Exit?
    /// Set when the analysis team excluded the participant (for example consent withdrawn for data use).
    public var excludedFromAnalysisReason: String?

    public init(personCode: String, approachedOn: LocalDate, eligible: Bool, ineligibilityReasons: [String] = [],
                agreed: Bool? = nil, consented: Bool = false, notEnrolledReason: String? = nil,
                allocatedArm: String? = nil, receivedAllocatedIntervention: Bool = false,
                notReceivedReason: String? = nil, attendedBaseline: Bool = false, completedPost: Bool = false,
                completedFollowUp: Bool? = nil, exit: Exit? = nil, excludedFromAnalysisReason: String? = nil) {
        self.personCode = personCode
        self.approachedOn = approachedOn
        self.eligible = eligible
        self.ineligibilityReasons = ineligibilityReasons
        self.agreed = agreed
        self.consented = consented
        self.notEnrolledReason = notEnrolledReason
        self.allocatedArm = allocatedArm
        self.receivedAllocatedIntervention = receivedAllocatedIntervention
        self.notReceivedReason = notReceivedReason
        self.attendedBaseline = attendedBaseline
        self.completedPost = completedPost
        self.completedFollowUp = completedFollowUp
        self.exit = exit
        self.excludedFromAnalysisReason = excludedFromAnalysisReason
    }
}

/// A reason and how many people gave it.
public struct ReasonCount: Sendable, Equatable, Codable {
    public var reason: String
    public var count: Int

    public init(reason: String, count: Int) {
        self.reason = reason
        self.count = count
    }

    /// Counts reasons, most frequent first, ties in alphabetical order.
    static func tally(_ reasons: [String]) -> [ReasonCount] {
        var counts: [String: Int] = [:]
        for r in reasons { counts[r, default: 0] += 1 }
        return counts.map { ReasonCount(reason: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) }
    }
}

/// Who is counted as analysed in the CONSORT analysis box.
public enum AnalysisPopulation: String, Sendable, Codable, CaseIterable {
    /// Everyone allocated, except those with an explicit exclusion reason.
    case intentionToTreat = "intention-to-treat"
    /// Allocated participants with a post assessment (and no explicit exclusion).
    case completeCases = "complete-cases"
}

/// The counts of one arm's column in a CONSORT 2010 diagram.
public struct ConsortArm: Sendable, Equatable, Codable {
    public var arm: String
    /// False for an arm recruited outside the allocation sequence (seed 000's waitlist cohort).
    public var randomised: Bool
    public var allocated: Int
    public var received: Int
    public var notReceived: Int
    public var notReceivedReasons: [ReasonCount]
    public var attendedBaseline: Int
    public var completedPost: Int
    /// Completed the follow-up assessment (0 when the study has none).
    public var completedFollowUp: Int
    /// Lost to follow-up, withdrawals included.
    public var lostToFollowUp: Int
    public var lostToFollowUpReasons: [ReasonCount]
    public var discontinued: Int
    public var discontinuedReasons: [ReasonCount]
    public var analysed: Int
    public var excludedFromAnalysis: Int
    public var excludedFromAnalysisReasons: [ReasonCount]
}

/// The CONSORT 2010 flow (Schulz, Altman & Moher 2010, doi:10.1136/bmj.c332; pilot extension Eldridge et
/// al. 2016, doi:10.1136/bmj.i5239), counted from screening records.
///
/// ```
/// assessed = excluded + allocated (all arms)
/// excluded = not meeting criteria + declined + other reasons
/// allocated_k = received_k + not received_k = analysed_k + excluded from analysis_k
/// ```
///
/// Classification of a record, first match wins: not eligible → "not meeting inclusion criteria"; eligible
/// but not agreed or not consented → "declined to participate"; consented but never allocated → "other
/// reasons"; otherwise allocated to its arm.
public struct ConsortFlow: Sendable, Equatable, Codable {
    public var assessedForEligibility: Int
    public var excluded: Int
    public var notMeetingCriteria: Int
    public var notMeetingCriteriaReasons: [ReasonCount]
    public var declined: Int
    public var declinedReasons: [ReasonCount]
    public var otherReasons: Int
    public var otherReasonsList: [ReasonCount]
    /// Allocated to a randomised arm.
    public var randomised: Int
    public var arms: [ConsortArm]
    public var population: AnalysisPopulation

    /// True when there is one arm: the diagram shows "Enrolled" instead of "Randomised".
    public var isSingleArm: Bool { arms.count == 1 }

    /// Counts the flow.
    ///
    /// - Parameters:
    ///   - armOrder: column order; arms found in the records but not listed follow in order of first
    ///     appearance.
    ///   - nonRandomisedArms: arms recruited outside the allocation sequence; they have a column but do
    ///     not count towards "randomised".
    ///   - population: who counts as analysed.
    /// - Throws: `InputError` for duplicate person codes, an empty arm name, or an allocation of someone not
    ///   eligible, not agreed or not consented.
    public static func count(_ records: [ScreeningRecord], armOrder: [String] = [], nonRandomisedArms: Set<String> = [],
                             population: AnalysisPopulation = .intentionToTreat) throws(InputError) -> ConsortFlow {
        var seen = Set<String>()
        var armNames = armOrder
        for (i, r) in records.enumerated() {
            guard seen.insert(r.personCode).inserted else {
                throw InputError(field: "records[\(i)].personCode", value: r.personCode, expected: "a code used once in the screening log")
            }
            if let arm = r.allocatedArm {
                guard !arm.trimmingWhitespace().isEmpty else {
                    throw InputError(field: "records[\(i)].allocatedArm", value: "\"\(arm)\"", expected: "an arm name or no arm")
                }
                // An allocation the log does not justify would silently leave the arm's column.
                guard r.eligible, r.agreed == true, r.consented else {
                    throw InputError(field: "records[\(i)].allocatedArm", value: "\(arm) for \(r.personCode), who is \(!r.eligible ? "not eligible" : r.agreed != true ? "not recorded as agreeing" : "not consented")",
                                     expected: "allocation only of eligible people who agreed and consented")
                }
                if !armNames.contains(arm) { armNames.append(arm) }
            }
        }
        var notMeeting: [String] = [], declined: [String] = [], other: [String] = []
        var byArm: [String: [ScreeningRecord]] = [:]
        for r in records {
            if !r.eligible {
                notMeeting.append(contentsOf: r.ineligibilityReasons.isEmpty ? ["reason not recorded"] : r.ineligibilityReasons)
            } else if r.agreed != true || !r.consented {
                declined.append(r.notEnrolledReason ?? "reason not recorded")
            } else if let arm = r.allocatedArm {
                byArm[arm, default: []].append(r)
            } else {
                other.append(r.notEnrolledReason ?? "reason not recorded")
            }
        }
        let ineligiblePeople = records.filter { !$0.eligible }.count
        let declinedPeople = declined.count, otherPeople = other.count
        let arms = armNames.map { name -> ConsortArm in
            let rs = byArm[name] ?? []
            let received = rs.filter(\.receivedAllocatedIntervention)
            let notReceived = rs.filter { !$0.receivedAllocatedIntervention }
            let lost = rs.compactMap { r -> String? in
                guard let e = r.exit else { return nil }
                switch e.kind {
                case .lostToFollowUp: return e.reason
                case .withdrew: return "withdrew: \(e.reason)"
                case .discontinuedIntervention: return nil
                }
            }
            let discontinued = rs.compactMap { r in r.exit?.kind == .discontinuedIntervention ? r.exit?.reason : nil }
            var excludedReasons: [String] = []
            for r in rs {
                if let reason = r.excludedFromAnalysisReason { excludedReasons.append(reason) }
                else if population == .completeCases && !r.completedPost { excludedReasons.append("no post-treatment assessment") }
            }
            return ConsortArm(
                arm: name, randomised: !nonRandomisedArms.contains(name), allocated: rs.count,
                received: received.count, notReceived: notReceived.count,
                notReceivedReasons: ReasonCount.tally(notReceived.map { $0.notReceivedReason ?? "reason not recorded" }),
                attendedBaseline: rs.filter(\.attendedBaseline).count, completedPost: rs.filter(\.completedPost).count,
                completedFollowUp: rs.filter { $0.completedFollowUp == true }.count,
                lostToFollowUp: lost.count, lostToFollowUpReasons: ReasonCount.tally(lost),
                discontinued: discontinued.count, discontinuedReasons: ReasonCount.tally(discontinued),
                analysed: rs.count - excludedReasons.count, excludedFromAnalysis: excludedReasons.count,
                excludedFromAnalysisReasons: ReasonCount.tally(excludedReasons))
        }
        return ConsortFlow(
            assessedForEligibility: records.count, excluded: ineligiblePeople + declinedPeople + otherPeople,
            notMeetingCriteria: ineligiblePeople, notMeetingCriteriaReasons: ReasonCount.tally(notMeeting),
            declined: declinedPeople, declinedReasons: ReasonCount.tally(declined),
            otherReasons: otherPeople, otherReasonsList: ReasonCount.tally(other),
            randomised: arms.filter(\.randomised).reduce(0) { $0 + $1.allocated },
            arms: arms, population: population)
    }
}
