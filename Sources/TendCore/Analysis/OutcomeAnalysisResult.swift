/// Everything `tend analyse` computed, in the shape the text, JSON, CSV and HTML renderers print.
/// Field names are stable: they are the JSON output's field names (documented in the README).
public struct OutcomeAnalysisResult: Sendable, Codable {
    public var input: InputSummary
    public var settings: SettingsSummary
    public var measures: [MeasureAnalysis]
    public var baseline: BaselineTable?
    public var dropout: DropoutAnalysis?
    public var feasibility: FeasibilityAnalysis?
    /// Row problems in the input and anything the analysis had to leave out, in words.
    public var notes: [String]
    public var rowIssues: [ScoreTableIssue]
    /// A paragraph saying exactly what was computed, with references.
    public var methods: [String]
}

public struct InputSummary: Sendable, Codable {
    public var rows: Int
    public var participants: Int
    public var arms: [ArmCount]
    public var timepoints: [String]
    public var measures: [String]
    public var covariates: [String]
}

public struct ArmCount: Sendable, Codable, Equatable {
    public var arm: String
    public var participants: Int
}

public struct SettingsSummary: Sendable, Codable {
    public var pre: String
    public var post: String
    /// Why these labels were taken ("--pre/--post" or "first two timepoints in the file").
    public var timepointSource: String
    public var anovaLevels: [String]
    public var method: ReliableChangeMethod
    public var anovaType: SumOfSquaresType
    public var confidenceLevel: Double
    public var differenceVariance: String
    public var significanceLevel: Double
}

/// n, mean and SD of one arm (or all participants, `arm == nil`) at one timepoint.
public struct CellSummary: Sendable, Codable, Equatable {
    public var arm: String?
    public var timepoint: String
    public var n: Int
    public var mean: Double
    public var sd: Double
    /// 95 % t interval of the mean (nil when n < 2).
    public var ciLower: Double?
    public var ciUpper: Double?
}

/// Pre → post change of one arm (or everyone) over the participants with both scores.
public struct ChangeSummary: Sendable, Codable, Equatable {
    public var arm: String?
    public var n: Int
    public var meanPre: Double
    public var meanPost: Double
    /// Mean of post − pre.
    public var meanChange: Double
    public var sdChange: Double
    /// 95 % one-sample t interval of the mean change.
    public var ciLower: Double?
    public var ciUpper: Double?
    /// d_z = mean change / SD of change (Cohen 1988; Lakens 2013).
    public var dz: Double?
    /// d_av = mean change / mean of the pre and post SDs (Cumming 2012; Lakens 2013).
    public var dav: Double?
    /// 100 · (M_post − M_pre) / M_pre over the same participants (seed 003); nil when M_pre = 0.
    public var percentChange: Double?
}

public struct MeasureAnalysis: Sendable, Codable {
    public var measure: String
    public var name: String
    public var direction: Direction?
    public var directionSource: String
    /// Cautions from the instrument definition (a provisional key, an unverified value).
    public var caveats: [String]
    public var descriptives: [CellSummary]
    public var change: [ChangeSummary]
    public var reliableChange: ReliableChangeSection?
    public var clinicalSignificance: ClinicalSignificanceSection?
    public var anova: ANOVASection?
    public var armDifferences: [ArmDifference]
    /// Why a section is absent, keyed by section ("reliableChange", "clinicalSignificance", "anova").
    public var skipped: [String: String]
    /// Per-participant rows (participants with both pre and post), when kept.
    public var participants: [ParticipantOutcome]?
}

public struct ReliableChangeSection: Sendable, Codable {
    public var reliability: Double
    public var reliabilitySource: String
    public var nGiven: Int
    public var result: ReliableChangeSummary
}

/// The reliable change result without its per-participant vectors (those are in `participants`).
public struct ReliableChangeSummary: Sendable, Codable, Equatable {
    public var method: ReliableChangeMethod
    public var nUsed: Int
    public var meanPre: Double
    public var sdPre: Double
    public var meanPost: Double
    public var sdPost: Double
    public var sem: Double
    public var sDiff: Double
    public var sep: Double
    public var rPrePost: Double?
    public var rDD: Double?
    public var criticalValue: Double
    public var improved: Int
    public var unchanged: Int
    public var deteriorated: Int
}

