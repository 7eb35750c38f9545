import Foundation

/// A minimal reader for the uncompressed PDFs TendCore writes, used to check their structure from the
/// bytes alone: the trailer, the cross-reference table, objects by number, and page content streams.
struct PDFTestReader {
    let bytes: [UInt8]
    /// The file as Latin-1 text: one character per byte, so string offsets are byte offsets.
    let text: [Character]
    let string: String

    init(_ data: Data) {
        bytes = Array(data)
        text = bytes.map { Character(Unicode.Scalar($0)) }
        string = String(text)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    func range(of needle: String, from start: Int = 0, backwards: Bool = false) -> Int? {
        let n = Array(needle)
        guard n.count <= text.count else { return nil }
        guard start <= text.count - n.count else { return nil }
        let indices = start...(text.count - n.count)
        func matches(_ i: Int) -> Bool { text[i] == n[0] && text[i..<(i + n.count)].elementsEqual(n) }
        return backwards ? indices.reversed().first(where: matches) : indices.first(where: matches)
    }

    /// The number after the last `startxref`.
    func startxref() throws -> Int {
        guard let at = range(of: "startxref", backwards: true) else { throw Failure(description: "no startxref") }
        let digits = text[(at + 9)...].drop { $0.isWhitespace }.prefix { $0.isNumber }
        guard let n = Int(String(digits)) else { throw Failure(description: "startxref has no number") }
        return n
    }

    /// The in-use entries of the cross-reference table: object number to byte offset.
    func xref() throws -> [Int: Int] {
        let start = try startxref()
        let lines = String(text[start...]).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "xref" else { throw Failure(description: "startxref does not point at 'xref'") }
        let header = lines[1].split(separator: " ")
        guard header.count == 2, let first = Int(header[0]), let count = Int(header[1]) else {
            throw Failure(description: "bad subsection header \(lines[1])")
        }
        var out: [Int: Int] = [:]
        for i in 0..<count {
            let entry = lines[2 + i]
            // Every entry is exactly 20 bytes with its end-of-line: "nnnnnnnnnn ggggg n \n".
            guard entry.count == 19 else { throw Failure(description: "entry \(i) is not 20 bytes: \(entry)") }
            let parts = entry.split(separator: " ")
            if parts[2] == "n" { out[first + i] = Int(parts[0])! }
        }
        return out
    }

    /// The trailer dictionary's text.
    func trailer() throws -> String {
        guard let at = range(of: "trailer", backwards: true), let end = range(of: "startxref", from: at) else {
            throw Failure(description: "no trailer")
        }
        return String(text[at..<end])
    }

    /// The text of object `number`, between "n 0 obj" and "endobj", found through the xref table.
    func object(_ number: Int) throws -> String {
        guard let offset = try xref()[number] else { throw Failure(description: "object \(number) is not in the xref table") }
        let head = "\(number) 0 obj"
        guard String(text[offset..<min(offset + head.count, text.count)]) == head else {
            throw Failure(description: "xref offset of object \(number) does not point at '\(head)'")
        }
        guard let end = range(of: "endobj", from: offset) else { throw Failure(description: "object \(number) has no endobj") }
        return String(text[(offset + head.count)..<end])
    }

    /// The object number of the reference after `key` in `dictionary` ("/Root 1 0 R" gives 1).
    static func reference(_ key: String, in dictionary: String) -> Int? {
        guard let r = dictionary.range(of: key + " ") else { return nil }
        return Int(dictionary[r.upperBound...].prefix { $0.isNumber })
    }

    /// All references in the array after `key` ("/Kids [5 0 R 7 0 R]" gives [5, 7]).
    static func references(_ key: String, in dictionary: String) -> [Int] {
        guard let r = dictionary.range(of: key + " ["), let end = dictionary[r.upperBound...].firstIndex(of: "]") else { return [] }
        let parts = dictionary[r.upperBound..<end].split(separator: " ")
        return stride(from: 0, to: parts.count - 2, by: 3).compactMap { parts[$0 + 2] == "R" ? Int(parts[$0]) : nil }
    }

    /// The page objects, in order, reached from the trailer's /Root through /Pages and /Kids.
    func pages() throws -> [Int] {
        let trailer = try trailer()
        guard let root = Self.reference("/Root", in: trailer) else { throw Failure(description: "trailer has no /Root") }
        let catalog = try object(root)
        guard catalog.contains("/Type /Catalog"), let tree = Self.reference("/Pages", in: catalog) else {
            throw Failure(description: "the catalog has no /Pages")
        }
        return Self.references("/Kids", in: try object(tree))
    }

    /// The decoded content of the stream of object `number` (streams are uncompressed), checked
    /// against its /Length.
    func stream(_ number: Int) throws -> String {
        let body = try object(number)
        guard let length = Int(body.components(separatedBy: "/Length ").dropFirst().first?.prefix { $0.isNumber } ?? ""),
              let start = body.range(of: "stream\n") else { throw Failure(description: "object \(number) is not a stream") }
        let content = body[start.upperBound...]
        let data = String(content.prefix(length))
        guard content.dropFirst(length).hasPrefix("\nendstream") else {
            throw Failure(description: "stream \(number): /Length \(length) does not end at endstream")
        }
        return data
    }

    /// The content stream of each page, in page order.
    func pageContents() throws -> [String] {
        try pages().map { page in
            let dictionary = try object(page)
            guard let contents = Self.reference("/Contents", in: dictionary) else { throw Failure(description: "page \(page) has no /Contents") }
            return try stream(contents)
        }
    }
}
