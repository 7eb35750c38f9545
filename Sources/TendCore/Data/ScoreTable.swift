import Foundation

/// Tidy outcome scores held column-wise: one slot per participant × timepoint × measure.
///
/// This is what `tend analyse` reads (`participant,arm,timepoint,measure,score`, plus optional
/// participant-level columns such as age or medication). Parsing works on the raw bytes of the file so
/// that ten million rows are read in a few seconds without creating a string per cell; the bytes are
/// handed in by the caller (TendCore does no file I/O).
public struct ScoreTable: Sendable {
    /// Participant identifiers in order of first appearance.
    public internal(set) var participants: [String]
    /// Arm labels in order of first appearance (empty when the file has no arm column).
    public internal(set) var arms: [String]
    /// Arm index per participant, −1 where the participant's arm is blank.
    public internal(set) var armOfParticipant: [Int32]
    /// Timepoint labels in order of first appearance.
    public internal(set) var timepoints: [String]
    /// Measure identifiers in order of first appearance.
    public internal(set) var measures: [String]
    /// scores[measure][timepoint][participant]; NaN where no score was given.
    public internal(set) var scores: [[[Double]]]
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
    /// case); `arm` is optional; any other column is a participant-level covariate. A blank score, `NA`
    /// or `.` is a missing score. A score that is not a number, a row with a blank participant,
    /// timepoint or measure, and a second row for the same participant × timepoint × measure are
    /// reported as issues with the row number and skipped. A participant given two different arms is
    /// reported and keeps the first.
    /// `progress`, when given, is called with the number of bytes read so far, every few megabytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer, progress: (@Sendable (Int) -> Void)? = nil) throws(ScoreTableError) -> ScoreTable {
        var parser = ScoreTableParser(bytes: bytes)
        parser.progress = progress
        return try parser.run()
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ text: String) throws(ScoreTableError) -> ScoreTable {
        var copy = text
        do {
            return try copy.withUTF8 { buffer in
                try ScoreTable.parse(UnsafeRawBufferPointer(buffer))
            }
        } catch let error as ScoreTableError {
            throw error
        } catch {
            fatalError("unreachable: \(error)")
        }
    }
}

