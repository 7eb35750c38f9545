import Foundation

/// One column of the wide export: a measure at a timepoint.
public struct WideColumn: Sendable, Equatable, Codable {
    /// SPSS-valid variable name, e.g. `scssf_total_pre`.
    public var name: String
    public var measure: String
    public var timepoint: String
    /// Variable label, e.g. "SCS-SF Total (item mean), pre".
    public var label: String
}

/// The column plan of a wide file: the fixed columns `study_code` and `arm`, then `<measure>_<timepoint>`
/// measure by measure, timepoints in schedule order. Arms are written as codes 1…k in `arms` order.
public struct WideLayout: Sendable, Equatable, Codable {
    public var arms: [String]
    public var columns: [WideColumn]

    /// 1-based code of an arm; nil for an arm not in the layout.
    public func armCode(_ arm: String) -> Int? { arms.firstIndex(of: arm).map { $0 + 1 } }
}

/// One participant's scores for the wide export: `scores[measure][timepoint]`.
public struct WideParticipantRow: Sendable, Equatable, Codable {
    public var studyCode: String
    public var arm: String?
    public var scores: [String: [String: Double]]

    public init(studyCode: String, arm: String?, scores: [String: [String: Double]]) {
        self.studyCode = studyCode
        self.arm = arm
        self.scores = scores
    }
}

/// SPSS variable names (IBM SPSS Statistics "Variable names" rules; PSPP follows them): at most 64
/// bytes, first character a letter, then letters, digits, `_`, `.`, `@`, `#`, `$`; not a reserved word
/// (ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH); unique ignoring case. Tend writes ASCII only and no dots
/// (a trailing dot is illegal and R turns dots into confusion), so names also work in R and Stata.
public enum SPSSNames {
    public static let maxLength = 64
    public static let reserved: Set<String> = ["all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"]

    /// `<instrument>_<scale>_<timepoint>`: lowercase; the instrument id loses every character that is not
    /// a letter or digit (`scs-sf` → `scssf`); in the scale and the timepoint every other character
    /// becomes `_`; runs of `_` collapse and none is left at either end; a name not starting with a letter
    /// gets a `v` in front; when longer than 64 characters the measure part is cut so the timepoint stays
    /// whole. So `scs-sf.total` at `pre` → `scssf_total_pre`, `dass21.depression-raw` at `week 8` →
    /// `dass21_depression_raw_week_8`.
    public static func variableName(measure: String, timepoint: String) -> String {
        let lower = measure.lowercased()
        let instrument: Substring, scale: Substring
        if let dot = lower.firstIndex(of: ".") {
            instrument = lower[..<dot]; scale = lower[lower.index(after: dot)...]
        } else {
            instrument = lower[...]; scale = ""
        }
        let inst = String(instrument.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        var base = collapse([inst, underscored(scale)].filter { !$0.isEmpty }.joined(separator: "_"))
        let suffix = collapse(underscored(timepoint.lowercased()[...]))
        if base.isEmpty { base = "v" }
        if let first = base.first, !first.isLetter { base = "v" + base }
        let room = maxLength - (suffix.isEmpty ? 0 : suffix.count + 1)
        if base.count > room { base = collapse(String(base.prefix(room))) }
        var name = suffix.isEmpty ? base : base + "_" + suffix
        if reserved.contains(name) { name = "v_" + name }
        return name
    }

    static func underscored(_ s: Substring) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    static func collapse(_ s: String) -> String {
        s.split(separator: "_", omittingEmptySubsequences: true).joined(separator: "_")
    }
}

/// The wide CSV for R and SPSS: one row per participant.
public enum WideScoreExport {
    public static let fixedColumns = ["study_code", "arm"]

    /// Plans the columns.
    ///
    /// - Parameters:
    ///   - measures: measure ids in the order wanted.
    ///   - timepoints: timepoint labels in schedule order.
    ///   - labels: per measure, the label to use (default: the measure id).
    /// - Throws: `InputError` when two columns get the same name (ignoring case), a name collides with a
    ///   fixed column, or a measure, timepoint or arm is listed twice.
    public static func layout(measures: [String], timepoints: [String], arms: [String], labels: [String: String] = [:])
        throws(InputError) -> WideLayout
    {
        for (field, list) in [("measures", measures), ("timepoints", timepoints), ("arms", arms)] {
            var seen = Set<String>()
            for (i, v) in list.enumerated() where !seen.insert(v).inserted {
                throw InputError(field: "\(field)[\(i)]", value: v, expected: "each listed once")
            }
        }
        var owner: [String: String] = [:]
        for f in fixedColumns { owner[f] = "the fixed column \(f)" }
        var columns: [WideColumn] = []
        for m in measures {
            for t in timepoints {
                let name = SPSSNames.variableName(measure: m, timepoint: t)
                let what = "\(m) at \(t)"
                if let other = owner[name.lowercased()] {
                    throw InputError(field: "column name for \(what)", value: name,
                                     expected: "a name not already used by \(other); rename the measure or timepoint")
                }
                owner[name.lowercased()] = what
                columns.append(WideColumn(name: name, measure: m, timepoint: t, label: "\(labels[m] ?? m), \(t)"))
            }
        }
        return WideLayout(arms: arms, columns: columns)
    }

