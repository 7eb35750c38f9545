/// What a researcher asks `tend analyse` to do. Every field has the default a service evaluation or pilot
/// trial report expects; the report always prints what was used.
public struct OutcomeAnalysisOptions: Sendable, Equatable {
    /// Timepoint label taken as "before"; nil = the first timepoint in the file.
    public var pre: String?
    /// Timepoint label taken as "after"; nil = the second timepoint in the file.
    public var post: String?
    /// Within-subject levels of the mixed ANOVA, in order; nil = pre and post.
    public var anovaLevels: [String]?
    /// Measures to analyse; nil = every measure in the file, in file order.
    public var measures: [String]?
    public var method: ReliableChangeMethod = .jacobsonTruax
    /// Per measure: reliability to use instead of the definition's default.
    public var reliability: [String: Double] = [:]
    /// Per measure: norms to use instead of the definition's.
    public var norms: [String: NormsOverride] = [:]
    /// Per measure: direction to use instead of the definition's.
    public var better: [String: Direction] = [:]
    /// Cut-off criterion for clinically significant change; nil = per measure (c where functional norms
    /// exist, else a, or the definition's preferred criterion).
    public var criterion: ClinicalCutoffCriterion?
    /// Per measure: criterion for that measure only (takes precedence over `criterion`).
    public var criterionByMeasure: [String: ClinicalCutoffCriterion] = [:]
    public var anovaType: SumOfSquaresType = .typeIII
    /// Confidence level of the pairwise between-arm differences in mean change.
    public var confidenceLevel: Double = 0.95
    /// Use Welch's unequal-variance interval for the between-arm differences instead of the pooled one.
    public var welch: Bool = false
    public var funnel: FunnelCounts?
    public var criteria: [FeasibilityCriterion] = []
    /// Two-sided α of the reliable change index.
    public var significanceLevel: Double = 0.05
    /// Keep per-participant rows in the result (needed for the CSV table, the report and `--participants`).
    public var keepParticipants: Bool = true

    public init() {}
}

/// Norms given on the command line: `ID=clinMean,clinSD,funcMean,funcSD`; blank clinical values mean
/// "the sample's own pre-treatment mean and SD" (what R `clinsig` does by default).
public struct NormsOverride: Sendable, Equatable, Codable {
    public var clinicalMean: Double?
    public var clinicalSD: Double?
    public var functionalMean: Double?
    public var functionalSD: Double?

    public init(clinicalMean: Double? = nil, clinicalSD: Double? = nil, functionalMean: Double? = nil, functionalSD: Double? = nil) {
        self.clinicalMean = clinicalMean
        self.clinicalSD = clinicalSD
        self.functionalMean = functionalMean
        self.functionalSD = functionalSD
    }
}

/// What the analysis knows about a measure before it sees data: from an instrument definition, or
/// nothing at all for a measure outside the library.
public struct MeasureDefaults: Sendable, Equatable, Codable {
    public var name: String
    public var direction: Direction?
    public var reliability: Double?
    public var reliabilitySource: String?
    public var clinicalMean: Double?
    public var clinicalSD: Double?
    public var clinicalSource: String?
    public var functionalMean: Double?
    public var functionalSD: Double?
    public var functionalSource: String?
    /// Where functional (non-clinical) norms are known to be missing: the paper they would come from.
    public var functionalNormsMissing: String?
    public var preferredCriterion: ClinicalCutoffCriterion?
    public var preferredCriterionReason: String?
    /// Cautions to print with the measure (a provisional key, an unverified value).
    public var caveats: [String] = []

    public init(name: String, direction: Direction? = nil, reliability: Double? = nil, reliabilitySource: String? = nil,
                clinicalMean: Double? = nil, clinicalSD: Double? = nil, clinicalSource: String? = nil,
                functionalMean: Double? = nil, functionalSD: Double? = nil, functionalSource: String? = nil,
                functionalNormsMissing: String? = nil,
                preferredCriterion: ClinicalCutoffCriterion? = nil, preferredCriterionReason: String? = nil) {
        self.name = name
        self.direction = direction
        self.reliability = reliability
        self.reliabilitySource = reliabilitySource
        self.clinicalMean = clinicalMean
        self.clinicalSD = clinicalSD
        self.clinicalSource = clinicalSource
        self.functionalMean = functionalMean
        self.functionalSD = functionalSD
        self.functionalSource = functionalSource
        self.functionalNormsMissing = functionalNormsMissing
        self.preferredCriterion = preferredCriterion
        self.preferredCriterionReason = preferredCriterionReason
    }
}

/// Recruitment funnel counts (seed 000: 103 approached, 69 agreed, 47 baseline, 38 completed).
public struct FunnelCounts: Sendable, Equatable, Codable {
    public var approached: Int?
    public var agreed: Int?
    public var baseline: Int?
    public var completed: Int?

    public init(approached: Int? = nil, agreed: Int? = nil, baseline: Int? = nil, completed: Int? = nil) {
        self.approached = approached
        self.agreed = agreed
        self.baseline = baseline
        self.completed = completed
    }

    public static let stages = ["approached", "agreed", "baseline", "completed"]

    public func count(_ stage: String) -> Int? {
        switch stage {
        case "approached": return approached
        case "agreed": return agreed
        case "baseline": return baseline
        case "completed": return completed
        default: return nil
        }
    }
}

/// A feasibility success criterion: the rate `numerator / denominator` should reach `threshold`.
public struct FeasibilityCriterion: Sendable, Equatable, Codable {
    public var numerator: String
    public var denominator: String
    public var threshold: Double

    public init(numerator: String, denominator: String, threshold: Double) {
        self.numerator = numerator
        self.denominator = denominator
        self.threshold = threshold
    }
}
