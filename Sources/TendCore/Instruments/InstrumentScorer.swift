import Foundation

/// Scores a file of raw item responses with an instrument definition.
///
/// Input: one row per participant × timepoint with the columns `participant`, `timepoint`, optionally
/// `arm`, and one column per item. Column names are matched without regard to case or surrounding
/// spaces; item *n* may be named `item<n>`, `item_<n>`, `<id>_<n>`, `<id><n>` or `<n>`, where `<id>` is
/// the instrument id as written (`scs-sf`), with hyphens as underscores (`scs_sf`) or without hyphens
/// (`scssf`). Any other column, an item number the instrument does not have, two columns for one item,
/// or a missing item column is an error naming the column.
///
/// Cells: blank, `NA`, `N/A`, `NaN` or `.` mean unanswered. Anything else must be a whole number in the
/// response range; otherwise it is reported as a cell error and counts as unanswered in its row, and the
/// row's other items are still used. A row with a blank participant or timepoint, the wrong number of
/// fields, a participant × timepoint already seen (the later row is rejected, naming both rows) or an
/// arm that contradicts the participant's arm in an earlier row is reported as a row error and not
/// scored. A blank arm takes the participant's arm from their other rows.
///
/// Scoring: reverse-keyed items are `(min + max) − x` in scales that apply reverse keys; a scale is the
/// sum or the mean of its items, times its multiplier. With missing items the scale's rule decides:
/// `require-all` gives no score; `prorate-mean` uses the mean of the answered items (× the item count
/// for a sum) when at most `maxMissing` items are missing, none of them in `mustBeAnswered`, and every
/// scale of the `atLeastOneAnsweredPer` family keeps an answered item.
public enum InstrumentScorer {
    /// Column names (lowercased) that are not items.
    static let participantColumn = "participant", timepointColumn = "timepoint", armColumn = "arm"

    /// Cell texts that mean "unanswered" (compared case-insensitively after trimming).
    public static let missingMarkers: Set<String> = ["", "na", "n/a", "nan", "."]

    public static func score(document: CSVDocument, instrument: InstrumentDefinition) throws(InstrumentScoringError) -> ScoringReport {
        let layout = try InstrumentColumnLayout(header: document.header, instrument: instrument)
        var scorer = RowScorer(instrument: instrument, layout: layout, header: document.header)
        scorer.collectArms(document.rows)
        for row in document.rows { scorer.score(row) }
        return scorer.finish()
    }

    /// The item column names accepted for item `n`, in the order they are tried.
    public static func acceptedItemColumnNames(item n: Int, instrument: InstrumentDefinition) -> [String] {
        InstrumentColumnLayout.prefixes(for: instrument).map { "\($0)\(n)" } + ["\(n)"]
    }
}

/// A file that cannot be scored at all: its header does not fit the instrument.
public enum InstrumentScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `participant` or `timepoint` is absent.
    case missingColumn(String, header: [String])
    /// Items without a column.
    case missingItemColumns([Int], instrument: String, example: String)
    /// A column that is neither a standard column nor an item of the instrument.
    case unknownColumn(String, instrument: String, itemCount: Int, example: String)
    /// A column whose name points at an item the instrument does not have.
    case itemOutOfRange(column: String, item: Int, instrument: String, itemCount: Int)
    /// Two columns for the same thing.
    case duplicateColumn(String, sameAs: String)

    public var description: String {
        switch self {
        case .missingColumn(let name, let header):
            return "the file has no \(name) column; the header is \(header.joined(separator: ", ")). Expected participant, timepoint, optionally arm, and one column per item"
        case .missingItemColumns(let items, let instrument, let example):
            return "the file has no column for \(InstrumentFormatting.itemList(items)) of \(instrument); name item columns like \(example)"
        case .unknownColumn(let name, let instrument, let itemCount, let example):
            return "column \"\(name)\" is not participant, timepoint, arm or an item of \(instrument) (items 1…\(itemCount), named like \(example)); remove it or rename it"
        case .itemOutOfRange(let column, let item, let instrument, let itemCount):
            return "column \"\(column)\" names item \(item), but \(instrument) has \(itemCount) item\(itemCount == 1 ? "" : "s") (1…\(itemCount))"
        case .duplicateColumn(let name, let other):
            return "columns \"\(other)\" and \"\(name)\" name the same thing; keep one"
        }
    }
}