/// Byte-level CSV reader specialised for tidy scores.
struct ScoreTableParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0
    var row = 0
    var progress: (@Sendable (Int) -> Void)? = nil
    var nextProgress = 1 << 23

    init(bytes: UnsafeRawBufferPointer) {
        if let b = bytes.baseAddress, bytes.count > 0 {
            base = b.assumingMemoryBound(to: UInt8.self)
        } else {
            base = UnsafePointer(bitPattern: 1)!
        }
        count = bytes.count
        // Skip a UTF-8 byte-order mark.
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
    }

    /// A field as a byte range; `unescaped` holds the text when the field was quoted with inner quotes.
    struct Field {
        var start: Int
        var end: Int
        var unescaped: String?
    }

    /// Reads one record into `fields`; returns false at end of input.
    mutating func readRecord(into fields: inout [Field]) throws(ScoreTableError) -> Bool {
        fields.removeAll(keepingCapacity: true)
        // Skip blank lines.
        while position < count, base[position] == 0x0A || base[position] == 0x0D {
            if base[position] == 0x0A { row += 1 }
            position += 1
        }
        if position >= count { return false }
        row += 1
        while true {
            if position < count, base[position] == 0x22 {
                // Quoted field.
                let startRow = row
                position += 1
                let start = position
                var hasDoubled = false
                while true {
                    guard position < count else { throw .unterminatedQuote(row: startRow) }
                    let c = base[position]
                    if c == 0x22 {
                        if position + 1 < count, base[position + 1] == 0x22 { hasDoubled = true; position += 2; continue }
                        break
                    }
                    position += 1
                }
                let end = position
                position += 1  // closing quote
                var text: String? = nil
                if hasDoubled {
                    let raw = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
                    text = raw.replacingOccurrences(of: "\"\"", with: "\"")
                }
                fields.append(Field(start: start, end: end, unescaped: text))
                // Anything up to the delimiter after a closing quote is ignored.
                while position < count, base[position] != 0x2C, base[position] != 0x0A { position += 1 }
            } else {
                let start = position
                while position < count {
                    let c = base[position]
                    if c == 0x2C || c == 0x0A { break }
                    position += 1
                }
                var end = position
                if end > start, base[end - 1] == 0x0D { end -= 1 }
                fields.append(Field(start: start, end: end, unescaped: nil))
            }
            if position >= count { return true }
            if base[position] == 0x0A { position += 1; return true }
            position += 1  // comma
            if position >= count { fields.append(Field(start: position, end: position, unescaped: nil)); return true }
        }
    }

    func string(_ f: Field) -> String {
        if let u = f.unescaped { return u }
        return String(decoding: UnsafeBufferPointer(start: base + f.start, count: f.end - f.start), as: UTF8.self)
    }

    func trimmed(_ f: Field) -> Field {
        var f = f
        if f.unescaped != nil { return f }
        while f.start < f.end, base[f.start] == 0x20 || base[f.start] == 0x09 { f.start += 1 }
        while f.end > f.start, base[f.end - 1] == 0x20 || base[f.end - 1] == 0x09 { f.end -= 1 }
        return f
    }

    func equal(_ f: Field, _ start: Int, _ length: Int) -> Bool {
        f.end - f.start == length && memcmp(base + f.start, base + start, length) == 0
    }

    mutating func run() throws(ScoreTableError) -> ScoreTable {
        var fields: [Field] = []
        fields.reserveCapacity(16)
        guard try readRecord(into: &fields) else { throw .empty }
        let header = fields.map { string(trimmed($0)).trimmingWhitespace() }
        var columnOf: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let key = name.lowercased()
            if key.isEmpty { continue }
            if columnOf[key] != nil { throw .duplicateColumn(name) }
            columnOf[key] = i
        }
        let required = ["participant", "timepoint", "measure", "score"]
        let missing = required.filter { columnOf[$0] == nil }
        if !missing.isEmpty { throw .missingColumns(missing, found: header.filter { !$0.isEmpty }) }
        let cParticipant = columnOf["participant"]!, cTimepoint = columnOf["timepoint"]!
        let cMeasure = columnOf["measure"]!, cScore = columnOf["score"]!
        let cArm = columnOf["arm"]
        let standard = Set([cParticipant, cTimepoint, cMeasure, cScore] + (cArm.map { [$0] } ?? []))
        let covariateColumns = header.indices.filter { !standard.contains($0) && !header[$0].isEmpty }

        var table = ScoreTable(
            participants: [], arms: [], armOfParticipant: [], timepoints: [], measures: [], scores: [],
            covariateNames: covariateColumns.map { header[$0] }, covariates: covariateColumns.map { _ in [] },
            issues: [], rowCount: 0, hasArmColumn: cArm != nil)
        var interner = ByteInterner(base: base)
        var firstRowOf: [[[Int32]]] = []   // parallel to scores, for duplicate messages
        var smallTimepoints = SmallInterner(), smallMeasures = SmallInterner(), smallArms = SmallInterner()
        var lastParticipant = Field(start: 0, end: 0, unescaped: nil), lastParticipantIndex = -1
        let maxColumn = max(cParticipant, cTimepoint, cMeasure, cScore, cArm ?? 0, covariateColumns.max() ?? 0)
        var issueCount = 0
        func addIssue(_ issue: ScoreTableIssue) {
            issueCount += 1
            // Keep the first thousand in full; the count says how many more there were.
            if table.issues.count < 1000 { table.issues.append(issue) }
        }

        while try readRecord(into: &fields) {
            if position >= nextProgress, let progress { progress(position); nextProgress = position + (1 << 23) }
            table.rowCount += 1
            let rowNumber = row
            if fields.count <= maxColumn {
                if fields.count == 1 && fields[0].start == fields[0].end { table.rowCount -= 1; continue }
                addIssue(ScoreTableIssue(row: rowNumber, column: nil, value: nil,
                    message: "has \(fields.count) field\(fields.count == 1 ? "" : "s"); the header has \(header.count)"))
                continue
            }
            let pf = trimmed(fields[cParticipant])
            if pf.start == pf.end && pf.unescaped == nil {
                addIssue(ScoreTableIssue(row: rowNumber, column: header[cParticipant], value: nil, message: "the participant is blank"))
                continue
            }
            let tf = trimmed(fields[cTimepoint]), mf = trimmed(fields[cMeasure])
            if tf.start == tf.end && tf.unescaped == nil {
                addIssue(ScoreTableIssue(row: rowNumber, column: header[cTimepoint], value: nil, message: "the timepoint is blank"))
                continue
            }
            if mf.start == mf.end && mf.unescaped == nil {
                addIssue(ScoreTableIssue(row: rowNumber, column: header[cMeasure], value: nil, message: "the measure is blank"))
                continue
            }
            // Score.
            let sf = trimmed(fields[cScore])
            var value = Double.nan
            let parsed: Bool
            if let u = sf.unescaped {
                let t = u.trimmingWhitespace()
                if let v = Double(t), v.isFinite { value = v; parsed = true } else { parsed = ScoreTableParser.isMissingMarker(t) }
            } else {
                parsed = parseNumber(sf, into: &value)
            }
            if !parsed {
                addIssue(ScoreTableIssue(row: rowNumber, column: header[cScore], value: string(sf),
                    message: "is not a number; expected a score such as 12 or 3.5 (blank or NA for a missing score)"))
                continue
            }

            // Participant (rows of one participant usually come together: reuse the last lookup).
            let p: Int
            if lastParticipantIndex >= 0, pf.unescaped == nil, lastParticipant.unescaped == nil,
               equal(pf, lastParticipant.start, lastParticipant.end - lastParticipant.start) {
                p = lastParticipantIndex
            } else {
                let (index, isNew) = pf.unescaped.map { interner.intern(string: $0) } ?? interner.intern(start: pf.start, end: pf.end)
                p = index
                if isNew {
                    table.armOfParticipant.append(-1)
                    for c in covariateColumns.indices { table.covariates[c].append(nil) }
                    for m in table.scores.indices {
                        for t in table.scores[m].indices { table.scores[m][t].append(.nan); firstRowOf[m][t].append(0) }
                    }
                }
                lastParticipant = pf
                lastParticipantIndex = p
            }
            let t = smallTimepoints.index(of: tf, parser: self)
            if t == table.timepoints.count {
                table.timepoints.append(string(tf).trimmingWhitespace())
                for m in table.scores.indices {
                    table.scores[m].append([Double](repeating: .nan, count: interner.count))
                    firstRowOf[m].append([Int32](repeating: 0, count: interner.count))
                }
            }
            let m = smallMeasures.index(of: mf, parser: self)
            if m == table.measures.count {
                table.measures.append(string(mf).trimmingWhitespace())
                table.scores.append(table.timepoints.map { _ in [Double](repeating: .nan, count: interner.count) })
                firstRowOf.append(table.timepoints.map { _ in [Int32](repeating: 0, count: interner.count) })
            }
            if let cArm {
                let af = trimmed(fields[cArm])
                if af.start != af.end || af.unescaped != nil {
                    let a = smallArms.index(of: af, parser: self)
                    if a == table.arms.count { table.arms.append(string(af).trimmingWhitespace()) }
                    let current = table.armOfParticipant[p]
                    if current < 0 {
                        table.armOfParticipant[p] = Int32(a)
                    } else if current != Int32(a) {
                        addIssue(ScoreTableIssue(row: rowNumber, column: header[cArm], value: table.arms[a],
                            message: "participant \(interner.string(p)) is already in arm \(table.arms[Int(current)]); the first arm is kept"))
                    }
                }
            }
            for (c, column) in covariateColumns.enumerated() {
                let cf = trimmed(fields[column])
                if cf.start == cf.end && cf.unescaped == nil { continue }
                let text = string(cf)
                if let existing = table.covariates[c][p] {
                    if existing != text {
                        addIssue(ScoreTableIssue(row: rowNumber, column: header[column], value: text,
                            message: "participant \(interner.string(p)) already has \(header[column]) = \"\(existing)\"; the first value is kept"))
                    }
                } else {
                    table.covariates[c][p] = text
                }
            }
            if value.isNaN { continue }  // a missing score: nothing to store
            let previous = firstRowOf[m][t][p]
            if previous != 0 {
                addIssue(ScoreTableIssue(row: rowNumber, column: nil, value: nil,
                    message: "a second score for participant \(interner.string(p)), timepoint \(table.timepoints[t]), measure \(table.measures[m]) (first at row \(previous)); the first is kept"))
                continue
            }
            table.scores[m][t][p] = value
            firstRowOf[m][t][p] = Int32(truncatingIfNeeded: rowNumber)
        }
        table.participants = interner.strings()
        if issueCount > table.issues.count {
            table.issues.append(ScoreTableIssue(row: row, column: nil, value: nil,
                message: "\(issueCount - table.issues.count) further row problems not listed"))
        }
        return table
    }

    static func isMissingMarker(_ s: String) -> Bool {
        s.isEmpty || s == "NA" || s == "na" || s == "." || s == "NaN"
    }

    /// Parses a decimal number from a field. Returns true for a number or a missing marker (blank, NA,
    /// ".", NaN — `value` stays NaN); false for anything else.
    ///
    /// Fast path: up to 19 significant digits and a power-of-ten exponent within ±22 give a correctly
    /// rounded result from one exact multiplication or division (Clinger 1990,
    /// doi:10.1145/93548.93557); anything else falls back to the standard library's parser.
    func parseNumber(_ f: Field, into value: inout Double) -> Bool {
        var i = f.start
        let end = f.end
        if i == end { return true }
        var negative = false
        if base[i] == 0x2D { negative = true; i += 1 } else if base[i] == 0x2B { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < end, base[i] &- 0x30 < 10 {
            sawDigit = true
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[i] &- 0x30); if mantissa > 0 { digits += 1 } } else { exponent += 1 }
            i += 1
        }
        if i < end, base[i] == 0x2E {
            i += 1
            while i < end, base[i] &- 0x30 < 10 {
                sawDigit = true
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[i] &- 0x30); if mantissa > 0 { digits += 1 }; exponent -= 1 }
                i += 1
            }
        }
        if sawDigit, i == end, digits <= 15 || mantissa < (1 << 53) {
            if exponent == 0 {
                value = negative ? -Double(mantissa) : Double(mantissa)
                return true
            }
            if mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
                let m = Double(mantissa)
                let v = exponent < 0 ? m / ScoreTableParser.powersOfTen[-exponent] : m * ScoreTableParser.powersOfTen[exponent]
                value = negative ? -v : v
                return true
            }
        }
        // Slow path: exponents, long mantissas, missing markers.
        let text = string(f)
        if ScoreTableParser.isMissingMarker(text) { return true }
        if let v = Double(text), v.isFinite {
            value = v
            return true
        }
        return false
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }
}

