import Foundation

// MARK: - Cut-offs

/// Jacobson & Truax's three cut-offs for the end of the dysfunctional range (statistics.md §2).
public enum ClinicalCutoffCriterion: String, Sendable, Codable, CaseIterable {
    /// 2 SD beyond the clinical mean, toward the functional side. Needs only the clinical distribution.
    case a
    /// Within 2 SD of the functional mean. Needs functional norms.
    case b
    /// Where the clinical and functional normal distributions are equally likely. Needs functional norms.
    case c
}

/// Means and SDs of the clinical (dysfunctional) and functional (normative) populations.
/// The clinical values are often the sample's own pre scores.
public struct ClinicalNorms: Sendable, Codable, Equatable {
    public var clinicalMean: Double
    public var clinicalSD: Double
    public var functionalMean: Double?
    public var functionalSD: Double?

    public init(clinicalMean: Double, clinicalSD: Double, functionalMean: Double? = nil, functionalSD: Double? = nil) {
        self.clinicalMean = clinicalMean
        self.clinicalSD = clinicalSD
        self.functionalMean = functionalMean
        self.functionalSD = functionalSD
    }
}

/// The cut-offs a, b and c in raw score units; b and c are nil without functional norms.
public struct ClinicalCutoffs: Sendable, Codable, Equatable {
    public var a: Double
    public var b: Double?
    public var c: Double?

    public init(a: Double, b: Double?, c: Double?) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// The cut-off for a criterion, nil when it needs norms that were not given.
    public func value(for criterion: ClinicalCutoffCriterion) -> Double? {
        switch criterion {
        case .a: a
        case .b: b
        case .c: c
        }
    }
}

// MARK: - Combined (RCI + cut-off) categories

/// The five mutually exclusive categories of `clinicalsignificance::cs_combined` (statistics.md §1.5).
public enum CombinedCategory: String, Sendable, Codable, CaseIterable {
    /// Reliable improvement and a crossing from the dysfunctional to the functional side.
    case recovered
    /// Reliable improvement without that crossing.
    case improved
    /// No reliable change.
    case unchanged
    /// Reliable deterioration that is not "harmed".
    case deteriorated
    /// Reliable deterioration, starting at or on the functional side and ending at or on the dysfunctional side.
    case harmed
}

extension CombinedCategory {
    /// A pair's combined category from its reliable change, whether its pre score is on the dysfunctional
    /// side of the cut-off (strictly) and whether its post score is on the functional side (strictly).
    public init(_ change: ReliableChangeCategory, clinicalPre: Bool, functionalPost: Bool) {
        switch change {
        case .improved: self = clinicalPre && functionalPost ? .recovered : .improved
        case .deteriorated: self = !clinicalPre && !functionalPost ? .harmed : .deteriorated
        case .unchanged: self = .unchanged
        }
    }
}

/// Counts of the five combined categories.
public struct CombinedCounts: Sendable, Codable, Equatable {
    public var recovered: Int
    public var improved: Int
    public var unchanged: Int
    public var deteriorated: Int
    public var harmed: Int

    public init(recovered: Int, improved: Int, unchanged: Int, deteriorated: Int, harmed: Int) {
        self.recovered = recovered
        self.improved = improved
        self.unchanged = unchanged
        self.deteriorated = deteriorated
        self.harmed = harmed
    }

    public init(categories: [CombinedCategory]) {
        self.init(
            recovered: categories.count(where: { $0 == .recovered }),
            improved: categories.count(where: { $0 == .improved }),
            unchanged: categories.count(where: { $0 == .unchanged }),
            deteriorated: categories.count(where: { $0 == .deteriorated }),
            harmed: categories.count(where: { $0 == .harmed }))
    }

    public var total: Int { recovered + improved + unchanged + deteriorated + harmed }
}

// MARK: - The clinsig 3 × 3 table