/// Where each column of the header goes.
struct InstrumentColumnLayout {
    var participant: Int
    var timepoint: Int
    var arm: Int?
    /// Column index of item n at [n − 1].
    var items: [Int]

    /// Item-column prefixes, longest first so that `scs-sf_` wins over `scs-sf`.
    static func prefixes(for instrument: InstrumentDefinition) -> [String] {
        let id = instrument.id.lowercased()
        var stems: [String] = []
        for stem in [id, id.replacingOccurrences(of: "-", with: "_"), id.replacingOccurrences(of: "-", with: "")]
        where !stems.contains(stem) { stems.append(stem) }
        var out: [String] = ["item_", "item"]
        for stem in stems { out += ["\(stem)_", stem] }
        return out.sorted { $0.count > $1.count }
    }

    init(header: [String], instrument: InstrumentDefinition) throws(InstrumentScoringError) {
        let name = instrument.abbreviation
        let example = "item1, item_1, \(instrument.id)_1 or 1"
        let prefixes = Self.prefixes(for: instrument)
        var participant: Int?, timepoint: Int?, arm: Int?
        var items = [Int?](repeating: nil, count: instrument.itemCount)

        for (c, raw) in header.enumerated() {
            let column = raw.trimmingWhitespace().lowercased()
            func claim(_ slot: inout Int?) throws(InstrumentScoringError) {
                if let other = slot { throw .duplicateColumn(raw, sameAs: header[other]) }
                slot = c
            }
            switch column {
            case InstrumentScorer.participantColumn: try claim(&participant); continue
            case InstrumentScorer.timepointColumn: try claim(&timepoint); continue
            case InstrumentScorer.armColumn: try claim(&arm); continue
            default: break
            }
            guard let item = Self.itemNumber(column, prefixes: prefixes) else {
                let shown = column.isEmpty ? "(unnamed column \(c + 1))" : raw
                throw .unknownColumn(shown, instrument: name, itemCount: instrument.itemCount, example: example)
            }
            guard item >= 1 && item <= instrument.itemCount else {
                throw .itemOutOfRange(column: raw, item: item, instrument: name, itemCount: instrument.itemCount)
            }
            try claim(&items[item - 1])
        }
        guard let participant else { throw .missingColumn("participant", header: header) }
        guard let timepoint else { throw .missingColumn("timepoint", header: header) }
        let absent = items.indices.filter { items[$0] == nil }.map { $0 + 1 }
        guard absent.isEmpty else { throw .missingItemColumns(absent, instrument: name, example: example) }
        self.participant = participant
        self.timepoint = timepoint
        self.arm = arm
        self.items = items.map { $0! }
    }

    /// The item number a (lowercased) column name denotes, or nil.
    static func itemNumber(_ column: String, prefixes: [String]) -> Int? {
        func digits(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 6, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(s)
        }
        if let n = digits(Substring(column)) { return n }
        for prefix in prefixes where column.hasPrefix(prefix) {
            if let n = digits(column.dropFirst(prefix.count)) { return n }
        }
        return nil
    }
}

/// Scores rows one by one and accumulates the report.
private struct RowScorer {
    let instrument: InstrumentDefinition
    let layout: InstrumentColumnLayout
    let header: [String]
    var report: ScoringReport
    var seen: [String: [String: Int]] = [:]          // participant → timepoint → row
    var armOf: [String: (arm: String, row: Int)] = [:] // first non-blank arm per participant
    var timepoints: [String] = []
    /// scale index → timepoint → complete keyed item rows.
    var completeRows: [[String: [[Double]]]]
    var anyCellError = false

    init(instrument: InstrumentDefinition, layout: InstrumentColumnLayout, header: [String]) {
        self.instrument = instrument
        self.layout = layout
        self.header = header
        self.report = ScoringReport(instrumentID: instrument.id, keyVersion: instrument.version,
                                    itemColumns: layout.items.map { header[$0] })
        self.completeRows = Array(repeating: [:], count: instrument.scales.count)
    }