public struct ClinicalSignificanceSection: Sendable, Codable {
    public var criterion: ClinicalCutoffCriterion
    /// Why this criterion (e.g. "no non-clinical norms exist for PSEQ, so criterion a, as seed 001 did").
    public var criterionReason: String
    public var cutoff: Double
    public var cutoffs: ClinicalCutoffs
    public var clinicalMean: Double
    public var clinicalSD: Double
    public var clinicalSource: String
    public var functionalMean: Double?
    public var functionalSD: Double?
    public var functionalSource: String?
    /// Raw-unit reliable change threshold used for the table (1.96 · S_diff, as R clinsig).
    public var reliableChangeThreshold: Double
    /// Seed 001 Table 2: rows notSignificant / okayAtBaseline / significantChange × columns.
    public var table: ClinsigTableCounts
    public var recovered: Int
    public var improved: Int
    public var unchanged: Int
    public var deteriorated: Int
    /// Reliable deterioration from the functional side into the clinical range.
    public var harmed: Int
}

/// All nine cells of the clinsig table, zeros included.
public struct ClinsigTableCounts: Sendable, Codable, Equatable {
    public var notSignificant: ClinsigRowCounts
    public var okayAtBaseline: ClinsigRowCounts
    public var significantChange: ClinsigRowCounts
}

public struct ClinsigRowCounts: Sendable, Codable, Equatable {
    public var deterioration: Int
    public var improvement: Int
    public var noChange: Int
}

public struct ANOVASection: Sendable, Codable {
    public var levels: [String]
    public var excludedIncomplete: Int
    public var excludedNoArm: Int
    public var result: MixedANOVAResult
}

/// Difference in mean change between two arms (first minus second).
public struct ArmDifference: Sendable, Codable, Equatable {
    public var armA: String
    public var armB: String
    public var nA: Int
    public var nB: Int
    public var meanChangeA: Double
    public var meanChangeB: Double
    public var result: MeanDifferenceResult
}

public struct ParticipantOutcome: Sendable, Codable, Equatable {
    public var participant: String
    public var arm: String?
    public var pre: Double
    public var post: Double
    public var change: Double
    public var rci: Double?
    public var reliableChange: ReliableChangeCategory?
    public var clinsigRow: String?
    public var clinsigColumn: String?
    public var category: String?
}

/// Baseline characteristics by arm (seed 000 Table 2).
public struct BaselineTable: Sendable, Codable {
    public var arms: [String]
    public var rows: [BaselineRow]
}

public struct BaselineRow: Sendable, Codable {
    public var variable: String
    public var kind: String  // "continuous" | "categorical"
    /// Continuous: per arm n, mean, SD, mean rank.
    public var groups: [BaselineGroup]
    /// "mean (SD)" when Shapiro–Wilk rejects in no arm, otherwise "mean rank".
    public var summary: String?
    public var normality: [NormalityCheck]
    public var levene: LeveneResult?
    public var test: String
    public var statistic: Double?
    public var df: [Double]
    public var p: Double?
    /// Categorical: levels and counts per arm (counts[level][arm]).
    public var levels: [String]?
    public var counts: [[Int]]?
    public var note: String?
}

public struct BaselineGroup: Sendable, Codable, Equatable {
    public var arm: String
    public var n: Int
    public var mean: Double
    public var sd: Double
    public var meanRank: Double?
}

public struct NormalityCheck: Sendable, Codable, Equatable {
    public var arm: String
    public var n: Int
    public var w: Double?
    public var p: Double?
    public var note: String?
}

/// Drop-out (a baseline score but no post score on any analysed measure) by arm.
public struct DropoutAnalysis: Sendable, Codable {
    public var arms: [DropoutArm]
    public var total: DropoutArm
    public var chiSquare: ChiSquareResult?
    public var exact: FisherExactResult?
    public var note: String?
}

public struct DropoutArm: Sendable, Codable, Equatable {
    public var arm: String
    public var baseline: Int
    public var completed: Int
    public var droppedOut: Int
    /// droppedOut / baseline.
    public var rate: Double
}

public struct FeasibilityAnalysis: Sendable, Codable {
    public var funnel: FunnelCounts
    /// Where each count came from ("--funnel" or "data").
    public var sources: [String: String]
    public var rates: [FeasibilityRate]
}

public struct FeasibilityRate: Sendable, Codable, Equatable {
    public var numerator: String
    public var denominator: String
    public var interval: ProportionInterval
    public var threshold: Double?
    /// Point estimate ≥ threshold.
    public var met: Bool?
    /// Wilson lower bound ≥ threshold.
    public var metByLowerBound: Bool?
}
