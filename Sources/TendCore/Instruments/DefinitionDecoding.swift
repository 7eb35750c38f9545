import Foundation

// Strict decoding support for instrument definition files: unknown fields are rejected, whole numbers
// are checked as such, and every failure carries the field path and what was expected.

/// A problem found while decoding or validating a definition, before the file name is attached.
struct DefinitionIssue: Error, Sendable {
    var path: String
    var message: String

    init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    init(codingPath: [any CodingKey], message: String) {
        self.path = DefinitionPath.render(codingPath)
        self.message = message
    }
}

/// Renders coding paths as `scales[0].items[3]`.
enum DefinitionPath {
    static func render(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out
    }
}

/// A key that matches any field name, used to find unknown fields.
struct DefinitionKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A string enumeration as it appears in a definition file.
protocol DefinitionEnum: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

extension DefinitionEnum {
    /// "one of "sum", "mean"".
    static var expectation: String {
        "one of " + allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    }

    /// Decodes the enumeration, naming the allowed values when the text is not one of them.
    static func decodeStrictly(from decoder: any Decoder) throws -> Self {
        let container = try decoder.singleValueContainer()
        let raw: String
        do {
            raw = try container.decode(String.self)
        } catch {
            throw DefinitionIssue(codingPath: decoder.codingPath, message: "expected text, \(expectation)")
        }
        guard let value = Self(rawValue: raw) else {
            throw DefinitionIssue(codingPath: decoder.codingPath, message: "\"\(raw)\" is not allowed; expected \(expectation)")
        }
        return value
    }
}

extension Decoder {
    /// A keyed container that rejects any field not in `allowed` (default: every case of `K`).
    func strictContainer<K: CodingKey & CaseIterable>(keyedBy type: K.Type, allowing allowed: [K]? = nil,
                                                      what: String = "here") throws -> KeyedDecodingContainer<K> {
        let any: KeyedDecodingContainer<DefinitionKey>
        do {
            any = try container(keyedBy: DefinitionKey.self)
        } catch {
            throw DefinitionIssue(codingPath: codingPath, message: "expected an object ({ … })")
        }
        let names = (allowed ?? Array(K.allCases)).map(\.stringValue)
        for key in any.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !names.contains(key.stringValue) {
            var message = "unknown field"
            if let suggestion = DefinitionSpelling.closest(to: key.stringValue, among: names) {
                message += " (did you mean \"\(suggestion)\"?)"
            }
            message += "; the fields allowed \(what) are " + names.joined(separator: ", ")
            throw DefinitionIssue(codingPath: codingPath + [key], message: message)
        }
        return try container(keyedBy: K.self)
    }
}

extension KeyedDecodingContainer {
    private func missing(_ key: Key, expected: String) -> DefinitionIssue {
        DefinitionIssue(codingPath: codingPath + [key], message: "is missing; expected \(expected)")
    }

    private func mismatch(_ key: Key, expected: String) -> DefinitionIssue {
        DefinitionIssue(codingPath: codingPath + [key], message: "expected \(expected)")
    }

    func requiredString(_ key: Key) throws -> String {
        guard contains(key), try !decodeNil(forKey: key) else { throw missing(key, expected: "text") }
        do { return try decode(String.self, forKey: key) } catch { throw mismatch(key, expected: "text") }
    }

    func optionalString(_ key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        do { return try decode(String.self, forKey: key) } catch { throw mismatch(key, expected: "text") }
    }

    func requiredBool(_ key: Key) throws -> Bool {
        guard contains(key), try !decodeNil(forKey: key) else { throw missing(key, expected: "true or false") }
        do { return try decode(Bool.self, forKey: key) } catch { throw mismatch(key, expected: "true or false") }
    }

    func requiredDouble(_ key: Key) throws -> Double {
        guard contains(key), try !decodeNil(forKey: key) else { throw missing(key, expected: "a number") }
        do { return try decode(Double.self, forKey: key) } catch { throw mismatch(key, expected: "a number") }
    }

