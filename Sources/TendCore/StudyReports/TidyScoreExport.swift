import Foundation

/// One score in the tidy long export.
public struct TidyScoreRow: Sendable, Equatable, Codable {
    /// Pseudonymous study code of the participant.
    public var studyCode: String
    public var arm: String
    public var timepoint: String
    /// `"<instrument>.<scale>"`.
    public var measure: String
    /// Nil when the questionnaire was completed but could not be scored.
    public var score: Double?
    public var completedAt: Date?
    /// Completed outside the timepoint's window.
    public var late: Bool

    public init(studyCode: String, arm: String, timepoint: String, measure: String, score: Double?, completedAt: Date?, late: Bool) {
        self.studyCode = studyCode
        self.arm = arm
        self.timepoint = timepoint
        self.measure = measure
        self.score = score
        self.completedAt = completedAt
        self.late = late
    }
}

/// Text forms shared by the exports.
enum ExportFormat {
    /// Full precision: whole numbers without a decimal point, anything else in Swift's shortest
    /// representation that reads back to the same Double.
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// UTC instant as `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds when present).
    static func instant(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: !whole, timeZone: TimeZone(identifier: "UTC")!))
    }
}

/// The tidy long CSV: one row per participant × timepoint × measure (RFC 4180 quoting).
///
/// Columns: `study_code,arm,timepoint,measure,score,completed_at,late`. Scores at full precision; a
/// missing score or time is an empty cell; `late` is `1` or `0`; `completed_at` is ISO 8601 in UTC.
public enum TidyScoreExport {
    public static let header = ["study_code", "arm", "timepoint", "measure", "score", "completed_at", "late"]

    /// Writes the header, then one line per row as the sequence yields it; `output` receives whole lines
    /// ending in CRLF, so the file is never held in memory.
    public static func write<Rows: Sequence>(_ rows: Rows, to output: (String) -> Void) where Rows.Element == TidyScoreRow {
        output(headerLine())
        for row in rows { output(line(row)) }
    }

    /// The header line (CRLF-terminated), for writers that produce the rows in batches. Without the arm
    /// (`includeArm: false`, for staff blinded to allocation) the `arm` column is left out altogether.
    public static func headerLine(includeArm: Bool = true) -> String {
        header.filter { includeArm || $0 != "arm" }.joined(separator: ",") + "\r\n"
    }

    /// One row as a CRLF-terminated line, with or without its arm column (matching ``headerLine(includeArm:)``).
    public static func line(_ row: TidyScoreRow, includeArm: Bool = true) -> String {
        var fields = [row.studyCode, row.timepoint, row.measure,
                      row.score.map(ExportFormat.number) ?? "", row.completedAt.map(ExportFormat.instant) ?? "",
                      row.late ? "1" : "0"]
        if includeArm { fields.insert(row.arm, at: 1) }
        return fields.map(\.csvEscaped).joined(separator: ",") + "\r\n"
    }
}