/// Interns a handful of distinct labels (timepoints, measures, arms) by comparing bytes.
struct SmallInterner {
    var starts: [Int] = []
    var lengths: [Int] = []
    var texts: [String?] = []
    var last = -1

    mutating func index(of f: ScoreTableParser.Field, parser: ScoreTableParser) -> Int {
        if let u = f.unescaped {
            if let i = texts.firstIndex(of: u) { return i }
            starts.append(0); lengths.append(0); texts.append(u)
            return texts.count - 1
        }
        let len = f.end - f.start
        if last >= 0, texts[last] == nil, lengths[last] == len, memcmp(parser.base + starts[last], parser.base + f.start, len) == 0 {
            return last
        }
        for i in starts.indices where texts[i] == nil && lengths[i] == len {
            if memcmp(parser.base + starts[i], parser.base + f.start, len) == 0 { last = i; return i }
        }
        starts.append(f.start); lengths.append(len); texts.append(nil)
        last = starts.count - 1
        return last
    }
}

/// Open-addressing hash table from byte ranges of the input to dense indices.
struct ByteInterner {
    let base: UnsafePointer<UInt8>
    var starts: [Int] = []
    var lengths: [Int32] = []
    var owned: [Int: String] = [:]   // index → text for quoted identifiers
    var slots: [Int32]
    var mask: Int
    private(set) var count = 0

