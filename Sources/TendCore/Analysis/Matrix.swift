import Foundation

/// A small dense real matrix in row-major order, for the few linear-algebra steps the analyses need
/// (Mauchly's test works on (b − 1) × (b − 1) matrices). Plain loops: these matrices have a handful of
/// rows, so there is nothing to gain from BLAS, and TendCore takes no external packages.
struct Matrix: Sendable, Equatable {
    let rows: Int
    let columns: Int
    /// Entries in row-major order: element (i, j) is `storage[i * columns + j]`.
    var storage: [Double]

    init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    /// Wraps row-major entries; `storage.count` must be rows × columns.
    init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns, "storage must hold rows × columns entries")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Builds a matrix from its rows; every row must have the same length.
    init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "matrix rows must have equal length")
        self.rows = r
        self.columns = c
        self.storage = rowArrays.flatMap { $0 }
    }

    subscript(i: Int, j: Int) -> Double {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    var isSquare: Bool { rows == columns }

    var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t[j, i] = self[i, j] } }
        return t
    }

    static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows, "matrix product needs lhs.columns == rhs.rows")
        var out = Matrix(rows: lhs.rows, columns: rhs.columns)
        for i in 0..<lhs.rows {
            for k in 0..<lhs.columns {
                let l = lhs[i, k]
                if l == 0 { continue }
                for j in 0..<rhs.columns { out[i, j] += l * rhs[k, j] }
            }
        }
        return out
    }

    static func * (lhs: Matrix, rhs: Double) -> Matrix {
        var out = lhs
        for k in out.storage.indices { out.storage[k] *= rhs }
        return out
    }

    /// tr(A) = Σ A_ii.
    var trace: Double {
        precondition(isSquare, "trace needs a square matrix")
        var s = 0.0
        for i in 0..<rows { s += self[i, i] }
        return s
    }

    /// tr(A²). For a symmetric A this is the sum of squares of all entries (the squared Frobenius norm),
    /// which is how it is computed here when `symmetric` is true; otherwise Σ_ij A_ij A_ji.
    func traceOfSquare(symmetric: Bool = false) -> Double {
        precondition(isSquare, "tr(A²) needs a square matrix")
        var s = 0.0
        if symmetric {
            for v in storage { s += v * v }
        } else {
            for i in 0..<rows { for j in 0..<columns { s += self[i, j] * self[j, i] } }
        }
        return s
    }

    /// det(A) by LU decomposition with partial pivoting (Golub & Van Loan, *Matrix Computations*,
    /// 4th ed., §3.4). Exactly 0 when a pivot column is entirely zero.
    var determinant: Double {
        precondition(isSquare, "determinant needs a square matrix")
        let n = rows
        if n == 0 { return 1 }
        var m = storage
        var det = 1.0
        for k in 0..<n {
            var pivot = k
            var best = abs(m[k * n + k])
            for i in (k + 1)..<n where abs(m[i * n + k]) > best {
                best = abs(m[i * n + k]); pivot = i
            }
            if best == 0 { return 0 }
            if pivot != k {
                for j in 0..<n { m.swapAt(k * n + j, pivot * n + j) }
                det = -det
            }
            let d = m[k * n + k]
            det *= d
            for i in (k + 1)..<n {
                let factor = m[i * n + k] / d
                if factor == 0 { continue }
                for j in (k + 1)..<n { m[i * n + j] -= factor * m[k * n + j] }
            }
        }
        return det
    }

    /// The (b − 1) × b orthonormal Helmert contrast matrix: row k (0-based) has 1/√((k+1)(k+2)) in
    /// columns 0…k, −(k+1)/√((k+1)(k+2)) in column k + 1 and 0 after it. Rows are orthogonal, of unit
    /// length and orthogonal to the vector of ones, so PᵀP = I − J/b.
    static func orthonormalHelmertContrasts(levels b: Int) -> Matrix {
        precondition(b >= 2, "contrasts need at least two levels")
        var p = Matrix(rows: b - 1, columns: b)
        for k in 0..<(b - 1) {
            let norm = (Double(k + 1) * Double(k + 2)).squareRoot()
            for j in 0...k { p[k, j] = 1 / norm }
            p[k, k + 1] = -Double(k + 1) / norm
        }
        return p
    }
}
