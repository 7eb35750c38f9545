import Foundation

// MARK: - Input errors

/// A contingency table that cannot be analysed. Carries the offending field (for example
/// `table[2][1]`), the value found and what was expected.
public typealias ContingencyTableError = InputError

/// A validated table of counts with its zero-margin rows and columns removed.
struct ReducedTable {
    var counts: [[Int]]
    var rowTotals: [Int]
    var columnTotals: [Int]
    var total: Int
    /// 0-based indices, in the caller's table, of rows and columns dropped for a zero margin.
    var droppedRows: [Int]
    var droppedColumns: [Int]

    /// Checks shape and counts, then drops rows and columns whose total is zero.
    ///
    /// - Parameter keepAtLeastTwo: when true, a table left with fewer than two rows or columns is an error.
    static func make(_ table: [[Int]], keepAtLeastTwo: Bool) throws(ContingencyTableError) -> ReducedTable {
        guard table.count >= 2 else {
            throw ContingencyTableError(field: "table", value: "\(table.count) row(s)",
                                        expected: "at least 2 rows")
        }
        let c = table[0].count
        guard c >= 2 else {
            throw ContingencyTableError(field: "table[0]", value: "\(c) column(s)",
                                        expected: "at least 2 columns")
        }
        for (i, row) in table.enumerated() {
            guard row.count == c else {
                throw ContingencyTableError(field: "table[\(i)]", value: "\(row.count) column(s)",
                                            expected: "\(c) columns, as in table[0]")
            }
            for (j, v) in row.enumerated() where v < 0 {
                throw ContingencyTableError(field: "table[\(i)][\(j)]", value: "\(v)", expected: "a count ≥ 0")
            }
        }
        let rowSums = table.map { $0.reduce(0, +) }
        let colSums = (0..<c).map { j in table.reduce(0) { $0 + $1[j] } }
        let total = rowSums.reduce(0, +)
        guard total > 0 else {
            throw ContingencyTableError(field: "table", value: "all counts 0", expected: "at least one count > 0")
        }
        let keptRows = rowSums.indices.filter { rowSums[$0] > 0 }
        let keptCols = colSums.indices.filter { colSums[$0] > 0 }
        if keepAtLeastTwo {
            guard keptRows.count >= 2 else {
                throw ContingencyTableError(
                    field: "table", value: "\(keptRows.count) row(s) with a non-zero total",
                    expected: "at least 2 rows with a non-zero total")
            }
            guard keptCols.count >= 2 else {
                throw ContingencyTableError(
                    field: "table", value: "\(keptCols.count) column(s) with a non-zero total",
                    expected: "at least 2 columns with a non-zero total")
            }
        }
        return ReducedTable(
            counts: keptRows.map { i in keptCols.map { j in table[i][j] } },
            rowTotals: keptRows.map { rowSums[$0] },
            columnTotals: keptCols.map { colSums[$0] },
            total: total,
            droppedRows: rowSums.indices.filter { rowSums[$0] == 0 },
            droppedColumns: colSums.indices.filter { colSums[$0] == 0 })
    }
}

// MARK: - Pearson χ²

/// The result of Pearson's χ² test of independence on an r × c table.
public struct ChiSquareResult: Sendable, Codable, Equatable {
    /// X² (with Yates's correction when `yatesApplied`).
    public var statistic: Double
    /// (r − 1)(c − 1) of the analysed table.
    public var df: Double
    /// Upper tail P(χ²_df ≥ X²).
    public var p: Double
    /// The table actually analysed (input without its zero-margin rows and columns).
    public var observed: [[Int]]
    /// E_ij = R_i·C_j/N for the analysed table.
    public var expected: [[Double]]
    /// Smallest E_ij.
    public var smallestExpected: Double
    /// Number of cells with E_ij < 5 (Cochran's rule: offer the exact test when any).
    public var cellsWithExpectedBelow5: Int
    /// Whether Yates's continuity correction was used (only ever for a 2 × 2 table).
    public var yatesApplied: Bool
    /// 0-based indices of input rows dropped because their total was zero.
    public var droppedRows: [Int]
    /// 0-based indices of input columns dropped because their total was zero.
    public var droppedColumns: [Int]
    /// Grand total N.
    public var n: Int
}

