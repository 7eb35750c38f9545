import Foundation
import Dispatch

/// Tidy outcome scores held column-wise: one slot per participant × timepoint × measure.
///
/// This is what `tend analyse` reads (`participant,arm,timepoint,measure,score`, plus optional
/// participant-level columns such as age or medication). Parsing works on the raw bytes of the file,
/// without creating a string per cell, and on two threads for large files, so that ten million rows
/// (400 MB) are read in well under a second; the bytes are handed in by the caller (TendCore does no file
/// I/O).
public struct ScoreTable: Sendable {
    /// Participant identifiers in order of first appearance.
    public internal(set) var participants: ParticipantIDs
    /// Arm labels in order of first appearance (empty when the file has no arm column).
    public internal(set) var arms: [String]
    /// Arm index per participant, −1 where the participant's arm is blank.
    public internal(set) var armOfParticipant: [Int32]
    /// Timepoint labels in order of first appearance.
    public internal(set) var timepoints: [String]
    /// Measure identifiers in order of first appearance.
    public internal(set) var measures: [String]
    /// scores[measure][timepoint][participant]; NaN where no score was given.
    public internal(set) var scores: [[ScoreColumn]]
    /// Names of participant-level columns beyond the five standard ones (covariates).
    public internal(set) var covariateNames: [String]
    /// covariates[column][participant]; nil where blank.
    public internal(set) var covariates: [[String?]]
    /// Problems with single rows; those rows were skipped, everything else was read.
    public internal(set) var issues: [ScoreTableIssue]
    /// Number of data rows read (excluding the header and blank lines).
    public internal(set) var rowCount: Int
    /// Whether the file had an arm column.
    public internal(set) var hasArmColumn: Bool

    public var participantCount: Int { participants.count }

    /// The score of one participant, or nil when missing.
    public func score(measure: Int, timepoint: Int, participant: Int) -> Double? {
        let v = scores[measure][timepoint][participant]
        return v.isNaN ? nil : v
    }

    public func measureIndex(_ id: String) -> Int? { measures.firstIndex(of: id) }
    public func timepointIndex(_ label: String) -> Int? { timepoints.firstIndex(of: label) }
}

/// A row-level problem in a scores file.
public struct ScoreTableIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    public var row: Int
    public var column: String?
    public var value: String?
    public var message: String

    public var description: String {
        var s = "row \(row)"
        if let column { s += ", column \(column)" }
        if let value { s += ": \"\(value)\"" }
        return s + ": " + message
    }
}

/// A scores file that cannot be read at all.
public enum ScoreTableError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingColumns([String], found: [String])
    case duplicateColumn(String)
    case unterminatedQuote(row: Int)

    public var description: String {
        switch self {
        case .empty:
            return "the file is empty; expected a header row with participant, timepoint, measure and score columns"
        case .missingColumns(let missing, let found):
            return "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")); the header has \(found.isEmpty ? "no columns" : found.joined(separator: ", ")). Expected participant, [arm,] timepoint, measure, score"
        case .duplicateColumn(let name):
            return "the header names the column \(name) twice"
        case .unterminatedQuote(let row):
            return "row \(row): a quoted field is never closed"
        }
    }
}

extension ScoreTable {
    /// Reads a tidy scores CSV from its bytes.
    ///
    /// Rules: the header must name `participant`, `timepoint`, `measure` and `score` (any order, any
    /// case); `arm` is optional; any other column is a participant-level covariate. A file without a
    /// `participant` column but with `study_code` (Tend's tidy study export) uses the study code as the
    /// participant, and its row-level `completed_at` and `late` columns are not read as covariates. A blank score, `NA`
    /// or `.` is a missing score. A score that is not a number, a row with a blank participant,
    /// timepoint or measure, and a second row for the same participant × timepoint × measure are
    /// reported as issues with the row number and skipped. A participant given two different arms is
    /// reported and keeps the first.
    /// `progress`, when given, is called with the number of bytes read so far, every few megabytes (from
    /// either reading thread, one call at a time).
    ///
    /// Inputs with more than 8 MB of rows are read by two threads, one per half (split at a line break),
    /// and the halves are merged; the result (orders of first appearance, row numbers, which value is kept,
    /// the issues and their order) is exactly what one pass gives. When it could not be (a quoted field
    /// across the split point, doubled quotes in the second half, or a participant whose arm, covariates
    /// or scores meet in both halves), the second half is read again after the first.
    public static func parse(_ bytes: UnsafeRawBufferPointer, progress: (@Sendable (Int) -> Void)? = nil) throws(ScoreTableError) -> ScoreTable {
        try parse(bytes, progress: progress, split: .automatic).table
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ text: String) throws(ScoreTableError) -> ScoreTable {
        try parse(text, split: .never).table
    }

    /// Inputs with more bytes of rows than this are split between two threads.
    static let minimumSplitBytes = 8 << 20