/// The 3 × 3 table of R `clinsig` (`print.clinsig`, Jim Lemon), the shape of seed 001's Table 2
/// (statistics.md §2.2): rows say where the participant stands against the cut-off, columns whether the
/// change was reliable. Unlike R's `table()`, all nine cells are always present, zeros included.
public struct ClinsigTable: Sendable, Codable, Equatable {
    /// Standing against the cut-off.
    public enum Row: String, Sendable, Codable, CaseIterable {
        /// Pre and post both on the dysfunctional side (or on the cut-off).
        case notSignificant
        /// Pre already on the functional side, whatever the post score.
        case okayAtBaseline
        /// Dysfunctional (or on the cut-off) pre, functional post.
        case significantChange

        public var label: String {
            switch self {
            case .notSignificant: "Not significant"
            case .okayAtBaseline: "Okay at baseline"
            case .significantChange: "Significant change"
            }
        }
    }

    /// Reliable change against the raw threshold.
    public enum Column: String, Sendable, Codable, CaseIterable {
        case deterioration
        case improvement
        case noChange

        public var label: String {
            switch self {
            case .deterioration: "Deterioration"
            case .improvement: "Improvement"
            case .noChange: "No change"
            }
        }
    }

    /// One participant's cell.
    public struct Placement: Sendable, Codable, Equatable {
        public var row: Row
        public var column: Column

        public init(row: Row, column: Column) {
            self.row = row
            self.column = column
        }
    }

    /// One cell's count.
    public struct Cell: Sendable, Codable, Equatable {
        public var row: Row
        public var column: Column
        public var count: Int

        public init(row: Row, column: Column, count: Int) {
            self.row = row
            self.column = column
            self.count = count
        }
    }

    public var direction: Direction
    /// The cut-off (critval) used, raw units.
    public var cutoff: Double
    /// The reliable-change threshold used, raw units (|post − pre| must exceed it).
    public var reliableChangeThreshold: Double
    /// Pairs given, and complete (finite) pairs classified.
    public var nGiven: Int
    public var nUsed: Int
    /// Input positions of the classified pairs.
    public var pairIndices: [Int]
    /// One placement per classified pair, in input order.
    public var placements: [Placement]
    /// All nine cells, rows in `Row.allCases` order, columns in `Column.allCases` order within a row.
    public var cells: [Cell]
    /// JT "recovered": Significant change × Improvement.
    public var recovered: Int
    /// Okay at baseline × Deterioration whose post score is on the cut-off or on its dysfunctional side
    /// (the package's "harmed").
    public var deterioratedIntoClinicalRange: Int

    /// The count of one cell.
    public func count(_ row: Row, _ column: Column) -> Int {
        cells.first { $0.row == row && $0.column == column }?.count ?? 0
    }

    /// Sum over a row.
    public func total(row: Row) -> Int { cells.filter { $0.row == row }.reduce(0) { $0 + $1.count } }

    /// Sum over a column.
    public func total(column: Column) -> Int { cells.filter { $0.column == column }.reduce(0) { $0 + $1.count } }
}

// MARK: - Functions

/// Clinically significant change: Jacobson & Truax's cut-offs, the five combined categories and the
/// `clinsig` 3 × 3 table.
///
/// References: Jacobson, Follette & Revenstorf (1984) Behav Ther 15:336–352; Jacobson & Truax (1991)
/// J Consult Clin Psychol 59(1):12–19, doi:10.1037/0022-006X.59.1.12; Evans, Margison & Barkham (1998)
/// Evid Based Ment Health 1:70–72, doi:10.1136/ebmh.1.3.70.
public enum ClinicalSignificance {
    /// The direction the norms imply: functional mean above the clinical mean → higher is better, below →
    /// lower is better; nil without a functional mean or when the two means are equal.
    /// (R `clinsig` derives `dir.effect = sign(func.mct − dys.mct)` the same way.)
    public static func direction(impliedBy norms: ClinicalNorms) -> Direction? {
        guard let mf = norms.functionalMean else { return nil }
        if mf > norms.clinicalMean { return .higherIsBetter }
        if mf < norms.clinicalMean { return .lowerIsBetter }
        return nil
    }