/// Pearson's χ² test of independence.
public enum ChiSquareTest {
    /// Pearson's χ² test on an r × c table of counts, optionally with Yates's continuity correction.
    ///
    /// ```
    /// E_ij = R_i·C_j/N;  X² = Σ (O_ij − E_ij)²/E_ij;  df = (r − 1)(c − 1);  p = P(χ²_df ≥ X²)
    /// Yates (2 × 2 only): X²_Y = Σ max(0, |O − E| − 0.5)²/E
    /// ```
    ///
    /// The cap of the 0.5 at |O − E| is what R `chisq.test` and scipy `chi2_contingency` do. Yates's
    /// correction is applied only when the analysed table is 2 × 2 (as scipy does when df = 1); for any
    /// other shape the request is ignored and `yatesApplied` is false. Rows or columns whose total is
    /// zero are dropped (their E would be zero) and reported in `droppedRows` / `droppedColumns`.
    ///
    /// References: Pearson (1900) Phil Mag 50:157–175, doi:10.1080/14786440009463897;
    /// Yates (1934) Suppl J R Stat Soc 1:217–235, doi:10.2307/2983604.
    ///
    /// - Throws: `ContingencyTableError` for a ragged or too small table, a negative count, or fewer than
    ///   two rows or columns with a non-zero total.
    public static func pearson(table: [[Int]], yatesCorrection: Bool = false) throws(ContingencyTableError)
        -> ChiSquareResult
    {
        let t = try ReducedTable.make(table, keepAtLeastTwo: true)
        let r = t.counts.count, c = t.counts[0].count
        let n = Double(t.total)
        let yates = yatesCorrection && r == 2 && c == 2
        var expected = [[Double]](repeating: [Double](repeating: 0, count: c), count: r)
        var statistic = 0.0
        var smallest = Double.infinity
        var below5 = 0
        for i in 0..<r {
            for j in 0..<c {
                let e = Double(t.rowTotals[i]) * Double(t.columnTotals[j]) / n
                expected[i][j] = e
                smallest = min(smallest, e)
                if e < 5 { below5 += 1 }
                var d = abs(Double(t.counts[i][j]) - e)
                if yates { d = max(0, d - 0.5) }
                statistic += d * d / e
            }
        }
        let df = Double((r - 1) * (c - 1))
        return ChiSquareResult(
            statistic: statistic, df: df, p: ChiSquared.sf(statistic, df: df),
            observed: t.counts, expected: expected, smallestExpected: smallest,
            cellsWithExpectedBelow5: below5, yatesApplied: yates,
            droppedRows: t.droppedRows, droppedColumns: t.droppedColumns, n: t.total)
    }
}

// MARK: - Fisher / Freeman–Halton exact test

/// The result of Fisher's exact test (2 × 2) or its Freeman–Halton extension (r × c).
public struct FisherExactResult: Sendable, Codable, Equatable {
    /// Two-sided p: the total probability of the tables, with the observed margins, that are no more
    /// probable than the observed one.
    public var p: Double
    /// "Fisher 2×2" or "Freeman–Halton r×c".
    public var method: String
    /// Number of tables with the observed margins that were enumerated (all of them: the test is exact).
    public var tablesEnumerated: Int
    /// For a 2 × 2 table, the conditional maximum-likelihood odds ratio (what R `fisher.test` reports);
    /// 0 or +∞ when the observed cell is at an end of its range; nil for larger tables and for a 2 × 2
    /// table with a zero margin (nothing to estimate).
    public var conditionalMLEOddsRatio: Double?
    /// 0-based indices of input rows dropped because their total was zero (this does not change p).
    public var droppedRows: [Int]
    /// 0-based indices of input columns dropped because their total was zero (this does not change p).
    public var droppedColumns: [Int]
    /// Grand total N.
    public var n: Int
}

/// Fisher's exact test of independence, with the Freeman–Halton extension to r × c tables.
public enum FisherExactTest {
    /// Default enumeration budget of `twoSided(table:maxTables:)`: ten million tables (about five seconds
    /// in a debug build on one core). Every 3 × 2 table with N ≤ 200 has at most a few thousand tables with
    /// its margins; a 4 × 3 table with N ≈ 185 already has more than ten million.
    public static let defaultMaxTables = 10_000_000