    /// `parse` with the split chosen by the caller (tests force split points with `.near`).
    /// `repeatedRows: false` reads every row by splitting it into fields (tests compare the two ways).
    static func parse(_ text: String, split: ScoreTableSplit, repeatedRows: Bool = true) throws(ScoreTableError) -> ScoreTableParseRun {
        var copy = text
        let result: Result<ScoreTableParseRun, ScoreTableError> = copy.withUTF8 { buffer in
            do throws(ScoreTableError) {
                return .success(try ScoreTable.parse(UnsafeRawBufferPointer(buffer), progress: nil, split: split,
                                                     repeatedRows: repeatedRows))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, progress: (@Sendable (Int) -> Void)?,
                      split: ScoreTableSplit, repeatedRows: Bool = true) throws(ScoreTableError) -> ScoreTableParseRun {
        let base: UnsafePointer<UInt8>
        if let b = bytes.baseAddress, bytes.count > 0 {
            base = b.assumingMemoryBound(to: UInt8.self)
        } else {
            base = UnsafePointer(bitPattern: 1)!
        }
        let count = bytes.count
        var position = 0, row = 0
        // Skip a UTF-8 byte-order mark.
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
        guard let header = try ScoreTableLayout.readHeader(base: base, count: count, position: &position, row: &row) else {
            throw .empty
        }
        var layout = try ScoreTableLayout(header: header)
        layout.readsRepeatedRows = repeatedRows
        let counter = progress.map { ScoreTableProgress(report: $0) }

        // Where to split: just after a line break near the middle of the rows.
        var splitPoint: Int? = nil
        switch split {
        case .never: break
        case .automatic:
            if count - position > ScoreTable.minimumSplitBytes {
                splitPoint = ScoreTable.lineStart(after: position + (count - position) / 2, base: base, count: count)
            }
        case .near(let offset):
            splitPoint = ScoreTable.lineStart(after: max(offset, position), base: base, count: count)
        }
        // An empty first half is still a valid split (tests use it); an empty second half is not.
        if let s = splitPoint, s >= count { splitPoint = nil }

        guard let splitPoint else {
            var chunk = ScoreChunkParser(base: base, count: count, layout: layout, position: position, row: row,
                                         progress: counter, progressFrom: 0)
            defer { chunk.deallocate() }
            try chunk.run(until: count)
            try chunk.resolveFirstRows()
            var none: ScoreChunkParser? = nil
            return ScoreTableParseRun(table: ScoreTable.assemble(&chunk, &none)!, strategy: .singleThread)
        }

        // The second half counts rows from 0; its row numbers are offset by the first half's at assembly.
        let first = ScoreChunkBox(ScoreChunkParser(base: base, count: count, layout: layout, position: position, row: row,
                                                   progress: counter, progressFrom: 0), limit: splitPoint)
        let second = ScoreChunkBox(ScoreChunkParser(base: base, count: count, layout: layout, position: splitPoint, row: 0,
                                                    progress: counter, progressFrom: splitPoint), limit: count)
        let boxes = [first, second]
        DispatchQueue.concurrentPerform(iterations: 2) { k in boxes[k].run() }
        var a = first.parser!, b = second.parser
        first.parser = nil
        second.parser = nil
        defer { a.deallocate(); b?.deallocate() }
        if let error = first.error { throw error }
        if a.position == splitPoint, second.error == nil, b?.sawDoubledQuotes == false {
            try a.resolveFirstRows()
            try b!.resolveFirstRows()
            if let table = ScoreTable.assemble(&a, &b) {
                return ScoreTableParseRun(table: table, strategy: .split)
            }
        }
        // The halves cannot be merged exactly (a quoted field across the split point, a doubled quote in
        // the second half, or a participant whose arm, covariates or scores meet in both halves): read on
        // from where the first half stopped, as a single pass would.
        b?.deallocate()
        b = nil
        try a.run(until: count)
        try a.resolveFirstRows()
        return ScoreTableParseRun(table: ScoreTable.assemble(&a, &b)!, strategy: .splitThenSequential)
    }

    /// A second half's arm index as the table's, through `map` (second half's arm → table's); −1: none.
    @inline(__always) static func tableArm(_ armB: Int32, map: [Int]) -> Int32 { armB < 0 ? -1 : Int32(map[Int(armB)]) }

    /// Runs `body(0..<n)` on both cores when the work is worth a thread, else on this one.
    static func inParallel(_ n: Int, worthIt: Bool, _ body: @Sendable (Int) -> Void) {
        if worthIt && n > 1 {
            DispatchQueue.concurrentPerform(iterations: n, execute: body)
        } else {
            for k in 0..<n { body(k) }
        }
    }

    /// The offset just after the first line break at or after `offset`; nil when there is none.
    static func lineStart(after offset: Int, base: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard offset < count else { return nil }
        guard let found = memchr(base + offset, 0x0A, count - offset) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
    }

    /// Builds the table from one chunk parsed to the end, or from two consecutive chunks. Nil when the
    /// second chunk touches state of the first in a way only a sequential pass can reproduce (and then
    /// both are left as they were, `a` to be read on). Otherwise the participant lists are moved out of
    /// `a`, and the chunks' tables and score columns are freed as soon as they have been used, so that
    /// they and the table's own columns are not all held at once.
    static func assemble(_ a: inout ScoreChunkParser, _ b: inout ScoreChunkParser?) -> ScoreTable? {
        let layout = a.layout
        let nA = a.participants.count
        let covariateCount = layout.covariateColumns.count

        // Map the second chunk's participants and labels onto the first's.
        var participantMap: [Int] = []
        var shared: [(local: Int, global: Int)] = []
        var total = nA
        var timepoints = a.timepoints, measures = a.measures, arms = a.arms
        var timepointMap: [Int] = [], measureMap: [Int] = [], armMap: [Int] = []
        // When both halves list their participants in ascending order, none is in both but perhaps the second
        // half's first (the first half's last, when the split fell inside their rows); otherwise the second
        // half's participants are looked up.
        let overlap = b.flatMap { a.participants.overlap(with: $0.participants, base: a.base) }
        if b != nil && overlap == nil {
            a.participants.prepareForLookups(base: a.base)
            b!.participants.prepareForLookups(base: a.base)
        }
        // In order, the second half's participant j is the table's nA − skip + j (no map is built).
        let inOrder = overlap != nil
        var skip = 0
        if let b, let overlap {
            let nB = b.participants.count
            if overlap == .firstIsLast {
                shared = [(0, nA - 1)]
                skip = 1
            }
            total = nA + nB - skip
        } else if let b {
            // Look the second half's participants up in the first's table (both threads, each half of them);
            // a filter of the first half's hashes rules most of them out without touching the table.
            let nB = b.participants.count
            participantMap = [Int](repeating: -1, count: nB)
            let known = a.participants
            nonisolated(unsafe) let base = a.base
            participantMap.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let found = out
                ScoreTable.inParallel(2, worthIt: nB > 50_000) { k in
                    for j in (k * nB / 2)..<((k + 1) * nB / 2) {
                        let h = b.participants.storedHash(j)
                        guard known.mayContain(hash: h) else { continue }
                        let (start, length) = b.participants.range(j)
                        if let g = known.find(hash: h, start: start, length: length, base: base) { found[j] = g }
                    }
                }
            }
            for j in 0..<nB {
                if participantMap[j] >= 0 {
                    shared.append((j, participantMap[j]))
                } else {
                    participantMap[j] = total
                    total += 1
                }
            }
        }
        if let b {
            timepointMap = timepoints.adding(b.timepoints, base: a.base)
            measureMap = measures.adding(b.measures, base: a.base)
            armMap = arms.adding(b.arms, base: a.base)

            // A participant in both halves merges exactly only when the halves agree on what a single
            // pass would have kept first and reported.
            for (j, g) in shared {
                let armA = a.armOf[g], armB = b.armOf[j]
                if armA >= 0, armB >= 0, Int(armA) != armMap[Int(armB)] { return nil }
                for c in 0..<covariateCount {
                    if let x = a.covariates[c][g], let y = b.covariates[c][j], !x.utf8.elementsEqual(y.utf8) { return nil }
                }
            }
            if !shared.isEmpty {
                for cellB in 0..<b.grid.cellCount {
                    let m = measureMap[b.grid.cellMeasure[cellB]], t = timepointMap[b.grid.cellTimepoint[cellB]]
                    guard let cellA = a.grid.existingCell(measure: m, timepoint: t) else { continue }
                    let valuesA = a.grid.column(cellA), valuesB = b.grid.column(cellB)
                    for (j, g) in shared where valuesB.has(j) && valuesA.has(g) { return nil }
                }
            }
        }

        // From here on the chunks are only taken apart. The score columns are freed by the jobs that copy them.
        var gridA = a.grid.take()
        var gridB = b?.grid.take()
        gridA.freeFirstRows()
        gridB?.freeFirstRows()
        a.participants = ByteInterner()
        b?.participants = ByteInterner()

        // Moved out of `a` (not copied), so that appending the second half's does not copy them again.
        var table = ScoreTable(
            participants: [], arms: arms.labels, armOfParticipant: [], timepoints: timepoints.labels,
            measures: measures.labels, scores: [],
            covariateNames: layout.covariateColumns.map { layout.header[$0] }, covariates: [],
            issues: [], rowCount: a.rowCount, hasArmColumn: layout.arm != nil)
        swap(&table.participants, &a.names)
        swap(&table.armOfParticipant, &a.armOf)
        swap(&table.covariates, &a.covariates)

        /// Participant g of the table is the second half's participant j too: what the first half lacked
        /// (the arm, covariates) comes from the second.
        func complete(_ g: Int, with j: Int, of b: ScoreChunkParser) {
            if table.armOfParticipant[g] < 0 { table.armOfParticipant[g] = ScoreTable.tableArm(b.armOf[j], map: armMap) }
            for c in 0..<covariateCount where table.covariates[c][g] == nil {
                table.covariates[c][g] = b.covariates[c][j]
            }
        }

        if let b, inOrder {
            // The second half's participants follow the first's in order; its first may be the first half's last.
            // Its other participants are appended while the columns are built (below).
            if skip == 1 { complete(nA - 1, with: 0, of: b) }
            table.rowCount += b.rowCount
        } else if let b {
            table.participants.reserveCapacity(total, bytesEach: table.participants.byteCount / max(1, nA) + 1)
            table.armOfParticipant.reserveCapacity(total)
            for c in 0..<covariateCount { table.covariates[c].reserveCapacity(total) }
            for j in 0..<participantMap.count {
                let g = participantMap[j]
                if g >= nA {
                    table.participants.append(b.names, at: j)
                    table.armOfParticipant.append(ScoreTable.tableArm(b.armOf[j], map: armMap))
                    for c in 0..<covariateCount { table.covariates[c].append(b.covariates[c][j]) }
                } else {
                    complete(g, with: j, of: b)
                }
            }
            table.rowCount += b.rowCount
        }

        // scores[measure][timepoint][participant]: one column per measure × timepoint, built on both threads.
        // The first half's columns have room for every participant of the input, so they become the table's
        // where it has the cell (a cell only the second half has gets a column of its own). The second half's
        // scores follow: copied whole when its participants follow the first's in order (but for a first
        // participant who is the first half's last: the halves' scores for them are in different cells,
        // checked above), else each into its participant's slot.
        let T = timepoints.count, cellTotal = measures.count * T
        var cellsB: [[Int]] = Array(repeating: Array(repeating: -1, count: T), count: measures.count)
        if let gridB {
            for cell in 0..<gridB.cellCount {
                cellsB[measureMap[gridB.cellMeasure[cell]]][timepointMap[gridB.cellTimepoint[cell]]] = cell
            }
        }
        nonisolated(unsafe) let columns = UnsafeMutableBufferPointer<ScoreColumn?>.allocate(capacity: cellTotal)
        columns.initialize(repeating: nil)
        defer { columns.deinitialize().deallocate() }
        let appendInOrder = inOrder, skipped = skip
        let finalCount = total, cellOfB = cellsB
        nonisolated(unsafe) let columnsA = gridA, columnsB = gridB
        // When the second half's participants follow the first's, appending their identifiers is one more
        // job, and their arms and covariates another, the first two.
        let appendJobs = b != nil && inOrder ? 2 : 0
        let namesB = b?.names ?? ParticipantIDs(), armsB = b?.armOf ?? [], covariatesB = b?.covariates ?? [], armsMap = armMap
        withUnsafeMutablePointer(to: &table) { tablePointer in
            nonisolated(unsafe) let appended = tablePointer
            participantMap.withUnsafeBufferPointer { map in
                nonisolated(unsafe) let map = map
                ScoreTable.inParallel(cellTotal + appendJobs, worthIt: finalCount > 50_000) { job in
                    if job == 0 && appendJobs > 0 {
                        appended.pointee.participants.append(contentsOf: namesB, from: skipped)
                        return
                    }
                    if job < appendJobs {
                        appended.pointee.armOfParticipant.reserveCapacity(finalCount)
                        for arm in armsB[skipped...] { appended.pointee.armOfParticipant.append(ScoreTable.tableArm(arm, map: armsMap)) }
                        for c in 0..<covariateCount { appended.pointee.covariates[c].append(contentsOf: covariatesB[c][skipped...]) }
                        return
                    }
                    let k = job - appendJobs, m = k / T, t = k % T
                    let cellB = cellOfB[m][t]
                    var other = cellB >= 0 ? columnsB?.columns[cellB] : nil
                    var column: ColumnReservation
                    if let cellA = columnsA.existingCell(measure: m, timepoint: t) {
                        column = columnsA.columns[cellA]
                    } else {
                        column = ColumnReservation(capacity: finalCount, compact: other?.isCompact ?? true, mapped: k < ScoreGrid.mappedColumns)
                        column.commit(nA)
                        column.clear(from: 0, count: nA)
                    }
                    // A cell's two halves take one width: doubles when either half holds them.
                    if let o = other, o.isCompact != column.isCompact {
                        if column.isCompact { column = column.widened(keeping: nA) } else { other = o.widened(keeping: namesB.count) }
                    }
                    if let other, appendInOrder {
                        if skipped == 1, other.has(0) { _ = column.fill(nA - 1, other.value(0)) }  // an empty slot: checked above
                        column.append(other, from: skipped, count: finalCount - nA, at: nA)
                    } else {
                        column.commit(finalCount)
                        column.clear(from: nA, count: finalCount - nA)
                        if let other {
                            for j in 0..<map.count where other.has(j) { _ = column.fill(map[j], other.value(j)) }  // empty slots
                            other.release()
                        }
                    }
                    columns[k] = ScoreColumn(adopting: column, count: finalCount)
                }
            }
        }
        table.scores = (0..<measures.count).map { m in (0..<T).map { t in columns[m * T + t]! } }

        // Issues in row order, the first thousand in full.
        var issueCount = a.issueCount
        table.issues = a.issues.map { $0.issue(rowOffset: 0) }
        var lastRow = a.row
        if let b {
            let offset = a.row
            for pending in b.issues where table.issues.count < ScoreChunkParser.issueLimit {
                table.issues.append(pending.issue(rowOffset: offset))
            }
            issueCount += b.issueCount
            lastRow = offset + b.row
        }
        if issueCount > table.issues.count {
            table.issues.append(ScoreTableIssue(row: lastRow, column: nil, value: nil,
                message: "\(issueCount - table.issues.count) further row problems not listed"))
        }
        return table
    }
}

/// How `ScoreTable.parse` divides its input between two threads.
enum ScoreTableSplit: Sendable, Equatable {
    /// Split inputs with more than `ScoreTable.minimumSplitBytes` of rows near the middle.
    case automatic
    /// One pass on the calling thread.
    case never
    /// Split just after the first line break at or after this byte offset (tests).
    case near(Int)
}

/// How a parse was actually done.
enum ScoreTableParseStrategy: Sendable, Equatable {
    case singleThread
    /// Two halves read concurrently and merged.
    case split
    /// Two halves read concurrently, then the second read again after the first because they could not be
    /// merged exactly.
    case splitThenSequential
}

struct ScoreTableParseRun {
    var table: ScoreTable
    var strategy: ScoreTableParseStrategy
}

/// The columns named by the header.
struct ScoreTableLayout: Sendable {
    let header: [String]
    let participant: Int, timepoint: Int, measure: Int, score: Int
    let arm: Int?
    let covariateColumns: [Int]
    let maxColumn: Int
    /// Whether rows that repeat the last row's participant, arm and timepoint may be read without splitting
    /// them into fields (`ScoreChunkParser.readRepeatedRow`), where the columns allow it.
    var readsRepeatedRows = true