    init(base: UnsafePointer<UInt8>) {
        self.base = base
        slots = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt64 = 0xcbf29ce484222325
        for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x100000001b3 }
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    mutating func intern(start: Int, end: Int) -> (Int, Bool) {
        let n = end - start
        var slot = ByteInterner.hash(base + start, n) & mask
        while true {
            let s = slots[slot]
            if s < 0 { break }
            let i = Int(s)
            if owned[i] == nil, Int(lengths[i]) == n, memcmp(base + starts[i], base + start, n) == 0 { return (i, false) }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(count)
        starts.append(start); lengths.append(Int32(n))
        count += 1
        if count * 2 > slots.count { grow() }
        return (count - 1, true)
    }

    mutating func intern(string: String) -> (Int, Bool) {
        if let existing = owned.first(where: { $0.value == string }) { return (existing.key, false) }
        // A quoted identifier may equal an unquoted one elsewhere in the file.
        var copy = string
        let n = copy.utf8.count
        let found: Int? = copy.withUTF8 { buf -> Int? in
            guard let p = buf.baseAddress else { return nil }
            var slot = ByteInterner.hash(p, n) & mask
            while slots[slot] >= 0 {
                let i = Int(slots[slot])
                if owned[i] == nil, Int(lengths[i]) == n, memcmp(base + starts[i], p, n) == 0 { return i }
                slot = (slot + 1) & mask
            }
            return nil
        }
        if let found { return (found, false) }
        owned[count] = string
        starts.append(0); lengths.append(0)
        count += 1
        return (count - 1, true)
    }

    mutating func grow() {
        let newSize = slots.count * 2
        slots = [Int32](repeating: -1, count: newSize)
        mask = newSize - 1
        for i in 0..<count where owned[i] == nil {
            var slot = ByteInterner.hash(base + starts[i], Int(lengths[i])) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }

    func string(_ i: Int) -> String {
        if let s = owned[i] { return s }
        return String(decoding: UnsafeBufferPointer(start: base + starts[i], count: Int(lengths[i])), as: UTF8.self)
    }

    func strings() -> [String] { (0..<count).map { string($0) } }
}