    /// Writes the header and one line per participant as the sequence yields them (CRLF line ends).
    /// Missing scores and a participant without an arm are empty cells; scores are at full precision;
    /// scores of measures or timepoints outside the layout are not written.
    ///
    /// - Throws: `InputError` for a row whose arm is not in the layout (it would lose its arm silently);
    ///   the lines before it have already been written.
    public static func write<Rows: Sequence>(_ rows: Rows, layout: WideLayout, to output: (String) -> Void) throws(InputError)
        where Rows.Element == WideParticipantRow
    {
        output(headerLine(layout: layout))
        for (index, row) in rows.enumerated() {
            output(try line(row, index: index, layout: layout))
        }
    }

    /// The header line (CRLF-terminated), for writers that produce the rows in batches. With
    /// `includeArm: false` (staff blinded to allocation) the `arm` column is left out altogether.
    public static func headerLine(layout: WideLayout, includeArm: Bool = true) -> String {
        (fixedColumns.filter { includeArm || $0 != "arm" } + layout.columns.map(\.name)).joined(separator: ",") + "\r\n"
    }

    /// One participant's CRLF-terminated line, matching ``headerLine(layout:includeArm:)``; `index` is the
    /// row's place in the file (0 = the first after the header), for the error.
    ///
    /// - Throws: `InputError` when the arm is written and is not one of the layout's arms.
    public static func line(_ row: WideParticipantRow, index: Int, layout: WideLayout, includeArm: Bool = true) throws(InputError) -> String {
        var fields = [row.studyCode.csvEscaped]
        if includeArm {
            var armCell = ""
            if let arm = row.arm {
                guard let code = layout.armCode(arm) else {
                    throw InputError(field: "rows[\(index)].arm", value: arm, expected: "one of the layout's arms: \(layout.arms.joined(separator: ", "))")
                }
                armCell = String(code)
            }
            fields.append(armCell)
        }
        for c in layout.columns {
            fields.append(row.scores[c.measure]?[c.timepoint].map(ExportFormat.number) ?? "")
        }
        return fields.joined(separator: ",") + "\r\n"
    }
}

/// SPSS syntax that reads the wide CSV and labels it.
public enum SPSSSyntax {
    /// Writes a `.sps` file: `GET DATA /TYPE=TXT` over the wide CSV (comma-delimited, first case on line 2,
    /// UTF-8), `VARIABLE LABELS` for every column, `VALUE LABELS` for the arm codes, arm as a nominal
    /// variable, display formats, and no `MISSING VALUES`: the CSV has no missing-value codes, and empty
    /// cells read as system-missing. Checked with GNU PSPP 1.6.2 by `crosscheck/spss_pspp_check.sh`.
    /// Numbers are read with `F40.0` so every written digit is kept (the decimal point in the data
    /// overrides the format's decimals) and displayed with `displayDecimals` decimals.
    ///
    /// With `includeArm: false` the syntax reads a file without the `arm` column (the wide file written for
    /// staff blinded to allocation): no arm variable, labels or level.
    public static func write(layout: WideLayout, csvFileName: String, displayDecimals: Int = 2, includeArm: Bool = true,
                             to output: (String) -> Void) {
        output("* Encoding: UTF-8.\n")
        output("* Reads the wide score file written by Tend: one row per participant.\n")
        output("* Empty cells are read as system-missing; the file has no user-missing codes to declare.\n")
        output("GET DATA\n  /TYPE=TXT\n  /FILE=\(quoted(csvFileName))\n  /ENCODING='UTF8'\n  /ARRANGEMENT=DELIMITED\n")
        output("  /DELCASE=LINE\n  /FIRSTCASE=2\n  /DELIMITERS=\",\"\n  /QUALIFIER='\"'\n  /VARIABLES=\n")
        output("    study_code A64\n")
        if includeArm { output("    arm F3.0\n") }
        for c in layout.columns { output("    \(c.name) F40.0\n") }
        output(".\n")
        output("VARIABLE LABELS\n  study_code \(quoted("Pseudonymous study code"))")
        if includeArm { output("\n  /arm \(quoted("Arm"))") }
        for c in layout.columns { output("\n  /\(c.name) \(quoted(c.label))") }
        output(".\n")
        if includeArm {
            if !layout.arms.isEmpty {
                output("VALUE LABELS arm")
                for (i, arm) in layout.arms.enumerated() { output("\n  \(i + 1) \(quoted(arm))") }
                output(".\n")
            }
            output("VARIABLE LEVEL arm (NOMINAL).\n")
        }
        if !layout.columns.isEmpty {
            output("FORMATS\n")
            for c in layout.columns { output("  \(c.name) (F8.\(max(0, min(16, displayDecimals))))\n") }
            output(".\n")
        }
        output("EXECUTE.\n")
    }

    /// A single-quoted SPSS string: `'` doubled, line breaks as spaces, at most 255 bytes of UTF-8
    /// (SPSS variable labels hold 256).
    static func quoted(_ s: String) -> String {
        var text = s.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        while text.utf8.count > 255 { text.removeLast() }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