    init(header: [String]) throws(ScoreTableError) {
        var columnOf: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let key = name.lowercased()
            if key.isEmpty { continue }
            if columnOf[key] != nil { throw .duplicateColumn(name) }
            columnOf[key] = i
        }
        // Tend's study export (TidyScoreExport) names the participant by `study_code` and adds two
        // row-level columns, `completed_at` and `late`, which are not participant-level covariates.
        var ignored: [Int] = []
        if columnOf["participant"] == nil, let code = columnOf["study_code"] {
            columnOf["participant"] = code
            columnOf["study_code"] = nil
            ignored = ["completed_at", "late"].compactMap { columnOf[$0] }
        }
        let required = ["participant", "timepoint", "measure", "score"]
        let missing = required.filter { columnOf[$0] == nil }
        if !missing.isEmpty { throw .missingColumns(missing, found: header.filter { !$0.isEmpty }) }
        self.header = header
        participant = columnOf["participant"]!
        timepoint = columnOf["timepoint"]!
        measure = columnOf["measure"]!
        score = columnOf["score"]!
        arm = columnOf["arm"]
        let standard = Set([participant, timepoint, measure, score] + (arm.map { [$0] } ?? []) + ignored)
        covariateColumns = header.indices.filter { !standard.contains($0) && !header[$0].isEmpty }
        maxColumn = max(participant, timepoint, measure, score, arm ?? 0, covariateColumns.max() ?? 0)
    }

    /// Reads the header record (after any blank lines); nil at end of input.
    static func readHeader(base: UnsafePointer<UInt8>, count: Int, position: inout Int, row: inout Int) throws(ScoreTableError) -> [String]? {
        while position < count, base[position] == 0x0A || base[position] == 0x0D {
            if base[position] == 0x0A { row += 1 }
            position += 1
        }
        if position >= count { return nil }
        row += 1
        var names: [String] = []
        func text(_ start: Int, _ end: Int) -> String {
            String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        }
        func trimmedText(_ start: Int, _ end: Int) -> String {
            var s = start, e = end
            while s < e, base[s] == 0x20 || base[s] == 0x09 { s += 1 }
            while e > s, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
            return text(s, e)
        }
        while true {
            if position < count, base[position] == 0x22 {
                let startRow = row
                position += 1
                let start = position
                var hasDoubled = false
                while true {
                    guard position < count else { throw .unterminatedQuote(row: startRow) }
                    if base[position] == 0x22 {
                        if position + 1 < count, base[position + 1] == 0x22 { hasDoubled = true; position += 2; continue }
                        break
                    }
                    position += 1
                }
                let end = position
                position += 1
                let name = hasDoubled ? text(start, end).replacingOccurrences(of: "\"\"", with: "\"") : trimmedText(start, end)
                names.append(name.trimmingWhitespace())
                while position < count, base[position] != 0x2C, base[position] != 0x0A { position += 1 }
            } else {
                let start = position
                while position < count, base[position] != 0x2C, base[position] != 0x0A { position += 1 }
                var end = position
                if end > start, base[end - 1] == 0x0D { end -= 1 }
                names.append(trimmedText(start, end).trimmingWhitespace())
            }
            if position >= count { return names }
            if base[position] == 0x0A { position += 1; return names }
            position += 1  // comma
            if position >= count { names.append(""); return names }
        }
    }
}

/// One chunk parser and its outcome, for running on a worker thread.
final class ScoreChunkBox: @unchecked Sendable {
    var parser: ScoreChunkParser?
    let limit: Int
    var error: ScoreTableError? = nil

    init(_ parser: ScoreChunkParser, limit: Int) {
        self.parser = parser
        self.limit = limit
    }

    func run() {
        do throws(ScoreTableError) {
            try parser!.run(until: limit)
        } catch {
            self.error = error
        }
    }
}

/// Reports progress summed over the threads reading the input.
final class ScoreTableProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let report: @Sendable (Int) -> Void

    init(report: @escaping @Sendable (Int) -> Void) { self.report = report }

    /// Adds bytes read by one thread and reports the total (under the lock, so reports only go up).
    func add(_ bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        done += bytes
        report(done)
    }
}

/// A row problem found by one chunk; row numbers are relative to the chunk's start until assembly.
struct PendingIssue {
    var row: Int
    var column: String?
    var value: String?
    var message: String
    /// For a duplicate score: the chunk-relative row of the first score, printed after `message`.
    var firstRow: Int32?

    func issue(rowOffset: Int) -> ScoreTableIssue {
        var text = message
        if let firstRow {
            let first = Int32(truncatingIfNeeded: Int(firstRow) &+ rowOffset)
            text += "\(first)); the first is kept"
        }
        return ScoreTableIssue(row: row + rowOffset, column: column, value: value, message: text)
    }
}

/// Holds pointers into the caller's buffer, which outlives every parse; two chunks of one input are read
/// on two threads, each by its own parser, and read together only after both finish.
extension ScoreChunkParser: @unchecked Sendable {}

/// Reads the records of one stretch of a tidy scores file. Field boundaries are found eight bytes at a
/// time; labels are compared with the previous row's before any lookup; a row that repeats the last row's
/// participant, arm and timepoint and ends in a plain measure label and a number is read without splitting
/// it into fields, and so is a row of plain fields that starts a new participant or timepoint; scores go
/// straight into one column per measure × timepoint cell. Chunks of one input can be read on separate threads and merged.
struct ScoreChunkParser {
    static let issueLimit = 1000

    let base: UnsafePointer<UInt8>
    let count: Int
    let layout: ScoreTableLayout
    let fieldCapacity: Int
    // Column indices from the layout (−1: no arm column).
    let participantColumn: Int, timepointColumn: Int, measureColumn: Int, scoreColumn: Int, armColumn: Int
    let maxColumn: Int
    let hasCovariates: Bool
    var position: Int
    /// Rows so far: records plus blank lines (relative to the chunk start for a second chunk).
    var row: Int
    var rowCount = 0

    // The current record's fields (only the first `fieldCapacity` are kept).
    let fieldStarts: UnsafeMutablePointer<Int>
    let fieldEnds: UnsafeMutablePointer<Int>
    /// Text of fields quoted with doubled quotes inside, by field index, for the current record.
    var owned: [Int: String] = [:]
    var recordHasOwned = false
    var recordHasQuotes = false
    var recordStart = 0
    /// The fields up to `prefixField` (participant, timepoint, arm) of the row at `prefixStart` span
    /// `prefixLength` bytes (0: none yet) and gave these indices (arm −1 when blank).
    let prefixField: Int
    var prefixStart = 0, prefixLength = 0
    /// Where those fields start and end, relative to the row's start.
    let prefixFieldStarts: UnsafeMutablePointer<Int>
    let prefixFieldEnds: UnsafeMutablePointer<Int>
    var prefixParticipant = 0, prefixTimepoint = 0, prefixArm = -1
    /// The prefix's participant is known to be in the prefix's arm (or it has none), so rows repeating the
    /// prefix need not check it again.
    var prefixArmSettled = false
    var sawDoubledQuotes = false
    /// Whether `readRepeatedRow` may be tried (the layout allows it).
    let repeatedRows: Bool
    /// Whether `readNewTimepointRow` may be tried: repeated rows are, and the timepoint is the last of the
    /// participant, arm and timepoint columns.
    let timepointRows: Bool

    var participants = ByteInterner()
    var names = ParticipantIDs()
    var timepoints = LabelInterner(), measures = LabelInterner(), arms = LabelInterner()
    var armOf: [Int32] = []
    var covariates: [[String?]]
    var grid: ScoreGrid
    var issues: [PendingIssue] = []
    var issueCount = 0
    /// A second score was reported while the rows of first scores were not kept (`resolveFirstRows`).
    var needsFirstRows = false

    var lastParticipant = -1, lastParticipantStart = 0, lastParticipantLength = 0

    let progress: ScoreTableProgress?
    var reported: Int
    var nextProgress: Int
    /// Where this stretch starts and the rows before it; the next offset at which `checkpoint` runs;
    /// whether room was reserved.
    let start: Int
    let startRow: Int
    var nextCheckpoint: Int
    var reserved = false

    /// 10⁰ … 10²², each exact in a double. Written out, so that the table is in the binary as it is rather
    /// than made at first use (which would put a once-only check before every use).
    static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                        1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// A parser for the records from `position` on, `row` rows having come before; it reports the bytes
    /// it reads from `progressFrom` on to `progress`.
    init(base: UnsafePointer<UInt8>, count: Int, layout: ScoreTableLayout, position: Int, row: Int,
         progress: ScoreTableProgress?, progressFrom: Int, keepFirstRows: Bool = false) {
        self.base = base
        self.count = count
        self.layout = layout
        self.position = position
        self.row = row
        self.progress = progress
        fieldCapacity = layout.maxColumn + 1
        participantColumn = layout.participant
        timepointColumn = layout.timepoint
        measureColumn = layout.measure
        scoreColumn = layout.score
        armColumn = layout.arm ?? -1
        maxColumn = layout.maxColumn
        hasCovariates = !layout.covariateColumns.isEmpty
        prefixField = max(layout.participant, layout.timepoint, layout.arm ?? 0)
        // Measure and score must be the two last columns, right after the repeated ones.
        repeatedRows = layout.readsRepeatedRows && !hasCovariates && layout.measure == prefixField + 1
            && layout.score == prefixField + 2 && layout.maxColumn == layout.score
        timepointRows = repeatedRows && layout.timepoint == prefixField
        fieldStarts = .allocate(capacity: fieldCapacity)
        fieldEnds = .allocate(capacity: fieldCapacity)
        prefixFieldStarts = .allocate(capacity: fieldCapacity)
        prefixFieldEnds = .allocate(capacity: fieldCapacity)
        covariates = layout.covariateColumns.map { _ in [] }
        reported = progressFrom
        nextProgress = position + (1 << 23)
        start = position
        startRow = row
        // A participant takes a row of six bytes or more (three commas and a participant, timepoint and
        // measure that are not blank), so the columns have room for every participant from here to the end.
        grid = ScoreGrid(room: (count - position) / 6 + 2)
        grid.tracksFirstRows = keepFirstRows
        nextCheckpoint = position + (1 << 20)
    }

