import Foundation

/// What ``InstrumentScorer`` made of a file of item responses: the scores, the scores it could not
/// compute and why, every unusable cell and row, risk flags and a reliability table.
public struct ScoringReport: Sendable, Equatable {
    public var instrumentID: String
    /// Version of the scoring key used; store it with the scores.
    public var keyVersion: String
    /// The header column used for each item, in item order (index 0 = item 1).
    public var itemColumns: [String]
    /// In row order, and within a row in the definition's scale order.
    public var scores: [Score]
    public var missingScores: [MissingScore]
    public var cellErrors: [CellError]
    public var rowErrors: [RowError]
    public var riskFlags: [RiskFlag]
    /// Cronbach's alpha per scale per timepoint, on the rows with every item of the scale answered.
    public var reliability: [ReliabilityEntry]
    /// Report-level remarks (provisional key, how bad cells were treated).
    public var notes: [String]

    public init(instrumentID: String, keyVersion: String, itemColumns: [String], scores: [Score] = [],
                missingScores: [MissingScore] = [], cellErrors: [CellError] = [], rowErrors: [RowError] = [],
                riskFlags: [RiskFlag] = [], reliability: [ReliabilityEntry] = [], notes: [String] = []) {
        self.instrumentID = instrumentID
        self.keyVersion = keyVersion
        self.itemColumns = itemColumns
        self.scores = scores
        self.missingScores = missingScores
        self.cellErrors = cellErrors
        self.rowErrors = rowErrors
        self.riskFlags = riskFlags
        self.reliability = reliability
        self.notes = notes
    }

    /// One computed score.
    public struct Score: Sendable, Equatable {
        public var participant: String
        public var arm: String?
        public var timepoint: String
        /// `"<instrument>.<scale>"`.
        public var measure: String
        /// Full precision; never rounded.
        public var score: Double
        /// The severity band, when the scale has bands.
        public var band: String?
        /// Items that were missing and filled in by proration (empty when all were answered).
        public var proratedItems: [Int]
        /// 1-based file row (header = 1).
        public var row: Int

        public init(participant: String, arm: String?, timepoint: String, measure: String, score: Double,
                    band: String?, proratedItems: [Int], row: Int) {
            self.participant = participant
            self.arm = arm
            self.timepoint = timepoint
            self.measure = measure
            self.score = score
            self.band = band
            self.proratedItems = proratedItems
            self.row = row
        }
    }

    /// A score that could not be computed, and why.
    public struct MissingScore: Sendable, Equatable, CustomStringConvertible {
        public var participant: String
        public var arm: String?
        public var timepoint: String
        public var measure: String
        /// Every missing or unusable item of the scale in this row.
        public var missingItems: [Int]
        /// E.g. "3 of 7 items missing (items 1, 2 and 5); at most 1 may be prorated".
        public var reason: String
        public var row: Int

        public init(participant: String, arm: String?, timepoint: String, measure: String, missingItems: [Int],
                    reason: String, row: Int) {
            self.participant = participant
            self.arm = arm
            self.timepoint = timepoint
            self.measure = measure
            self.missingItems = missingItems
            self.reason = reason
            self.row = row
        }

        public var description: String { "row \(row), \(participant) at \(timepoint), \(measure): \(reason)" }
    }

    /// A cell whose value is not a valid response. The item counts as missing in its row; the row's
    /// other items are still used.
    public struct CellError: Sendable, Equatable, CustomStringConvertible {
        public var row: Int
        public var column: String
        /// The cell exactly as it appears in the file.
        public var value: String
        /// What the cell may hold, e.g. "a whole number from 0 to 4".
        public var expected: String

        public init(row: Int, column: String, value: String, expected: String) {
            self.row = row
            self.column = column
            self.value = value
            self.expected = expected
        }

        public var description: String {
            "row \(row), column \(column): \"\(value)\" is not \(expected); the item counts as missing in this row"
        }
    }

    /// A row that was not scored at all.
    public struct RowError: Sendable, Equatable, CustomStringConvertible {
        public var row: Int
        public var message: String

        public init(row: Int, message: String) {
            self.row = row
            self.message = message
        }

        public var description: String { "row \(row): \(message)" }
    }

    /// A risk item answered at or above its threshold, or left unanswered in an otherwise answered row.
    public struct RiskFlag: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable {
            /// Answered at or above the item's `atOrAbove`.
            case endorsed
            /// Not answered (or unreadable) although other items in the row were answered.
            case unanswered
        }

        public var participant: String
        public var arm: String?
        public var timepoint: String
        public var item: Int
        /// The response; nil when unanswered.
        public var value: Int?
        public var kind: Kind
        public var row: Int
        /// Why the item is risk content (from the definition).
        public var reason: String

        public init(participant: String, arm: String?, timepoint: String, item: Int, value: Int?, kind: Kind,
                    row: Int, reason: String) {
            self.participant = participant
            self.arm = arm
            self.timepoint = timepoint
            self.item = item
            self.value = value
            self.kind = kind
            self.row = row
            self.reason = reason
        }

        public var description: String {
            switch kind {
            case .endorsed:
                return "row \(row), \(participant) at \(timepoint): item \(item) answered \(value.map(String.init) ?? "")"
            case .unanswered:
                return "row \(row), \(participant) at \(timepoint): risk item \(item) not answered"
            }
        }
    }

    /// Sample internal consistency of one scale at one timepoint.
    public struct ReliabilityEntry: Sendable, Equatable {
        public var measure: String
        public var timepoint: String
        /// Rows with every item of the scale answered (the rows alpha uses).
        public var completeRows: Int
        public var itemCount: Int
        /// Nil when alpha cannot be computed; `problem` then says why.
        public var alpha: CronbachAlphaResult?
        public var problem: String?
        /// The published value the analysis uses unless told otherwise.
        public var defaultReliability: InstrumentDefinition.ReliabilityReference

        public init(measure: String, timepoint: String, completeRows: Int, itemCount: Int,
                    alpha: CronbachAlphaResult?, problem: String?,
                    defaultReliability: InstrumentDefinition.ReliabilityReference) {
            self.measure = measure
            self.timepoint = timepoint
            self.completeRows = completeRows
            self.itemCount = itemCount
            self.alpha = alpha
            self.problem = problem
            self.defaultReliability = defaultReliability
        }
    }

    /// The scores as a tidy CSV: `participant,arm,timepoint,measure,score`, one row per computed score
    /// (missing scores are left out), `arm` blank when the file had none, scores at full precision in
    /// the shortest form that reads back to the same double (`12`, `11.666666666666666`).
    public func tidyCSV() -> String {
        var out = "participant,arm,timepoint,measure,score\n"
        for s in scores {
            out += [s.participant.csvEscaped, (s.arm ?? "").csvEscaped, s.timepoint.csvEscaped, s.measure.csvEscaped,
                    InstrumentFormatting.number(s.score)].joined(separator: ",")
            out += "\n"
        }
        return out
    }
}
