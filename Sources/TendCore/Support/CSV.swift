import Foundation

/// A parsed CSV document (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends).
///
/// Pure: it parses text that the caller has already read. Row numbers are the 1-based line numbers of
/// the file as a spreadsheet shows them (the header is row 1), so error messages can point at them.
public struct CSVDocument: Sendable, Equatable {
    public var header: [String]
    public var rows: [Row]

    public struct Row: Sendable, Equatable {
        /// 1-based row number in the file (header = 1).
        public var number: Int
        public var fields: [String]
    }

    public init(header: [String], rows: [Row]) {
        self.header = header
        self.rows = rows
    }

    /// Index of a column by case-insensitive, whitespace-trimmed name.
    public func columnIndex(_ name: String) -> Int? {
        let want = name.trimmingWhitespace().lowercased()
        return header.firstIndex { $0.trimmingWhitespace().lowercased() == want }
    }

    public init(parsing text: String) throws(CSVError) {
        var records: [[String]] = []
        var lineOfRecord: [Int] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordStartLine = 1
        var fieldWasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                if field.isEmpty && !fieldWasQuoted { inQuotes = true; fieldWasQuoted = true }
                else { throw CSVError(row: line, message: "a quote character inside an unquoted field; wrap the field in quotes and double the inner quote") }
            case ",":
                record.append(field); field = ""; fieldWasQuoted = false
            case "\r":
                continue
            case "\n":
                record.append(field); field = ""; fieldWasQuoted = false
                if !(record.count == 1 && record[0].isEmpty) {
                    records.append(record); lineOfRecord.append(recordStartLine)
                }
                record = []
                line += 1
                recordStartLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw CSVError(row: recordStartLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted {
            record.append(field)
            records.append(record); lineOfRecord.append(recordStartLine)
        }
        guard let first = records.first else { throw CSVError(row: 1, message: "the file is empty; expected a header row") }
        var header = first
        if let h = header.first, h.hasPrefix("\u{FEFF}") { header[0] = String(h.dropFirst()) }
        self.header = header.map { $0.trimmingWhitespace() }
        self.rows = zip(records.dropFirst(), lineOfRecord.dropFirst()).map { Row(number: $1, fields: $0) }
    }
}

/// A CSV that could not be parsed at all.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public var row: Int
    public var message: String
    public var description: String { "row \(row): \(message)" }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        // By scalar: a CR LF pair is one Character, equal to neither "\r" nor "\n".
        @inline(__always) func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// Left-padded with zeros to at least `width` characters (PDF offsets, JSON `\u` escapes).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    /// CSV-quoted when the field needs it.
    public var csvEscaped: String {
        // Bytes, not Foundation's substring search: exports call this for every cell.
        guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return self }
        return "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