    mutating func deallocate() {
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        prefixFieldStarts.deallocate()
        prefixFieldEnds.deallocate()
        grid.deallocate()
    }

    /// Gives the duplicate-score issues the row of the first score. The rows of stored scores are not
    /// kept while reading (they are only needed when a score is given twice, which is rare), so the
    /// stretch read so far is read again, keeping them, to recover the issues exactly as a reading that
    /// kept them would have made them (the same rows give the same participants, cells and issues).
    mutating func resolveFirstRows() throws(ScoreTableError) {
        guard needsFirstRows else { return }
        var again = ScoreChunkParser(base: base, count: count, layout: layout, position: start, row: startRow,
                                     progress: nil, progressFrom: start, keepFirstRows: true)
        defer { again.deallocate() }
        try again.run(until: position)
        issues = again.issues
        needsFirstRows = false
    }

    /// Reads records that start before `limit` (a record that starts before it is read to its end).
    mutating func run(until limit: Int) throws(ScoreTableError) {
        let base = self.base
        // Positions, lengths and row counts stay within the input's size, so their arithmetic wraps unchecked.
        while true {
            readRepeatedRun(limit: limit)
            while position < limit {
                let c = base[position]
                if c == 0x0A { row &+= 1 } else if c != 0x0D { break }
                position &+= 1
            }
            if position >= limit { break }
            row &+= 1
            let fieldCount: Int
            let samePrefix: Bool
            recordStart = position
            // Rows of one participant and timepoint usually follow each other: when this row starts with the
            // same bytes as the last one that set the participant, timepoint and arm, reuse those.
            if prefixLength > 0, position &+ prefixLength < count, base[position &+ prefixLength] == 0x2C,
               bytesEqual(base + position, base + prefixStart, prefixLength) {
                if repeatedRows, readRepeatedRow(from: position &+ prefixLength &+ 1, limit: limit) { continue }
                for i in 0...prefixField {
                    fieldStarts[i] = position + prefixFieldStarts[i]
                    fieldEnds[i] = position + prefixFieldEnds[i]
                }
                prefixStart = position
                fieldCount = try readFields(from: position + prefixLength + 1, firstIndex: prefixField + 1)
                samePrefix = true
            } else {
                if timepointRows, prefixLength > 0, readNewTimepointRow(limit: limit) { continue }
                if repeatedRows, readPlainRow(limit: limit) { continue }
                fieldCount = try readFields(from: position, firstIndex: 0)
                samePrefix = false
            }
            if position >= nextCheckpoint { checkpoint(limit: limit) }
            record(fieldCount: fieldCount, samePrefix: samePrefix)
        }
        participants.flush()
    }

    /// Every megabyte: progress every eight, and after the first, room for as many participants as the
    /// rest of the stretch will likely bring, so that the tables grow once rather than by doubling.
    private mutating func checkpoint(limit: Int) {
        nextCheckpoint = position + (1 << 20)
        if !reserved {
            reserved = true
            let read = position - start
            func room(to end: Int) -> Int {
                let expected = participants.count + Int(Double(participants.count) * Double(max(0, end - position)) / Double(read) * 1.1)
                let most = participants.count + max(0, end - position) / 6  // a row of four fields takes 6 bytes or more
                return min(expected, most) + 1024
            }
            let stretch = room(to: limit), input = room(to: count)
            participants.reserve(stretch)
            grid.reserve(stretch)
            // The names and arms of a first half become the table's, the second half's appended to them.
            armOf.reserveCapacity(input)
            names.reserveCapacity(input, bytesEach: names.byteCount / max(1, names.count) + 1)
        }
        if position >= nextProgress, let progress {
            progress.add(position - reported)
            reported = position
            nextProgress = position + (1 << 23)
        }
    }

    // MARK: fields

    @inline(__always) private mutating func endField(_ index: Int, _ start: Int, _ end: Int) {
        guard index < fieldCapacity else { return }
        var end = end
        if end > start, base[end - 1] == 0x0D { end -= 1 }
        fieldStarts[index] = start
        fieldEnds[index] = end
    }