    var responseText: String {
        "a whole number from \(instrument.responseRange.min) to \(instrument.responseRange.max)"
    }

    /// First pass: each participant's arm, so that blank arm cells can be filled in.
    mutating func collectArms(_ rows: [CSVDocument.Row]) {
        guard let a = layout.arm else { return }
        for row in rows where row.fields.count == header.count {
            let participant = row.fields[layout.participant].trimmingWhitespace()
            let timepoint = row.fields[layout.timepoint].trimmingWhitespace()
            let arm = row.fields[a].trimmingWhitespace()
            if !participant.isEmpty, !timepoint.isEmpty, !arm.isEmpty, armOf[participant] == nil {
                armOf[participant] = (arm, row.number)
            }
        }
    }

    mutating func rowError(_ row: CSVDocument.Row, _ message: String) {
        report.rowErrors.append(.init(row: row.number, message: message))
    }

    mutating func score(_ row: CSVDocument.Row) {
        guard row.fields.count == header.count else {
            rowError(row, "has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s"); the header has \(header.count); this row was not scored")
            return
        }
        let participant = row.fields[layout.participant].trimmingWhitespace()
        let timepoint = row.fields[layout.timepoint].trimmingWhitespace()
        guard !participant.isEmpty else { rowError(row, "the participant is blank; this row was not scored"); return }
        guard !timepoint.isEmpty else { rowError(row, "the timepoint is blank; this row was not scored"); return }
        if let first = seen[participant]?[timepoint] {
            rowError(row, "participant \(participant) at timepoint \(timepoint) already appears in row \(first); this later row was not scored")
            return
        }
        var arm: String? = nil
        if let a = layout.arm {
            let given = row.fields[a].trimmingWhitespace()
            if let known = armOf[participant] {
                if !given.isEmpty && given != known.arm {
                    rowError(row, "participant \(participant) is in arm \(known.arm) in row \(known.row) but in arm \(given) here; this row was not scored")
                    return
                }
                arm = known.arm
            }
        }
        seen[participant, default: [:]][timepoint] = row.number
        if !timepoints.contains(timepoint) { timepoints.append(timepoint) }

        // Read the items.
        let range = instrument.responseRange
        var values = [Int?](repeating: nil, count: instrument.itemCount)
        var unreadable: Set<Int> = []
        for item in 1...instrument.itemCount {
            let column = layout.items[item - 1]
            let raw = row.fields[column]
            let text = raw.trimmingWhitespace()
            if InstrumentScorer.missingMarkers.contains(text.lowercased()) { continue }
            if let x = Double(text), x.isFinite, x == x.rounded(), x >= Double(range.min), x <= Double(range.max) {
                values[item - 1] = Int(x)
            } else {
                report.cellErrors.append(.init(row: row.number, column: header[column], value: raw, expected: responseText))
                unreadable.insert(item)
                anyCellError = true
            }
        }
        let answeredCount = values.compactMap { $0 }.count

        // Risk items.
        for risk in instrument.riskItems {
            if let v = values[risk.item - 1] {
                if v >= risk.atOrAbove {
                    report.riskFlags.append(.init(participant: participant, arm: arm, timepoint: timepoint, item: risk.item,
                                                  value: v, kind: .endorsed, row: row.number, reason: risk.reason))
                }
            } else if answeredCount > 0 {
                report.riskFlags.append(.init(participant: participant, arm: arm, timepoint: timepoint, item: risk.item,
                                              value: nil, kind: .unanswered, row: row.number, reason: risk.reason))
            }
        }

        // Scales.
        for (s, scale) in instrument.scales.enumerated() {
            let measure = instrument.measureID(of: scale)
            let missingItems = scale.items.filter { values[$0 - 1] == nil }
            if missingItems.isEmpty {
                completeRows[s][timepoint, default: []].append(
                    scale.items.map { Double(instrument.keyedValue(values[$0 - 1]!, item: $0, in: scale)) })
            }
            switch outcome(scale, values: values, missingItems: missingItems, unreadable: unreadable) {
            case .score(let value):
                report.scores.append(.init(participant: participant, arm: arm, timepoint: timepoint, measure: measure,
                                           score: value, band: scale.band(for: value)?.label,
                                           proratedItems: missingItems, row: row.number))
            case .missing(let reason):
                report.missingScores.append(.init(participant: participant, arm: arm, timepoint: timepoint,
                                                  measure: measure, missingItems: missingItems, reason: reason,
                                                  row: row.number))
            }
        }
    }