    /// Jacobson & Truax (1991) cut-offs, `dir` = `direction.sign`:
    /// ```
    /// a = M_c + dir · 2 · s_c
    /// b = M_f − dir · 2 · s_f                        (functional SD, as JT 1991 and R clinsig)
    /// c = (s_c · M_f + s_f · M_c) / (s_c + s_f)
    /// ```
    /// b and c are nil unless both the functional mean and SD are given.
    ///
    /// Deviations of the R implementations, not followed here: `clinicalsignificance` (since commit
    /// `eecbd53`) computes b with the *clinical* SD; `clinsig` sets a negative a to 0 and falls back to the
    /// midpoint `(M_f + M_c)/2` for c when no functional SD is given.
    ///
    /// Reference: Jacobson & Truax (1991) doi:10.1037/0022-006X.59.1.12.
    public static func cutoffs(norms: ClinicalNorms, direction: Direction) -> ClinicalCutoffs {
        let dir = direction.sign
        let mc = norms.clinicalMean, sc = norms.clinicalSD
        let a = mc + dir * 2 * sc
        var b: Double? = nil
        var c: Double? = nil
        if let mf = norms.functionalMean, let sf = norms.functionalSD {
            b = mf - dir * 2 * sf
            c = (sc * mf + sf * mc) / (sc + sf)
        }
        return ClinicalCutoffs(a: a, b: b, c: c)
    }

    /// The five combined categories (`cs_combined`, `.calc_recovered`; statistics.md §1.5), one per
    /// complete pair of `reliableChange`:
    /// ```
    /// clinical_pre    = dir·pre  < dir·cutoff      (a tie is not clinical)
    /// functional_post = dir·post > dir·cutoff      (a tie is not functional)
    /// recovered    = clinical_pre ∧ functional_post ∧ improved
    /// improved     = improved ∧ ¬recovered
    /// harmed       = ¬clinical_pre ∧ ¬functional_post ∧ deteriorated
    /// deteriorated = deteriorated ∧ ¬harmed
    /// unchanged    = unchanged
    /// ```
    /// improved / deteriorated are re-derived from `reliableChange.rci` and its critical value under
    /// `direction` (the same as `reliableChange.categories` when the directions agree).
    /// The package takes the cut-off from the analysed sample (`m_clinical = m_pre`, `sd_clinical = sd_pre`).
    /// For Hageman–Arrindell the package instead uses a group-level true-score cut-off and a per-person
    /// `cs_indiv` z (statistics.md §1.5); that variant is not implemented here, and this function applies the
    /// rule above to any method's RCI.
    ///
    /// - Parameters:
    ///   - pre, post: The arrays given to `ReliableChange.compute` (the complete pairs are picked by
    ///     `reliableChange.pairIndices`), or already the complete pairs alone.
    /// - Precondition: `pre` and `post` have `reliableChange.nGiven` or `reliableChange.nUsed` elements.
    ///
    /// Reference: Jacobson & Truax (1991) doi:10.1037/0022-006X.59.1.12.
    public static func combined(
        pre: [Double], post: [Double], reliableChange rc: ReliableChangeResult, cutoff: Double,
        direction: Direction
    ) -> [CombinedCategory] {
        precondition(pre.count == post.count, "pre and post must have the same length")
        let positions: [Int]
        if pre.count == rc.nGiven {
            positions = rc.pairIndices
        } else {
            precondition(pre.count == rc.nUsed, "pre/post must be the arrays given to ReliableChange.compute")
            positions = Array(0..<rc.nUsed)
        }
        let dir = direction.sign
        return positions.enumerated().map { k, i in
            let category = ReliableChange.classify(rci: rc.rci[k], criticalValue: rc.criticalValue, direction: direction)
            return CombinedCategory(category, clinicalPre: dir * pre[i] < dir * cutoff, functionalPost: dir * post[i] > dir * cutoff)
        }
    }