    /// Splits the record at `position` into fields and moves past it; returns the number of fields.
    @inline(__always) private mutating func readFields(from start: Int, firstIndex: Int) throws(ScoreTableError) -> Int {
        if recordHasOwned { owned.removeAll(keepingCapacity: true); recordHasOwned = false }
        recordHasQuotes = false
        let base = self.base, count = self.count
        var index = firstIndex
        var fieldStart = start
        var i = start
        scan: while true {
            if i &+ 8 <= count {
                var mask = ScoreChunkParser.delimiters(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                while mask != 0 {
                    let j = i &+ (mask.trailingZeroBitCount &>> 3)
                    let c = base[j]
                    if c == 0x2C {
                        endField(index, fieldStart, j)
                        index &+= 1
                        fieldStart = j &+ 1
                    } else if c == 0x0A {
                        endField(index, fieldStart, j)
                        position = j &+ 1
                        return index &+ 1
                    } else if j == fieldStart {
                        let (next, ended) = try quotedField(at: j, index: index)
                        index &+= 1
                        if ended { position = next; return index }
                        fieldStart = next
                        i = next
                        continue scan
                    }
                    mask &= mask &- 1
                }
                i &+= 8
            } else {
                while i < count {
                    let c = base[i]
                    if c == 0x2C {
                        endField(index, fieldStart, i)
                        index += 1
                        fieldStart = i + 1
                    } else if c == 0x0A {
                        endField(index, fieldStart, i)
                        position = i + 1
                        return index + 1
                    } else if c == 0x22, i == fieldStart {
                        let (next, ended) = try quotedField(at: i, index: index)
                        index += 1
                        if ended { position = next; return index }
                        fieldStart = next
                        i = next
                        continue
                    }
                    i += 1
                }
                endField(index, fieldStart, count)
                position = count
                return index + 1
            }
        }
    }

    /// High bit set in each byte of `word` that is a comma, a line feed or a double quote.
    @inline(__always) static func delimiters(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let comma = word ^ 0x2C2C_2C2C_2C2C_2C2C
        let newline = word ^ 0x0A0A_0A0A_0A0A_0A0A
        let quote = word ^ 0x2222_2222_2222_2222
        // A byte of x is zero exactly when the high bit of ((x & 0x7F) + 0x7F) | x is clear.
        let a = ((comma & low) &+ low) | comma
        let b = ((newline & low) &+ low) | newline
        let c = ((quote & low) &+ low) | quote
        return ~(a & b & c) & ~low
    }

    /// A field that opens with a double quote at `start`: stores it and returns where the next field
    /// starts and whether the record ended.
    private mutating func quotedField(at start: Int, index: Int) throws(ScoreTableError) -> (next: Int, ended: Bool) {
        recordHasQuotes = true
        var p = start + 1
        let textStart = p
        var hasDoubled = false
        while true {
            guard p < count else { throw .unterminatedQuote(row: row) }
            if base[p] == 0x22 {
                if p + 1 < count, base[p + 1] == 0x22 { hasDoubled = true; p += 2; continue }
                break
            }
            p += 1
        }
        let textEnd = p
        p += 1  // closing quote
        if index < fieldCapacity {
            fieldStarts[index] = textStart
            fieldEnds[index] = textEnd
            if hasDoubled {
                let raw = String(decoding: UnsafeBufferPointer(start: base + textStart, count: textEnd - textStart), as: UTF8.self)
                owned[index] = raw.replacingOccurrences(of: "\"\"", with: "\"")
                recordHasOwned = true
                sawDoubledQuotes = true
            }
        }
        // Anything up to the delimiter after a closing quote is ignored.
        while p < count, base[p] != 0x2C, base[p] != 0x0A { p += 1 }
        if p >= count { return (p, true) }
        if base[p] == 0x0A { return (p + 1, true) }
        return (p + 1, false)
    }

    @inline(__always) private func trim(_ start: inout Int, _ end: inout Int) {
        while start < end, base[start] == 0x20 || base[start] == 0x09 { start += 1 }
        while end > start, base[end - 1] == 0x20 || base[end - 1] == 0x09 { end -= 1 }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }

    /// The trimmed range of field `index` (untrimmed, and never empty, for a field with doubled quotes,
    /// whose text is `ownedText`). Ranges only, so that the usual record holds no string to release.
    @inline(__always) private func field(_ index: Int) -> (start: Int, end: Int) {
        var s = fieldStarts[index], e = fieldEnds[index]
        if recordHasOwned, owned[index] != nil { return (s, e) }
        trim(&s, &e)
        return (s, e)
    }

    /// The unescaped text of field `index` when it was quoted with doubled quotes inside, else nil.
    @inline(__always) private func ownedText(_ index: Int) -> String? {
        recordHasOwned ? owned[index] : nil
    }

    /// Counts an issue and keeps the first thousand.
    private mutating func addIssue(_ issue: PendingIssue) {
        issueCount += 1
        if issues.count < ScoreChunkParser.issueLimit { issues.append(issue) }
    }

    // MARK: records

    @inline(__always) private mutating func record(fieldCount: Int, samePrefix: Bool) {
        rowCount += 1
        let rowNumber = row
        if fieldCount <= maxColumn {
            if fieldCount == 1 && fieldStarts[0] == fieldEnds[0] { rowCount -= 1; return }
            addIssue(PendingIssue(row: rowNumber, column: nil, value: nil,
                message: "has \(fieldCount) field\(fieldCount == 1 ? "" : "s"); the header has \(layout.header.count)"))
            return
        }
        // With the same prefix as an earlier row, participant and timepoint passed these checks there.
        var pf: (start: Int, end: Int) = (0, 0), tf = pf
        if !samePrefix {
            pf = field(participantColumn)
            if pf.start == pf.end {
                addIssue(PendingIssue(row: rowNumber, column: layout.header[participantColumn], value: nil, message: "the participant is blank"))
                return
            }
            tf = field(timepointColumn)
            if tf.start == tf.end {
                addIssue(PendingIssue(row: rowNumber, column: layout.header[timepointColumn], value: nil, message: "the timepoint is blank"))
                return
            }
        }
        let mf = field(measureColumn)
        if mf.start == mf.end {
            addIssue(PendingIssue(row: rowNumber, column: layout.header[measureColumn], value: nil, message: "the measure is blank"))
            return
        }
        let sf = field(scoreColumn)
        var value = Double.nan
        let parsed: Bool
        if let u = ownedText(scoreColumn) {
            let t = u.trimmingWhitespace()
            if let v = Double(t), v.isFinite { value = v; parsed = true } else { parsed = ScoreChunkParser.isMissingMarker(t) }
        } else {
            parsed = ScoreChunkParser.parseNumber(base, sf.start, sf.end, into: &value)
        }
        if !parsed {
            addIssue(PendingIssue(row: rowNumber, column: layout.header[scoreColumn], value: ownedText(scoreColumn) ?? text(sf.start, sf.end),
                message: "is not a number; expected a score such as 12 or 3.5 (blank or NA for a missing score)"))
            return
        }

        let p: Int, t: Int, a: Int
        if samePrefix {
            p = prefixParticipant
            t = prefixTimepoint
            a = prefixArm
        } else {
            // Participant: rows of one participant usually come together, so try the previous row's first.
            if let u = ownedText(participantColumn) {
                let (index, isNew) = participants.intern(string: u, base: base)
                if isNew { addParticipant(name: u) }
                p = index
                lastParticipant = -1
            } else {
                p = participantIndex(start: pf.start, end: pf.end)
            }
            if let u = ownedText(timepointColumn) {
                t = timepoints.index(text: u)
            } else {
                t = timepoints.index(start: tf.start, end: tf.end, base: base)
            }
            if armColumn >= 0 {
                let af = field(armColumn)
                if af.start != af.end {
                    if let u = ownedText(armColumn) {
                        a = arms.index(text: u)
                    } else {
                        a = arms.index(start: af.start, end: af.end, base: base)
                    }
                } else {
                    a = -1
                }
            } else {
                a = -1
            }
            if !recordHasQuotes && prefixField + 1 < fieldCapacity {
                setPrefix(participant: p, timepoint: t, arm: a, measureStart: fieldStarts[prefixField + 1])
            }
        }
        let m: Int
        if let u = ownedText(measureColumn) {
            m = measures.index(text: u)
        } else {
            m = measures.index(start: mf.start, end: mf.end, base: base)
        }
        store(participant: p, timepoint: t, arm: a, measure: m, value: value, row: rowNumber)
    }

    /// The participant whose identifier is the bytes `start..<end` (added, with its name, when new). Rows of
    /// one participant usually come together, so the previous row's is tried first.
    @inline(__always) private mutating func participantIndex(start: Int, end: Int) -> Int {
        let length = end &- start
        if lastParticipant >= 0, length == lastParticipantLength, bytesEqual(base + start, base + lastParticipantStart, length) {
            return lastParticipant
        }
        let (index, isNew) = participants.intern(start: start, length: length, base: base)
        // The name is made now, while its bytes are in cache.
        if isNew { addParticipant(start: start, end: end) }
        lastParticipant = index
        lastParticipantStart = start
        lastParticipantLength = length
        return index
    }

    /// The current record's fields before its measure (at `measureStart`) become the prefix that later
    /// rows are compared with, standing for this participant, timepoint and arm.
    @inline(__always) private mutating func setPrefix(participant p: Int, timepoint t: Int, arm a: Int, measureStart: Int) {
        prefixStart = recordStart
        prefixLength = measureStart &- 1 &- recordStart
        for i in 0...prefixField {
            prefixFieldStarts[i] = fieldStarts[i] &- recordStart
            prefixFieldEnds[i] = fieldEnds[i] &- recordStart
        }
        prefixParticipant = p
        prefixArmSettled = false
        prefixTimepoint = t
        prefixArm = a
    }

    /// The end of a row from its measure field at `start` on: a plain measure label that `measures` would
    /// find first (see `LabelInterner.repeatedLabel`), a comma, a score of digits, point and sign or
    /// nothing (a missing score, NaN), and a line break. The measure, the score and where the next row
    /// starts; nil for anything else. Changes nothing.
    @inline(__always) private func measureAndScore(at start: Int) -> (measure: Int, value: Double, next: Int)? {
        guard let (m, length) = measures.repeatedLabel(at: start, base: base, count: count) else { return nil }
        let scoreStart = start &+ length &+ 1  // within the input: a comma follows the label
        if let (value, next) = shortScore(at: scoreStart) { return (m, value, next) }
        let number = ScoreChunkParser.scanNumber(base, scoreStart, count)
        let end = number.end
        guard end < count else { return nil }
        let next: Int
        if base[end] == 0x0A {
            next = end &+ 1
        } else if base[end] == 0x0D, end > scoreStart, end &+ 1 < count, base[end &+ 1] == 0x0A {
            next = end &+ 2
        } else {
            return nil
        }
        var value = Double.nan
        if end > scoreStart {
            if let v = number.value {
                value = v
            } else if !ScoreChunkParser.parseNumber(base, scoreStart, end, into: &value) {
                return nil
            }
        }
        return (m, value, next)
    }

    /// A score at `scoreStart` that is empty (NaN) or short (`shortNumber`) and then a line feed: its value
    /// and where the next row starts, as `measureAndScore` reads them; nil for any other.
    @inline(__always) private func shortScore(at scoreStart: Int) -> (value: Double, next: Int)? {
        guard scoreStart < count else { return nil }
        if base[scoreStart] == 0x0A { return (.nan, scoreStart &+ 1) }
        guard scoreStart &+ 8 <= count, let (value, digits) = ScoreChunkParser.shortNumber(base + scoreStart),
              base[scoreStart &+ digits] == 0x0A else { return nil }
        return (value, scoreStart &+ digits &+ 1)
    }

    /// Whether the prefix's participant is known to be in the prefix's arm (or the prefix has none): storing
    /// the arm again then changes nothing. A conflict is reported on every row that repeats it, so such rows
    /// go through `store` with the arm.
    @inline(__always) private mutating func prefixArmIsSettled() -> Bool {
        if !prefixArmSettled { prefixArmSettled = prefixArm < 0 || armOf[prefixParticipant] == Int32(prefixArm) }
        return prefixArmSettled
    }

    /// Rows that repeat the prefix (the same participant, arm and timepoint bytes), read one after another in
    /// a tight loop that keeps what changes from row to row in locals: for each, exactly what `run` and
    /// `readRepeatedRow` do, for as long as each row starts right after the last one's line feed, repeats
    /// the prefix, names a plain measure that `measures` would find first, has a short score
    /// (`shortNumber`) or none and then a line feed, and its score goes to an existing cell's empty slot.
    /// At the first other row it returns, `position` at that row's start, for `run` to read it as usual
    /// (a duplicate score, a new cell, a longer number, a blank line, the end of the stretch).
    @inline(__always) private mutating func readRepeatedRun(limit: Int) {
        guard repeatedRows, prefixLength > 0, !grid.tracksFirstRows, prefixArmIsSettled() else { return }
        let base = self.base, count = self.count
        let length = prefixLength, p = prefixParticipant, t = prefixTimepoint
        var at = position, from = prefixStart, rows = 0, last = measures.lastIndex
        while at < limit, at &+ length < count, base[at &+ length] == 0x2C, bytesEqual(base + at, base + from, length) {
            let start = at &+ length &+ 1
            guard let (m, labelLength) = measures.repeatedLabel(at: start, after: last, base: base, count: count) else { break }
            guard let (value, next) = shortScore(at: start &+ labelLength &+ 1) else { break }  // a comma follows the label
            if !value.isNaN {  // no score: nothing to store
                guard let cell = grid.existingCell(measure: m, timepoint: t) else { break }
                // A score with no compact form for a compact column is left to `store`, which widens it.
                guard grid.column(cell).fill(p, value) else { break }
            }
            rows &+= 1
            from = at
            last = m
            at = next
            if at >= nextCheckpoint {
                position = at
                checkpoint(limit: limit)
            }
        }
        guard rows > 0 else { return }
        position = at
        row &+= rows
        rowCount &+= rows
        prefixStart = from
        measures.take(last)
    }

    /// A row that starts with the same participant, arm and timepoint bytes as the last row that set them
    /// (its measure field starting at `start`), and whose measure is a plain label that `measures` would
    /// find first, followed by a score of digits, point and sign and a line break: read without splitting
    /// it into fields, with the same outcome as `readFields` and `record`. False, with nothing changed,
    /// for any other row (quotes, spaces, other fields, a new measure, an exponent, no line break).
    @inline(__always) private mutating func readRepeatedRow(from start: Int, limit: Int) -> Bool {
        guard let (m, value, next) = measureAndScore(at: start) else { return false }
        prefixStart = recordStart
        position = next
        if position >= nextCheckpoint { checkpoint(limit: limit) }
        rowCount &+= 1
        measures.take(m)
        store(participant: prefixParticipant, timepoint: prefixTimepoint, arm: prefixArmIsSettled() ? -1 : prefixArm,
              measure: m, value: value, row: row)
        return true
    }

    /// A row that does not repeat the last row's participant, arm and timepoint (usually the first row of
    /// a new participant) and whose fields are plain: no quotes, no space or tab at either end of the
    /// participant, arm and timepoint and no carriage return before their commas, a participant and a
    /// timepoint that are not blank, and a measure and score that `readRepeatedRow` reads. Read with the
    /// same outcome as `readFields` and `record`; the row then sets the participant, arm and timepoint for
    /// the rows that follow. False, with nothing changed, for any other row.
    @inline(__always) private mutating func readPlainRow(limit: Int) -> Bool {
        let base = self.base, count = self.count
        var i = position
        for f in 0...prefixField {
            let start = i
            // To the first comma, line feed or quote, eight bytes at a time: a comma ends the field.
            while true {
                guard i &+ 8 <= count else { return false }
                let mask = ScoreChunkParser.delimiters(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                if mask == 0 { i &+= 8; continue }
                i &+= mask.trailingZeroBitCount &>> 3
                break
            }
            if base[i] != 0x2C { return false }
            if i > start {
                let first = base[start], last = base[i &- 1]
                if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 || last == 0x0D { return false }
            } else if f == participantColumn || f == timepointColumn {
                return false
            }
            fieldStarts[f] = start
            fieldEnds[f] = i
            i &+= 1
        }
        let measureStart = i
        guard let (m, value, next) = measureAndScore(at: measureStart) else { return false }
        position = next
        if position >= nextCheckpoint { checkpoint(limit: limit) }
        rowCount &+= 1
        // As `record` does for the same fields.
        let p = participantIndex(start: fieldStarts[participantColumn], end: fieldEnds[participantColumn])
        let t = timepoints.index(start: fieldStarts[timepointColumn], end: fieldEnds[timepointColumn], base: base)
        var a = -1
        if armColumn >= 0, fieldEnds[armColumn] > fieldStarts[armColumn] {
            a = arms.index(start: fieldStarts[armColumn], end: fieldEnds[armColumn], base: base)
        }
        setPrefix(participant: p, timepoint: t, arm: a, measureStart: measureStart)
        measures.take(m)
        store(participant: p, timepoint: t, arm: a, measure: m, value: value, row: row)
        return true
    }

    /// A row whose bytes before the timepoint are those of the last row that set the participant, arm and
    /// timepoint (the same participant and arm), whose timepoint is a plain label that `timepoints` would
    /// find first (the last one, or the one that followed it last time), and whose measure and score
    /// `readRepeatedRow` reads: the same participant at their next timepoint. Read as `readRepeatedRow`
    /// reads the rows after it, with the same outcome as `readFields` and `record`; that row then sets the
    /// participant, arm and timepoint for the rows that follow. False, with nothing changed, for any other
    /// row.
    @inline(__always) private mutating func readNewTimepointRow(limit: Int) -> Bool {
        let t = timepointColumn
        let offset = prefixFieldStarts[t]
        let start = position &+ offset
        guard start < count, bytesEqual(base + position, base + prefixStart, offset),
              let (timepoint, length) = timepoints.repeatedLabel(at: start, base: base, count: count) else { return false }
        let saved = (prefixStart, prefixLength, prefixFieldEnds[t], prefixTimepoint)
        prefixStart = position
        prefixLength = offset &+ length
        prefixFieldEnds[t] = offset &+ length
        prefixTimepoint = timepoint
        if readRepeatedRow(from: start &+ length &+ 1, limit: limit) {
            timepoints.take(timepoint)
            return true
        }
        (prefixStart, prefixLength, prefixFieldEnds[t], prefixTimepoint) = saved
        return false
    }

    /// The end of `record` for a row whose fields were read: the arm, covariates and score.
    @inline(__always) private mutating func store(participant p: Int, timepoint t: Int, arm a: Int, measure m: Int,
                                                  value: Double, row rowNumber: Int) {
        if a >= 0 {
            let current = armOf[p]
            if current < 0 {
                armOf[p] = Int32(a)
            } else if current != Int32(a) {
                addIssue(PendingIssue(row: rowNumber, column: layout.header[armColumn], value: arms.labels[a],
                    message: "participant \(participants.string(p, base: base)) is already in arm \(arms.labels[Int(current)]); the first arm is kept"))
            }
        }
        if hasCovariates { recordCovariates(participant: p, row: rowNumber) }
        if value.isNaN { return }  // a missing score: nothing to store
        let cell = grid.cell(measure: m, timepoint: t)
        if grid.column(cell).has(p) {
            addIssue(PendingIssue(row: rowNumber, column: nil, value: nil,
                message: "a second score for participant \(participants.string(p, base: base)), timepoint \(timepoints.labels[t]), measure \(measures.labels[m]) (first at row ",
                firstRow: grid.tracksFirstRows ? grid.firstRows[cell][p] : 0))
            if !grid.tracksFirstRows { needsFirstRows = true }
            return
        }
        grid.put(value, cell: cell, participant: p)
        if grid.tracksFirstRows { grid.firstRows[cell][p] = Int32(truncatingIfNeeded: rowNumber) }
    }

    private mutating func addParticipant(name: String) {
        names.append(name)
        addedParticipant()
    }

    /// A new participant whose identifier is the bytes `start..<end`: kept as they are when they are ASCII
    /// (most are), else as `text` reads them (invalid UTF-8 repaired).
    @inline(__always) private mutating func addParticipant(start: Int, end: Int) {
        var ascii = true
        var i = start
        while i &+ 8 <= end {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { ascii = false; break }
            i &+= 8
        }
        while ascii && i < end {
            if base[i] >= 0x80 { ascii = false }
            i &+= 1
        }
        if ascii { names.append(utf8: base + start, count: end &- start) } else { names.append(text(start, end)) }
        addedParticipant()
    }

    @inline(__always) private mutating func addedParticipant() {
        armOf.append(-1)
        for c in covariates.indices { covariates[c].append(nil) }
        grid.ensureCapacity(participants.count)
    }

    private mutating func recordCovariates(participant p: Int, row rowNumber: Int) {
        for (c, column) in layout.covariateColumns.enumerated() {
            let cf = field(column)
            if cf.start == cf.end { continue }
            let text = ownedText(column) ?? self.text(cf.start, cf.end)
            if let existing = covariates[c][p] {
                if existing != text {
                    addIssue(PendingIssue(row: rowNumber, column: layout.header[column], value: text,
                        message: "participant \(participants.string(p, base: base)) already has \(layout.header[column]) = \"\(existing)\"; the first value is kept"))
                }
            } else {
                covariates[c][p] = text
            }
        }
    }

    static func isMissingMarker(_ s: String) -> Bool {
        s.isEmpty || s == "NA" || s == "na" || s == "." || s == "NaN"
    }

    /// Parses a decimal number from `base[start..<end]`. Returns true for a number or a missing marker
    /// (blank, NA, ".", NaN — `value` stays NaN); false for anything else.
    ///
    /// Fast path: up to 19 significant digits and a power-of-ten exponent within ±22 give a correctly
    /// rounded result from one exact multiplication or division (Clinger 1990,
    /// doi:10.1145/93548.93557); anything else falls back to the standard library's parser.
    @inline(__always) static func parseNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into value: inout Double) -> Bool {
        if start == end { return true }
        let number = scanNumber(base, start, end)
        if number.end == end, let v = number.value {
            value = v
            return true
        }
        return parseNumberSlowly(base, start, end, into: &value)
    }

    /// A sign, digits, a point and digits read from `start` up to the first other byte (or `end`).
    struct ScannedNumber {
        var end: Int
        var negative = false
        /// The first 19 significant digits, and the power of ten they are to be multiplied by.
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false

        /// The number when it is exact in a double without rounding twice (at most 15 significant digits,
        /// or a mantissa under 2^53, and a power of ten up to 22), else nil.
        @inline(__always) var value: Double? {
            guard sawDigit, digits <= 15 || mantissa < (1 << 53) else { return nil }
            if exponent == 0 { return negative ? -Double(mantissa) : Double(mantissa) }
            guard mantissa < (1 << 53), exponent >= -22, exponent <= 22 else { return nil }
            let m = Double(mantissa)
            let v = exponent < 0 ? m / ScoreChunkParser.powersOfTen[-exponent] : m * ScoreChunkParser.powersOfTen[exponent]
            return negative ? -v : v
        }
    }

    @inline(__always) static func scanNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> ScannedNumber {
        // Wrapping arithmetic: the index stays below `end`, and the digit counts and exponent below its length.
        var i = start
        var n = ScannedNumber(end: start)
        if i < end, base[i] == 0x2D { n.negative = true; i &+= 1 } else if i < end, base[i] == 0x2B { i &+= 1 }
        while i < end, base[i] &- 0x30 < 10 {
            n.sawDigit = true
            if n.digits < 19 {
                n.mantissa = n.mantissa &* 10 &+ UInt64(base[i] &- 0x30)
                if n.mantissa > 0 { n.digits &+= 1 }
            } else {
                n.exponent &+= 1
            }
            i &+= 1
        }
        if i < end, base[i] == 0x2E {
            i &+= 1
            while i < end, base[i] &- 0x30 < 10 {
                n.sawDigit = true
                if n.digits < 19 {
                    n.mantissa = n.mantissa &* 10 &+ UInt64(base[i] &- 0x30)
                    if n.mantissa > 0 { n.digits &+= 1 }
                    n.exponent &-= 1
                }
                i &+= 1
            }
        }
        n.end = i
        return n
    }

    /// A number of one to seven digits with at most one point among them and no sign, read from the eight
    /// bytes at `p` at once (SWAR: each byte a lane of one 64-bit word): its value, exactly `scanNumber`'s,
    /// and its length in bytes (the byte after it is neither a digit nor a point). Nil for anything else
    /// (no digit, a sign, a second point, eight or more bytes of digits and points): then scan byte by byte.
    @inline(__always) static func shortNumber(_ p: UnsafePointer<UInt8>) -> (value: Double, length: Int)? {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080, lows = ~highs
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        // Per byte, with no carry between bytes: t < 10 exactly for a digit; x is 0 exactly for a point.
        let t = word ^ (0x30 &* ones)
        let notDigit = (((t & lows) &+ (0x76 &* ones)) | t) & highs
        let x = word ^ (0x2E &* ones)
        let point = ~(((x & lows) &+ lows) | x) & highs
        let stops = notDigit & ~point
        guard stops != 0 else { return nil }
        let length = stops.trailingZeroBitCount &>> 3
        guard length > 0 else { return nil }
        let within: UInt64 = ~0 &>> (64 &- 8 &* length)
        let points = point & within
        guard points & (points &- 1) == 0 else { return nil }
        var digits = t & within, count = length, fraction = 0
        if points != 0 {
            // Close the gap the point leaves: the bytes after it move down one.
            let at = points.trailingZeroBitCount &>> 3
            let below: UInt64 = at == 0 ? 0 : ~0 &>> (64 &- 8 &* at)
            digits = (digits & below) | ((digits &>> 8) & ~below)
            count &-= 1
            fraction = count &- at
            guard count > 0 else { return nil }
        }
        // The digits, first in the lowest byte, moved to the top so that zeros lead; then pairs, fours and
        // eights of them are combined (each step multiplies the higher part by 10, 100, 10,000).
        var v = digits &<< (8 &* (8 &- count))
        v = (v &* 0xA01) &>> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 0x64_0001) &>> 16
        v = ((v & 0x0000_FFFF_0000_FFFF) &* 0x2710_0000_0001) &>> 32
        let m = Double(Int64(bitPattern: v))  // under 10⁷
        return (fraction == 0 ? m : m / ScoreChunkParser.powersOfTen[fraction], length)
    }