    func optionalDouble(_ key: Key) throws -> Double? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        do { return try decode(Double.self, forKey: key) } catch { throw mismatch(key, expected: "a number") }
    }

    func requiredInt(_ key: Key) throws -> Int {
        guard contains(key), try !decodeNil(forKey: key) else { throw missing(key, expected: "a whole number") }
        let value: Double
        do { value = try decode(Double.self, forKey: key) } catch { throw mismatch(key, expected: "a whole number") }
        return try Self.wholeNumber(value, path: codingPath + [key])
    }

    func optionalInt(_ key: Key) throws -> Int? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try requiredInt(key)
    }

    /// A list of whole numbers (item numbers); each element's path is reported on error.
    func requiredInts(_ key: Key) throws -> [Int] {
        guard contains(key), try !decodeNil(forKey: key) else { throw missing(key, expected: "a list of item numbers, e.g. [1, 2, 3]") }
        var list: UnkeyedDecodingContainer
        do { list = try nestedUnkeyedContainer(forKey: key) } catch {
            throw mismatch(key, expected: "a list of item numbers, e.g. [1, 2, 3]")
        }
        var out: [Int] = []
        while !list.isAtEnd {
            let path = codingPath + [key, DefinitionIndexKey(list.currentIndex)]
            let value: Double
            do { value = try list.decode(Double.self) } catch {
                throw DefinitionIssue(codingPath: path, message: "expected a whole number (an item number)")
            }
            out.append(try Self.wholeNumber(value, path: path))
        }
        return out
    }

    func optionalInts(_ key: Key) throws -> [Int]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try requiredInts(key)
    }

    func optionalStrings(_ key: Key) throws -> [String]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        var list: UnkeyedDecodingContainer
        do { list = try nestedUnkeyedContainer(forKey: key) } catch { throw mismatch(key, expected: "a list of text") }
        var out: [String] = []
        while !list.isAtEnd {
            let path = codingPath + [key, DefinitionIndexKey(list.currentIndex)]
            do { out.append(try list.decode(String.self)) } catch {
                throw DefinitionIssue(codingPath: path, message: "expected text")
            }
        }
        return out
    }

    /// A nested object or enumeration; decoding failures inside it keep their own paths.
    func required<T: Decodable>(_ type: T.Type, _ key: Key, expected: String) throws -> T {
        guard contains(key), try !decodeNil(forKey: key) else { throw missing(key, expected: expected) }
        return try decodeDefinitionValue(T.self, key, expected: expected)
    }

    func optional<T: Decodable>(_ type: T.Type, _ key: Key, expected: String) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeDefinitionValue(T.self, key, expected: expected)
    }

    private func decodeDefinitionValue<T: Decodable>(_ type: T.Type, _ key: Key, expected: String) throws -> T {
        do {
            return try decode(T.self, forKey: key)
        } catch let error as DefinitionIssue {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count <= codingPath.count + 1 {
            throw mismatch(key, expected: expected)
        }
    }

    private static func wholeNumber(_ value: Double, path: [any CodingKey]) throws -> Int {
        guard value == value.rounded(), abs(value) < 1e9 else {
            throw DefinitionIssue(codingPath: path, message: "\(InstrumentFormatting.number(value)) is not a whole number")
        }
        return Int(value)
    }
}

/// An array index as a coding key.
struct DefinitionIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// Suggests the intended field name for a misspelt one.
enum DefinitionSpelling {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (name: String, distance: Int)? = nil
        for candidate in candidates {
            let d = distance(lower, candidate.lowercased())
            if d <= max(2, candidate.count / 4), d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Levenshtein edit distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Number formatting for messages and files.
enum InstrumentFormatting {
    /// A number as people write it: no trailing ".0" on whole numbers, otherwise Swift's shortest
    /// round-tripping representation (full precision).
    static func number(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// "items 3, 5 and 7".
    static func itemList(_ items: [Int]) -> String {
        let words = items.map(String.init)
        let list: String
        switch words.count {
        case 0: list = ""
        case 1: list = words[0]
        default: list = words.dropLast().joined(separator: ", ") + " and " + words.last!
        }
        return (items.count == 1 ? "item " : "items ") + list
    }
}