    /// The enumeration budget was exceeded: the table is too large for full enumeration.
    public struct BudgetExceeded: Error, Equatable, Sendable, CustomStringConvertible {
        public var maxTables: Int
        public var description: String {
            "table: more than \(maxTables) tables share its margins; expected a table small enough for "
                + "full enumeration (use the χ² test, or a Monte Carlo p-value)"
        }
    }

    /// Two-sided exact p-value, by full enumeration of every table with the observed margins.
    ///
    /// ```
    /// P(table) = Π R_i! · Π C_j! / (N! · Π n_ij!)          (multivariate hypergeometric, margins fixed)
    /// p = Σ P(table) over tables with P(table) ≤ P_obs · (1 + 1e−7)
    /// ```
    ///
    /// For 2 × 2 this is Fisher's test, P(a) = C(R1, a)·C(R2, C1 − a)/C(N, C1); for larger tables it is the
    /// Freeman–Halton test. Probabilities are handled in log space through a table of ln k!. The relative
    /// tolerance 1e−7 is R `fisher.test`'s, so that tables tied with the observed one in exact arithmetic
    /// are counted despite rounding. Tables are generated column by column; the bounds on each cell
    /// (at most its row's and column's remaining totals, at least what the rows below cannot absorb)
    /// prune every branch that cannot complete, so each leaf visited is a valid table. Rows and columns
    /// with a zero total are dropped first; they do not change any P(table).
    ///
    /// For 2 × 2 tables the conditional maximum-likelihood odds ratio is also returned: the ψ at which
    /// the mean of the noncentral hypergeometric distribution equals the observed a.
    ///
    /// References: Fisher (1922) J R Stat Soc 85:87–94, doi:10.2307/2340521; Freeman & Halton (1951)
    /// Biometrika 38:141–149, doi:10.1093/biomet/38.1-2.141; Mehta & Patel (1983) JASA 78:427–434,
    /// doi:10.1080/01621459.1983.10477989.
    ///
    /// - Throws: `ContingencyTableError` for a ragged or too small table or a negative count;
    ///   `FisherExactTest.BudgetExceeded` when more than `maxTables` tables would have to be enumerated.
    public static func twoSided(table: [[Int]], maxTables: Int = defaultMaxTables) throws -> FisherExactResult {
        let t = try ReducedTable.make(table, keepAtLeastTwo: false)
        let r = t.counts.count, c = t.counts.first?.count ?? 0
        let is2x2 = table.count == 2 && table[0].count == 2
        let method = is2x2 ? "Fisher 2×2" : "Freeman–Halton r×c"
        if r < 2 || c < 2 {
            // One row or column left: the observed table is the only one with these margins.
            return FisherExactResult(
                p: 1, method: method, tablesEnumerated: 1, conditionalMLEOddsRatio: nil,
                droppedRows: t.droppedRows, droppedColumns: t.droppedColumns, n: t.total)
        }
        var logFactorial = [Double](repeating: 0, count: t.total + 1)
        for k in stride(from: 2, through: t.total, by: 1) {
            logFactorial[k] = logFactorial[k - 1] + log(Double(k))
        }
        var enumerator = TableEnumerator(
            rowTotals: t.rowTotals, columnTotals: t.columnTotals, logFactorial: logFactorial,
            maxTables: maxTables)
        let logObserved = enumerator.logConstant - t.counts.joined().reduce(0.0) { $0 + logFactorial[$1] }
        enumerator.threshold = logObserved + log1p(1e-7)
        try enumerator.run()
        let oddsRatio: Double? = is2x2 ? conditionalOddsRatio(t.counts, logFactorial: logFactorial) : nil
        return FisherExactResult(
            p: min(1, enumerator.total), method: method, tablesEnumerated: enumerator.count,
            conditionalMLEOddsRatio: oddsRatio,
            droppedRows: t.droppedRows, droppedColumns: t.droppedColumns, n: t.total)
    }