    /// Exponents, long mantissas and missing markers.
    private static func parseNumberSlowly(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into value: inout Double) -> Bool {
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        if ScoreChunkParser.isMissingMarker(text) { return true }
        if let v = Double(text), v.isFinite {
            value = v
            return true
        }
        return false
    }
}

/// Scores by measure × timepoint cell, one column per cell with a slot per participant. Each column is a
/// `ColumnReservation` with room for every participant the input could hold (`room`), so columns grow
/// without moving (but for columns after the first `mappedColumns`, on the heap) and the table can take
/// them over as they are; slots are marked empty a block at a time as participants arrive, so room costs no
/// memory until it is used. A column starts compact (two bytes a score) and is widened to doubles at the
/// first score it cannot hold that way (`put`).
/// `firstRows`, when tracked, holds the row of each stored score (for duplicate messages) and is only
/// read where there is a score.
struct ScoreGrid {
    /// Slots every column can hold.
    let room: Int
    /// Slots [0, initialized) of every column hold a score or none (NaN, or `ColumnReservation.compactMissing`).
    private(set) var initialized = 0
    private(set) var columns: [ColumnReservation] = []
    private(set) var firstRows: [UnsafeMutablePointer<Int32>] = []
    /// Slots allocated in each of `firstRows`.
    private var firstRowsCapacity = 0
    /// Whether `firstRows` is kept (else it stays empty).
    var tracksFirstRows = false
    private(set) var cellMeasure: [Int] = [], cellTimepoint: [Int] = []
    /// The cell of measure m at timepoint t at cellOf[m · timepointRoom + t] for m < measureRoom and
    /// t < timepointRoom, or −1 before its first score (one flat table: a lookup for every score).
    private var cellOf: [Int32] = []
    private var measureRoom = 0, timepointRoom = 0