    enum Outcome {
        case score(Double)
        case missing(String)
    }

    func outcome(_ scale: InstrumentDefinition.Scale, values: [Int?], missingItems: [Int], unreadable: Set<Int>) -> Outcome {
        let count = scale.items.count
        let answered = scale.items.compactMap { item in values[item - 1].map { instrument.keyedValue($0, item: item, in: scale) } }
        if !missingItems.isEmpty {
            let bad = missingItems.filter { unreadable.contains($0) }
            var what = "\(missingItems.count) of \(count) item\(count == 1 ? "" : "s") missing (\(InstrumentFormatting.itemList(missingItems))"
            if !bad.isEmpty {
                what += "; \(InstrumentFormatting.itemList(bad)) had an invalid value, counted as missing"
            }
            what += ")"
            let rule = scale.missing
            if answered.isEmpty {
                return .missing("no item of the scale answered: " + what)
            }
            switch rule.method {
            case .requireAll:
                let policy = rule.basis == .tendPolicy ? " (Tend policy)" : ""
                return .missing("\(what); every item is required, none may be prorated\(policy)")
            case .prorateMean:
                if missingItems.count > rule.maxMissing {
                    return .missing("\(what); at most \(rule.maxMissing) may be prorated")
                }
                let never = missingItems.filter { rule.mustBeAnswered.contains($0) }
                if !never.isEmpty {
                    let verb = never.count == 1 ? "is" : "are"
                    return .missing("\(what); \(InstrumentFormatting.itemList(never)) \(verb) never prorated and must be answered")
                }
                if let family = rule.atLeastOneAnsweredPer {
                    for other in instrument.scales where other.family == family {
                        if other.items.allSatisfy({ values[$0 - 1] == nil }) {
                            return .missing("\(what); every item of \(other.name) (\(InstrumentFormatting.itemList(other.items))) is missing, and each scale of family \"\(family)\" needs an answered item")
                        }
                    }
                }
            }
        }
        let sum = answered.reduce(0, +)
        let raw: Double
        switch scale.rule {
        case .sum: raw = Double(sum * count) / Double(answered.count)   // = sum when nothing is missing
        case .mean: raw = Double(sum) / Double(answered.count)
        }
        return .score(raw * scale.multiplier)
    }

    mutating func finish() -> ScoringReport {
        for (s, scale) in instrument.scales.enumerated() {
            let measure = instrument.measureID(of: scale)
            for timepoint in timepoints {
                let rows = completeRows[s][timepoint] ?? []
                var entry = ScoringReport.ReliabilityEntry(measure: measure, timepoint: timepoint, completeRows: rows.count,
                                                           itemCount: scale.items.count, alpha: nil, problem: nil,
                                                           defaultReliability: scale.defaultReliability)
                if scale.items.count < 2 {
                    entry.problem = "a one-item scale has no internal consistency"
                } else {
                    do {
                        entry.alpha = try CronbachAlpha.compute(items: rows)
                    } catch {
                        entry.problem = error.description
                    }
                }
                report.reliability.append(entry)
            }
        }
        if let provisional = instrument.provisional {
            report.notes.append("The \(instrument.abbreviation) key is provisional: \(provisional.reason)")
        }
        for scale in instrument.scales {
            if let provisional = scale.provisional {
                report.notes.append("\(instrument.measureID(of: scale)) is provisional: \(provisional.reason)")
            }
        }
        if anyCellError {
            report.notes.append("A cell with an invalid value counts as a missing item in its row; the row's other items and scales are still scored.")
        }
        return report
    }
}