    /// The raw reliable-change threshold of R `clinsig` (Evans, Margison & Barkham 1998):
    /// `RC = rc.mult · sd · √2 · √(1 − α)` = `multiplier · S_diff`, with `multiplier = 1.96` by default.
    ///
    /// `clinsig` takes `sd` as the SD of all pre scores and α from `coef.alpha`. `clinicalsignificance`
    /// instead compares with `cv·S_diff`, cv = z(0.975) = 1.959963984540054 (`ReliableChangeResult.jtBandHalfWidth`);
    /// a change lying between the two thresholds is reliable under one and not the other.
    ///
    /// Reference: Evans, Margison & Barkham (1998) doi:10.1136/ebmh.1.3.70.
    public static func clinsigThreshold(sd: Double, reliability: Double, multiplier: Double = 1.96) -> Double {
        multiplier * sd * 2.0.squareRoot() * (1 - reliability).squareRoot()
    }

    /// The `clinsig` 3 × 3 table (statistics.md §2.2), all nine cells always present.
    ///
    /// Each pair with finite pre and post (others are excluded and counted in `nGiven − nUsed`) is placed:
    /// ```
    /// column: noChange     unless |pre − post| > RC                     (strict)
    ///         improvement  if |pre − post| > RC and dir·(post − pre) > 0
    ///         deterioration if |pre − post| > RC and dir·(post − pre) ≤ 0
    /// row:    notSignificant, then
    ///         significantChange if dir·post > dir·cutoff   (post on the functional side; a tie does not count)
    ///         okayAtBaseline    if dir·pre  > dir·cutoff   (overrides the previous step)
    /// ```
    ///
    /// The threshold `RC` is the caller's choice, in raw units: `clinsigThreshold(...)` (1.96·S_diff, as
    /// `clinsig` with `rc.mult = 1.96`) or `ReliableChangeResult.jtBandHalfWidth` (cv·S_diff, as
    /// `clinicalsignificance`); the table records the value used. With the same cut-off and threshold the
    /// cells map onto the combined categories: recovered = significantChange × improvement; "harmed" ⊂
    /// okayAtBaseline × deterioration (post on or beyond the cut-off on the dysfunctional side). A pre score
    /// exactly on the cut-off counts as dysfunctional here but not in `combined`.
    ///
    /// References: R package `clinsig` (Lemon); Jacobson & Truax (1991) doi:10.1037/0022-006X.59.1.12;
    /// Evans, Margison & Barkham (1998) doi:10.1136/ebmh.1.3.70.
    public static func clinsigTable(
        pre: [Double], post: [Double], cutoff: Double, reliableChangeThreshold rc: Double, direction: Direction
    ) -> ClinsigTable {
        precondition(pre.count == post.count, "pre and post must have the same length")
        let dir = direction.sign
        var indices: [Int] = []
        var placements: [ClinsigTable.Placement] = []
        var counts = [ClinsigTable.Row: [ClinsigTable.Column: Int]]()
        var intoClinical = 0
        for i in pre.indices {
            let x = pre[i], y = post[i]
            guard x.isFinite, y.isFinite else { continue }
            let column: ClinsigTable.Column
            if abs(x - y) > rc {
                column = dir * (y - x) > 0 ? .improvement : .deterioration
            } else {
                column = .noChange
            }
            var row = ClinsigTable.Row.notSignificant
            if dir * y > dir * cutoff { row = .significantChange }
            if dir * x > dir * cutoff { row = .okayAtBaseline }
            if row == .okayAtBaseline && column == .deterioration && !(dir * y > dir * cutoff) { intoClinical += 1 }
            indices.append(i)
            placements.append(.init(row: row, column: column))
            counts[row, default: [:]][column, default: 0] += 1
        }
        var cells: [ClinsigTable.Cell] = []
        for row in ClinsigTable.Row.allCases {
            for column in ClinsigTable.Column.allCases {
                cells.append(.init(row: row, column: column, count: counts[row]?[column] ?? 0))
            }
        }
        return ClinsigTable(
            direction: direction, cutoff: cutoff, reliableChangeThreshold: rc,
            nGiven: pre.count, nUsed: indices.count, pairIndices: indices, placements: placements, cells: cells,
            recovered: counts[.significantChange]?[.improvement] ?? 0,
            deterioratedIntoClinicalRange: intoClinical)
    }
}