    init(room: Int = 0) { self.room = room }

    /// Columns after this many are kept on the heap (see `ColumnReservation`): two halves' columns then take
    /// about two thousand mappings at most.
    static let mappedColumns = 512

    var cellCount: Int { columns.count }

    /// A cell's column (a mapped column's slots never move; one on the heap's move as it grows).
    @inline(__always) func column(_ cell: Int) -> ColumnReservation { columns[cell] }

    /// Puts `value` (not NaN) in participant p's empty slot of `cell`, first widening a compact column
    /// to doubles when the value has no compact form.
    @inline(__always) mutating func put(_ value: Double, cell: Int, participant p: Int) {
        if !columns[cell].fill(p, value) { widen(cell, thenPut: value, participant: p) }
    }

    /// `put` for a value that a compact column cannot hold (rare: once per column at most).
    @inline(never) private mutating func widen(_ cell: Int, thenPut value: Double, participant p: Int) {
        columns[cell] = columns[cell].widened(keeping: initialized)
        let filled = columns[cell].fill(p, value)
        assert(filled, "a column of doubles holds any score in an empty slot")
    }

    func existingCell(measure m: Int, timepoint t: Int) -> Int? {
        guard m < measureRoom, t < timepointRoom else { return nil }
        let cell = Int(cellOf[m &* timepointRoom &+ t])
        return cell >= 0 ? cell : nil
    }

    @inline(__always) mutating func cell(measure m: Int, timepoint t: Int) -> Int {
        if m < measureRoom, t < timepointRoom {
            let cell = Int(cellOf[m &* timepointRoom &+ t])
            if cell >= 0 { return cell }
        }
        return addCell(measure: m, timepoint: t)
    }

    private mutating func addCell(measure m: Int, timepoint t: Int) -> Int {
        if m >= measureRoom || t >= timepointRoom {
            // Room for twice as many measures or timepoints as needed, the cells so far kept in place.
            let measures = m < measureRoom ? measureRoom : max(4, 2 * (m + 1))
            let timepoints = t < timepointRoom ? timepointRoom : max(4, 2 * (t + 1))
            var wider = [Int32](repeating: -1, count: measures * timepoints)
            for k in columns.indices { wider[cellMeasure[k] * timepoints + cellTimepoint[k]] = Int32(k) }
            cellOf = wider
            measureRoom = measures
            timepointRoom = timepoints
        }
        // Compact until a score has no compact form.
        var column = ColumnReservation(capacity: room, compact: true, mapped: columns.count < ScoreGrid.mappedColumns)
        column.commit(initialized)
        column.clear(from: 0, count: initialized)
        columns.append(column)
        if tracksFirstRows { firstRows.append(reallocated(nil, to: firstRowsCapacity)) }
        cellMeasure.append(m)
        cellTimepoint.append(t)
        cellOf[m * timepointRoom + t] = Int32(columns.count - 1)
        return columns.count - 1
    }

    /// Makes slots [0, participants) usable in every column.
    @inline(__always) mutating func ensureCapacity(_ participants: Int) {
        if participants > initialized { extend(participants) }
    }

    private mutating func extend(_ participants: Int) {
        precondition(participants <= room, "more participants than the input has room for")
        if tracksFirstRows && participants > firstRowsCapacity { reserve(max(1024, firstRowsCapacity * 2, participants)) }
        // A small block, so that the slots are still in cache when the scores arrive.
        let end = min(room, max(participants, initialized + 256))
        for k in columns.indices {
            columns[k].commit(end)
            columns[k].clear(from: initialized, count: end - initialized)
        }
        initialized = end
    }

    /// Makes room for `participants` rows of first scores without moving them again (the score columns
    /// need no room made).
    mutating func reserve(_ participants: Int) {
        guard tracksFirstRows, participants > firstRowsCapacity else { return }
        for k in firstRows.indices { firstRows[k] = reallocated(firstRows[k], to: participants) }
        firstRowsCapacity = participants
    }

    mutating func deallocate() {
        for c in columns { c.release() }
        freeFirstRows()
        columns = []
    }

    /// Frees the rows of the first scores (once no more scores will be added).
    mutating func freeFirstRows() {
        for r in firstRows { free(r) }
        firstRows = []
    }

    /// This grid, leaving an empty one in its place: the caller now owns (and must release) the columns.
    mutating func take() -> ScoreGrid {
        let grid = self
        self = ScoreGrid(room: room)
        return grid
    }
}

/// Interns the few distinct labels of a column (timepoints, measures, arms) by comparing bytes; the
/// label that followed the previous one last time is tried first.
struct LabelInterner {
    private struct Entry {
        var start: Int
        /// Byte length; −1 for a label held as text (quoted with doubled quotes).
        var length: Int
        /// The label that followed this one last time, or −1.
        var successor: Int
        /// Read from bytes that hold no comma, quote or line break and do not start or end with a space
        /// or tab: a field with exactly these bytes is this label (see `repeatedLabel`).
        var plain: Bool
    }
    private var entries: [Entry] = []
    /// Unescaped text for labels that were quoted with doubled quotes (compared as text), else nil.
    private var texts: [String?] = []
    private(set) var labels: [String] = []
    private var last = -1

    var count: Int { labels.count }

    @inline(__always) private func matches(_ e: Entry, _ start: Int, _ length: Int, _ base: UnsafePointer<UInt8>) -> Bool {
        e.length == length && bytesEqual(base + e.start, base + start, length)
    }

    @inline(__always) mutating func index(start: Int, end: Int, base: UnsafePointer<UInt8>) -> Int {
        let length = end - start
        if last >= 0 {
            let e = entries[last]
            if matches(e, start, length, base) { return last }
            let next = e.successor
            if next >= 0, matches(entries[next], start, length, base) { last = next; return next }
        }
        return lookUp(start: start, length: length, base: base)
    }

    private mutating func lookUp(start: Int, length: Int, base: UnsafePointer<UInt8>) -> Int {
        var found = -1
        for i in entries.indices where matches(entries[i], start, length, base) { found = i; break }
        if found < 0 {
            found = append(start: start, length: length, text: nil, plain: LabelInterner.isPlain(base + start, length),
                           label: String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self).trimmingWhitespace())
        }
        if last >= 0 { entries[last].successor = found }
        last = found
        return found
    }

    /// Whether the `length` bytes at `p` make a plain label (see `Entry.plain`).
    static func isPlain(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard length > 0 else { return false }
        if p[0] == 0x20 || p[0] == 0x09 || p[length - 1] == 0x20 || p[length - 1] == 0x09 { return false }
        for i in 0..<length where p[i] == 0x2C || p[i] == 0x22 || p[i] == 0x0A || p[i] == 0x0D { return false }
        return true
    }

    /// When the bytes at `start` are a plain label followed by a comma, and that label is the last one
    /// looked up or the one that followed it last time (the two that `index` tries first), its index and
    /// byte length. Changes nothing: `take` then records the lookup as `index` would have.
    @inline(__always) func repeatedLabel(at start: Int, base: UnsafePointer<UInt8>, count: Int) -> (index: Int, length: Int)? {
        repeatedLabel(at: start, after: last, base: base, count: count)
    }

    /// The label that was looked up last, or −1 (for a reader that keeps it while reading many rows, and
    /// records it with `take` afterwards).
    var lastIndex: Int { last }

    /// `repeatedLabel` as it answers when `last` was the last label looked up.
    @inline(__always) func repeatedLabel(at start: Int, after last: Int, base: UnsafePointer<UInt8>, count: Int) -> (index: Int, length: Int)? {
        guard last >= 0 else { return nil }
        @inline(__always) func fits(_ e: Entry) -> Bool {
            e.plain && start &+ e.length < count && base[start &+ e.length] == 0x2C && bytesEqual(base + e.start, base + start, e.length)
        }
        let e = entries[last]
        if fits(e) { return (last, e.length) }
        let next = e.successor
        if next >= 0, fits(entries[next]) { return (next, entries[next].length) }
        return nil
    }

    /// Records a lookup that `repeatedLabel` answered: what `index` does when it finds the label there.
    @inline(__always) mutating func take(_ i: Int) { last = i }

    /// A label quoted with doubled quotes: matched by text against other such labels only.
    mutating func index(text: String) -> Int {
        if let i = texts.firstIndex(of: text) { return i }
        return append(start: 0, length: -1, text: text, plain: false, label: text.trimmingWhitespace())
    }

    private mutating func append(start: Int, length: Int, text: String?, plain: Bool, label: String) -> Int {
        entries.append(Entry(start: start, length: length, successor: -1, plain: plain))
        texts.append(text)
        labels.append(label)
        return labels.count - 1
    }

    /// Adds the labels of a later stretch of the same input (which has no doubled-quote labels) that are
    /// new here, in their order; returns the index here of each of its labels.
    mutating func adding(_ other: LabelInterner, base: UnsafePointer<UInt8>) -> [Int] {
        var map: [Int] = []
        map.reserveCapacity(other.count)
        for j in other.labels.indices {
            precondition(other.texts[j] == nil, "only chunks without doubled-quote labels are merged")
            let e = other.entries[j]
            var found = -1
            for i in entries.indices where matches(entries[i], e.start, e.length, base) { found = i; break }
            if found < 0 { found = append(start: e.start, length: e.length, text: nil, plain: e.plain, label: other.labels[j]) }
            map.append(found)
        }
        return map
    }
}

