import Foundation

/// Collects issues while a document is read, so that one pass reports every problem.
final class IssueLog {
    private(set) var issues: [ProgrammeIssue] = []

    func add(_ file: String, _ line: Int?, _ field: String, _ message: String) {
        issues.append(ProgrammeIssue(file: file, line: line, field: field, message: message))
    }

    func append(contentsOf more: [ProgrammeIssue]) { issues += more }

    var isEmpty: Bool { issues.isEmpty }
}

/// Reads the fields of one YAML mapping, recording missing fields, wrong types and unknown keys with
/// their lines. Call ``finish()`` after reading every allowed field.
final class MappingReader {
    let file: String
    let path: String
    let line: Int
    let log: IssueLog
    private let pairs: [ContentNode.Pair]
    private var allowed: [String] = []

    /// Nil (after logging) when `node` is not a mapping.
    init?(_ node: ContentNode, file: String, path: String, log: IssueLog, what: String) {
        self.file = file
        self.path = path
        self.log = log
        self.line = node.line
        guard case .mapping(let pairs, _) = node else {
            log.add(file, node.line, path.isEmpty ? "(front matter)" : path, "expected \(what) (fields written `name: value`), found \(MappingReader.describe(node))")
            return nil
        }
        self.pairs = pairs
        var seen: [String: Int] = [:]
        for pair in pairs {
            if let first = seen[pair.key] {
                log.add(file, pair.keyLine, field(pair.key), "is written twice (first on line \(first)); keep one")
            } else {
                seen[pair.key] = pair.keyLine
            }
        }
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func describe(_ node: ContentNode) -> String {
        switch node {
        case .scalar(let s, _, _): return "\"\(s)\""
        case .null: return "nothing"
        case .sequence: return "a list"
        case .mapping: return "a set of fields"
        }
    }

    /// The value of `key`, marking it allowed; nil when absent or null.
    func value(_ key: String) -> ContentNode? {
        allowed.append(key)
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        if case .null = pair.value { return nil }
        return pair.value
    }

    func present(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    func lineOf(_ key: String) -> Int { pairs.first { $0.key == key }?.keyLine ?? line }

    private func missing(_ key: String, _ expected: String) {
        log.add(file, line, field(key), "is missing; expected \(expected)")
    }

    func string(_ key: String, required: Bool = true, expected: String = "text") -> String? {
        guard let node = value(key) else {
            if required { missing(key, expected) }
            return nil
        }
        guard case .scalar(let text, _, _) = node else {
            log.add(file, node.line, field(key), "expected \(expected), found \(MappingReader.describe(node))")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            log.add(file, node.line, field(key), "is empty; expected \(expected)")
            return nil
        }
        return trimmed
    }

    /// A whole number within `range`.
    func int(_ key: String, required: Bool = true, range: ClosedRange<Int> = 1...10_000, expected: String = "a whole number of minutes") -> Int? {
        guard let node = value(key) else {
            if required { missing(key, expected) }
            return nil
        }
        return MappingReader.int(node, file: file, field: field(key), range: range, expected: expected, log: log)
    }

    static func int(_ node: ContentNode, file: String, field: String, range: ClosedRange<Int>, expected: String, log: IssueLog) -> Int? {
        guard case .scalar(let text, let quoted, _) = node, !quoted, let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            log.add(file, node.line, field, "expected \(expected), found \(describe(node))")
            return nil
        }
        guard range.contains(n) else {
            log.add(file, node.line, field, "\(n) is outside \(range.lowerBound)…\(range.upperBound); expected \(expected)")
            return nil
        }
        return n
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = true) -> E? where E.RawValue == String {
        let options = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let text = string(key, required: required, expected: "one of \(options)") else { return nil }
        guard let value = E(rawValue: text) else {
            let suggestion = closest(text, among: E.allCases.map(\.rawValue)).map { " (did you mean \"\($0)\"?)" } ?? ""
            log.add(file, value(key)?.line ?? line, field(key), "\"\(text)\" is not allowed\(suggestion); expected one of \(options)")
            return nil
        }
        return value
    }

    /// The items of a list, each with its field path; `[]` when absent (and an issue when required).
    func list(_ key: String, required: Bool = false, expected: String = "a list") -> [(node: ContentNode, field: String)] {
        guard let node = value(key) else {
            if required { missing(key, expected) }
            return []
        }
        guard case .sequence(let items, _) = node else {
            log.add(file, node.line, field(key), "expected \(expected) (lines starting `- `), found \(MappingReader.describe(node))")
            return []
        }
        if items.isEmpty && required {
            log.add(file, node.line, field(key), "is empty; expected \(expected)")
        }
        return items.enumerated().map { ($0.element, "\(field(key))[\($0.offset)]") }
    }

    func strings(_ key: String, expected: String = "a list of ids") -> [(value: String, line: Int, field: String)] {
        list(key, expected: expected).compactMap { item in
            guard case .scalar(let text, _, let line) = item.node else {
                log.add(file, item.node.line, item.field, "expected an id, found \(MappingReader.describe(item.node))")
                return nil
            }
            return (text.trimmingCharacters(in: .whitespaces), line, item.field)
        }
    }

    func mapping(_ key: String, required: Bool = false, what: String) -> MappingReader? {
        guard let node = value(key) else {
            if required { missing(key, what) }
            return nil
        }
        return MappingReader(node, file: file, path: field(key), log: log, what: what)
    }

    /// Reports every key that was not read.
    func finish() {
        for pair in pairs where !allowed.contains(pair.key) {
            let suggestion = closest(pair.key, among: allowed).map { "did you mean \"\($0)\"? " } ?? ""
            log.add(file, pair.keyLine, field(pair.key),
                    "unknown field; \(suggestion)expected one of: \(allowed.joined(separator: ", "))")
        }
    }
}

/// The nearest allowed word by edit distance, when it is close enough to be a likely typo.
func closest(_ word: String, among options: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
    let w = Array(word.lowercased())
    let scored = options.map { ($0, distance(w, Array($0.lowercased()))) }.sorted { $0.1 < $1.1 }
    guard let best = scored.first, best.1 <= max(1, w.count / 3) else { return nil }
    return best.0
}