    /// Conditional MLE of the odds ratio of a 2 × 2 table with non-zero margins: solve
    /// E[a | ψ] = a_obs, where P(a | ψ) ∝ C(R1, a)·C(R2, C1 − a)·ψ^a (Fisher's noncentral hypergeometric),
    /// by bisection on ln ψ to full double precision.
    static func conditionalOddsRatio(_ x: [[Int]], logFactorial lf: [Double]) -> Double {
        let r1 = x[0][0] + x[0][1], r2 = x[1][0] + x[1][1], c1 = x[0][0] + x[1][0]
        let lo = max(0, c1 - r2), hi = min(r1, c1)
        let a = x[0][0]
        if a == lo { return 0 }
        if a == hi { return .infinity }
        let support = Array(lo...hi)
        let logWeight = support.map { k in
            -lf[k] - lf[r1 - k] - lf[c1 - k] - lf[r2 - c1 + k]
        }
        func meanMinusObserved(_ logPsi: Double) -> Double {
            var top = -Double.infinity
            for (i, k) in support.enumerated() { top = max(top, logWeight[i] + Double(k) * logPsi) }
            var s = 0.0, sk = 0.0
            for (i, k) in support.enumerated() {
                let w = exp(logWeight[i] + Double(k) * logPsi - top)
                s += w
                sk += w * Double(k)
            }
            return sk / s - Double(a)
        }
        var left = -1.0, right = 1.0
        while meanMinusObserved(left) > 0 { left *= 2 }
        while meanMinusObserved(right) < 0 { right *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (left + right)
            if mid <= left || mid >= right { break }
            if meanMinusObserved(mid) < 0 { left = mid } else { right = mid }
        }
        return exp(0.5 * (left + right))
    }
}

/// Enumerates every r × c table with given margins, column by column, summing the probabilities of the
/// tables at most as probable as the observed one.
private struct TableEnumerator {
    let rowTotals: [Int]
    let columnTotals: [Int]
    let logFactorial: [Double]
    let maxTables: Int
    /// ln(Π R_i! Π C_j! / N!).
    let logConstant: Double
    var threshold = 0.0
    var rowRemaining: [Int]
    var count = 0
    var sum = 0.0
    var compensation = 0.0

    init(rowTotals: [Int], columnTotals: [Int], logFactorial: [Double], maxTables: Int) {
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
        self.logFactorial = logFactorial
        self.maxTables = maxTables
        let n = rowTotals.reduce(0, +)
        logConstant = rowTotals.reduce(0.0) { $0 + logFactorial[$1] }
            + columnTotals.reduce(0.0) { $0 + logFactorial[$1] } - logFactorial[n]
        rowRemaining = rowTotals
    }

    mutating func run() throws(FisherExactTest.BudgetExceeded) {
        try fill(column: 0, row: 0, columnRemaining: columnTotals[0], logTerm: logConstant)
    }

    private mutating func fill(column j: Int, row i: Int, columnRemaining: Int, logTerm: Double)
        throws(FisherExactTest.BudgetExceeded)
    {
        let r = rowRemaining.count
        if j == columnTotals.count - 1 {
            // The last column is whatever each row still needs.
            count += 1
            if count > maxTables { throw FisherExactTest.BudgetExceeded(maxTables: maxTables) }
            var lp = logTerm
            for k in 0..<r { lp -= logFactorial[rowRemaining[k]] }
            if lp <= threshold {
                // Neumaier-compensated sum.
                let term = exp(lp)
                let s = sum + term
                compensation += abs(sum) >= term ? (sum - s) + term : (term - s) + sum
                sum = s
            }
            return
        }
        if i == r - 1 {
            // The last row's cell is what the column still needs (the bounds above guarantee it fits).
            let v = columnRemaining
            rowRemaining[i] -= v
            try fill(column: j + 1, row: 0, columnRemaining: columnTotals[j + 1],
                     logTerm: logTerm - logFactorial[v])
            rowRemaining[i] += v
            return
        }
        var below = 0
        for k in (i + 1)..<r { below += rowRemaining[k] }
        let lo = max(0, columnRemaining - below)
        let hi = min(rowRemaining[i], columnRemaining)
        if lo > hi { return }
        for v in lo...hi {
            rowRemaining[i] -= v
            try fill(column: j, row: i + 1, columnRemaining: columnRemaining - v,
                     logTerm: logTerm - logFactorial[v])
            rowRemaining[i] += v
        }
    }
}

extension TableEnumerator {
    /// The compensated total.
    var total: Double { sum + compensation }
}