/// Open-addressing hash table from byte ranges of the input to dense indices, in order of first
/// appearance. Identifiers quoted with doubled quotes are held as text.
///
/// A slot holds the entry's index + 1 in its low 32 bits and the top 32 bits of its hash above them, so a
/// probe rarely has to look at the input; the table doubles when 70% full. Most identifiers in a large file
/// are new, and a table of a million entries does not stay in cache, so each lookup would wait for memory:
/// a Bloom filter, 16 bits per entry, tells almost all new identifiers from known ones without the table,
/// and new entries are put into the table in batches (whose memory accesses overlap) before the next lookup
/// that needs it.
///
/// Exports are often sorted by participant. While every identifier arrives in strictly ascending order
/// (shorter before longer, equal lengths by bytes), a new one that follows the last cannot be a repeat, so
/// it is appended with one comparison and no lookup; the table, the filter and the hashes are built only
/// when an identifier breaks the order or a lookup needs them (`prepareForLookups`).
struct ByteInterner {
    private var starts: [Int] = []
    /// Byte length, or −1 for an identifier held as text in `owned`.
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var owned: [Int: String] = [:]
    private var slots = [UInt64](repeating: 0, count: 1024)
    private var mask = 1023
    private var filter = HashFilter(capacity: 512)
    /// Entries [0, placed) are in `slots`; later ones are pending (identifiers added from bytes only).
    private var placed = 0
    private(set) var count = 0
    /// Every identifier so far was added from bytes in ascending order, and none is in `slots` or `filter`
    /// yet, nor has its hash in `hashes`.
    private(set) var ascending = true
    /// Room asked for by `reserve`, used when the table is first built.
    private var reservedCount = 0

    static let batch = 2048

    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        var i = 0
        while i + 8 <= n {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// The slot holding the identifier at `p` (n bytes) with hash `h`, or the empty slot where it would go.
    /// Only meaningful when nothing is pending.
    @inline(__always) private func probe(_ p: UnsafePointer<UInt8>, _ n: Int, _ h: UInt64, _ base: UnsafePointer<UInt8>) -> (slot: Int, index: Int?) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s == 0 { return (slot, nil) }
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                let i = Int(s & 0xFFFF_FFFF) - 1
                if Int(lengths[i]) == n, bytesEqual(base + starts[i], p, n) { return (slot, i) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The index of the identifier at `base[start..<start + length]`, whose hash is `hash`, if it was
    /// added from bytes.
    func find(hash: UInt64, start: Int, length: Int, base: UnsafePointer<UInt8>) -> Int? {
        precondition(!ascending && placed == count, "prepare and flush before looking up")
        guard filter.mayContain(hash) else { return nil }
        return probe(base + start, length, hash, base).index
    }

    /// Whether an identifier with this hash may have been added (false: certainly not).
    func mayContain(hash: UInt64) -> Bool { filter.mayContain(hash) }

    mutating func intern(start: Int, length: Int, base: UnsafePointer<UInt8>) -> (index: Int, isNew: Bool) {
        if ascending {
            if count == 0 || follows(start: start, length: length, base: base) {
                starts.append(start)
                lengths.append(Int32(length))
                count += 1
                return (count - 1, true)
            }
            prepareForLookups(base: base)
        }
        let h = ByteInterner.hash(base + start, length)
        if filter.mayContain(h) {
            // Known, or (one time in fifty or so) a false alarm: look among the pending entries, then the table.
            for i in placed..<count where hashes[i] == h && Int(lengths[i]) == length
                && bytesEqual(base + starts[i], base + start, length) {
                return (i, false)
            }
            flush()
            let (slot, found) = probe(base + start, length, h, base)
            if let found { return (found, false) }
            add(start: start, length: length, hash: h)
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(count)
            placed = count
            if count * 10 > slots.count * 7 { grow() }
            return (count - 1, true)
        }
        add(start: start, length: length, hash: h)
        if count - placed >= ByteInterner.batch { flush() }
        return (count - 1, true)
    }

    @inline(__always) private mutating func add(start: Int, length: Int, hash h: UInt64) {
        starts.append(start)
        lengths.append(Int32(length))
        hashes.append(h)
        filter.insert(h)
        count += 1
    }

    /// Whether the identifier at `base[a..<a + la]` comes before the one at `base[b..<b + lb]` in ascending
    /// order (by length, then by bytes).
    @inline(__always) static func precedes(_ a: Int, _ la: Int, _ b: Int, _ lb: Int, base: UnsafePointer<UInt8>) -> Bool {
        if la != lb { return la < lb }
        return memcmp(base + a, base + b, la) < 0
    }

    /// Whether the identifier at `base[start..<start + length]` comes after the last one added.
    @inline(__always) private func follows(start: Int, length: Int, base: UnsafePointer<UInt8>) -> Bool {
        ByteInterner.precedes(starts[count - 1], Int(lengths[count - 1]), start, length, base: base)
    }

    /// How the identifiers of `later` (a later stretch of the same input) relate to these, when both
    /// interners are ascending: all new, or all new but the first, which is the last one here (a split
    /// inside one participant's rows); nil when that is not known without lookups.
    func overlap(with later: ByteInterner, base: UnsafePointer<UInt8>) -> ByteInternerOverlap? {
        guard ascending, later.ascending else { return nil }
        if count == 0 || later.count == 0 { return .disjoint }
        let a = starts[count - 1], la = Int(lengths[count - 1]), b = later.starts[0], lb = Int(later.lengths[0])
        if ByteInterner.precedes(a, la, b, lb, base: base) { return .disjoint }
        if la == lb && bytesEqual(base + a, base + b, la) { return .firstIsLast }
        return nil
    }

    /// Builds the hash table, filter and hashes of identifiers added in ascending order, so that lookups
    /// (`find`, `mayContain`, `storedHash`) and out-of-order identifiers work.
    mutating func prepareForLookups(base: UnsafePointer<UInt8>) {
        guard ascending else { return }
        ascending = false
        hashes.reserveCapacity(max(count, reservedCount))
        for i in 0..<count { hashes.append(ByteInterner.hash(base + starts[i], Int(lengths[i]))) }
        grow(toHold: max(count, reservedCount))
    }

    /// Puts the pending entries into the table.
    mutating func flush() {
        guard !ascending, placed < count else { return }
        if count * 10 > slots.count * 7 {
            grow()
            return
        }
        var touched: UInt64 = 0
        for i in placed..<count {
            // Load the slot of an entry a few places ahead so that its cache miss overlaps this one's.
            if i + 8 < count { touched &+= slots[Int(truncatingIfNeeded: hashes[i + 8]) & mask] }
            let h = hashes[i]
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(i + 1)
        }
        placed = count
        sink = touched
    }

    /// Keeps the look-ahead loads in `flush` from being optimised away.
    private var sink: UInt64 = 0

    /// An identifier quoted with doubled quotes: matches an earlier one held as text, else one added
    /// from the same bytes.
    mutating func intern(string: String, base: UnsafePointer<UInt8>) -> (index: Int, isNew: Bool) {
        prepareForLookups(base: base)
        flush()
        if let existing = owned.first(where: { $0.value == string }) { return (existing.key, false) }
        var copy = string
        let found: Int? = copy.withUTF8 { buffer -> Int? in
            guard let p = buffer.baseAddress else { return nil }
            return probe(p, buffer.count, ByteInterner.hash(p, buffer.count), base).index
        }
        if let found { return (found, false) }
        owned[count] = string
        starts.append(0)
        lengths.append(-1)
        hashes.append(0)
        count += 1
        placed = count
        return (count - 1, true)
    }

    /// Rebuilds the table (and filter) with room for at least `n` entries at 70% full, placing every entry.
    private mutating func grow(toHold n: Int = 0) {
        var size = slots.count
        while size * 7 < 10 * max(n, count) + 10 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        filter = HashFilter(capacity: size / 10 * 7)
        for i in 0..<count where lengths[i] >= 0 {
            let h = hashes[i]
            filter.insert(h)
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(i + 1)
        }
        placed = count
    }

    /// The hash of identifier i as stored when it was added (0 for one held as text).
    func storedHash(_ i: Int) -> UInt64 { hashes[i] }

    /// Makes room for `n` identifiers without further rehashing.
    mutating func reserve(_ n: Int) {
        starts.reserveCapacity(n)
        lengths.reserveCapacity(n)
        if !ascending { hashes.reserveCapacity(n) }
        reservedCount = max(reservedCount, n)
        if !ascending && slots.count * 7 < 10 * n { grow(toHold: n) }
    }

    /// The byte range of an identifier added from bytes.
    func range(_ i: Int) -> (start: Int, length: Int) {
        precondition(lengths[i] >= 0, "only chunks without doubled-quote identifiers are merged")
        return (starts[i], Int(lengths[i]))
    }

    func string(_ i: Int, base: UnsafePointer<UInt8>) -> String {
        if lengths[i] < 0 { return owned[i]! }
        return String(decoding: UnsafeBufferPointer(start: base + starts[i], count: Int(lengths[i])), as: UTF8.self)
    }
}

/// How two ascending interners of consecutive stretches of one input share identifiers.
enum ByteInternerOverlap {
    /// No identifier is in both.
    case disjoint
    /// Only the later stretch's first identifier is in both: it is the earlier stretch's last.
    case firstIsLast
}

/// A blocked Bloom filter: two bits of one 64-bit word per hash. A clear bit proves the hash was never
/// inserted; with 16 bits per entry about one lookup in fifty of a new hash is a false alarm.
struct HashFilter {
    private var words: [UInt64]
    private let shift: UInt64

    init(capacity: Int) {
        var log2Words = 6
        while (1 << log2Words) * 64 < capacity * 8 { log2Words += 1 }
        words = [UInt64](repeating: 0, count: 1 << log2Words)
        shift = UInt64(64 - log2Words)
    }

    @inline(__always) private func position(_ h: UInt64) -> (word: Int, bits: UInt64) {
        (Int(truncatingIfNeeded: h >> shift), (1 << ((h >> 20) & 63)) | (1 << ((h >> 26) & 63)))
    }

    @inline(__always) mutating func insert(_ h: UInt64) {
        let (w, bits) = position(h)
        words[w] |= bits
    }

    @inline(__always) func mayContain(_ h: UInt64) -> Bool {
        let (w, bits) = position(h)
        return words[w] & bits == bits
    }
}

/// Whether the `n` bytes at `a` and `b` are equal (short identifiers: word compares, no call).
@inline(__always) func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    @inline(__always) func word(_ p: UnsafePointer<UInt8>) -> UInt64 { UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }
    @inline(__always) func half(_ p: UnsafePointer<UInt8>) -> UInt32 { UnsafeRawPointer(p).loadUnaligned(as: UInt32.self) }
    // Indices stay within n, so the arithmetic cannot overflow.
    if n >= 8 {
        var i = 0
        while i &+ 8 < n {
            if word(a + i) != word(b + i) { return false }
            i &+= 8
        }
        return word(a + (n &- 8)) == word(b + (n &- 8))
    }
    if n >= 4 { return half(a) == half(b) && half(a + (n &- 4)) == half(b + (n &- 4)) }
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i &+= 1
    }
    return true
}
