/// A strict reader of JSON text (RFC 8259) into plain values, for JSON that is read in bulk: an export
/// reads the stored answers and scores of hundreds of thousands of questionnaires, and decoding each
/// through `Codable` costs more than everything else the export does with it.
///
/// Anything that is not JSON is refused (nil): a trailing comma, a leading `+` or zero, a control
/// character or a lone surrogate in a string, text after the value, nesting deeper than 64. Numbers are
/// kept as their literal text, so that the caller converts them as it needs (see ``Value/double`` and
/// ``Value/int``); objects keep their members in order, duplicates included.
public enum JSONText {
    public indirect enum Value: Equatable, Sendable {
        case null
        case bool(Bool)
        /// The number's literal text, e.g. `-12.5e3`.
        case number(String)
        case string(String)
        case array([Value])
        case object([(key: String, value: Value)])

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case let (.bool(x), .bool(y)): return x == y
            case let (.number(x), .number(y)), let (.string(x), .string(y)): return x == y
            case let (.array(x), .array(y)): return x == y
            case let (.object(x), .object(y)):
                return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: return false
            }
        }

        /// A number that a `Double` holds: its correctly rounded value; nil for other values and for
        /// numbers beyond the range of a `Double`.
        public var double: Double? {
            guard case .number(let text) = self, let v = Double(text), v.isFinite else { return nil }
            return v
        }

        /// A number written as an integer (no fraction, no exponent) that an `Int` holds; nil otherwise.
        public var int: Int? {
            guard case .number(let text) = self else { return nil }
            return Int(text)
        }

        public var string: String? {
            guard case .string(let s) = self else { return nil }
            return s
        }

        public var array: [Value]? {
            guard case .array(let a) = self else { return nil }
            return a
        }

        /// The members of an object whose keys are all different, by key; nil for other values and for
        /// an object that repeats a key (readers differ on which one counts).
        public var members: [String: Value]? {
            guard case .object(let pairs) = self else { return nil }
            var out: [String: Value] = [:]
            out.reserveCapacity(pairs.count)
            for (key, value) in pairs where out.updateValue(value, forKey: key) != nil { return nil }
            return out
        }
    }

    static let maximumDepth = 64

    /// The value of a JSON text, or nil when the text is not JSON.
    public static func parse(_ text: String) -> Value? {
        var copy = text
        return copy.withUTF8 { buffer -> Value? in
            var reader = Reader(bytes: buffer)
            reader.skipSpace()
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.position == buffer.count ? value : nil
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
        }

        mutating func expect(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for i in 0..<count where bytes[position + i] != word.utf8Start[i] { return false }
            position += count
            return true
        }

        mutating func value(depth: Int) -> Value? {
            guard depth < JSONText.maximumDepth, let c = current else { return nil }
            switch c {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return expect("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return expect("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return expect("null") ? .null : nil
            default: return number()
            }
        }

        mutating func array(depth: Int) -> Value? {
            position += 1
            var items: [Value] = []
            skipSpace()
            if current == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipSpace()
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipSpace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(items)
                default: return nil
                }
            }
        }

        mutating func object(depth: Int) -> Value? {
            position += 1
            var members: [(key: String, value: Value)] = []
            skipSpace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard current == UInt8(ascii: ":") else { return nil }
                position += 1
                skipSpace()
                guard let item = value(depth: depth + 1) else { return nil }
                members.append((key, item))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .object(members)
                default: return nil
                }
            }
        }

        /// A string from its opening quote: text without escapes is taken as it is; escapes are decoded.
        mutating func string() -> String? {
            position += 1
            let start = position
            while let c = current, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") {
                if c < 0x20 { return nil }
                position += 1
            }
            guard let c = current else { return nil }
            var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if c == UInt8(ascii: "\"") { position += 1; return text }
            // Escapes: the rest is read a piece at a time.
            var plainStart = position
            while let c = current {
                if c == UInt8(ascii: "\"") {
                    text += String(decoding: UnsafeBufferPointer(rebasing: bytes[plainStart..<position]), as: UTF8.self)
                    position += 1
                    return text
                }
                if c < 0x20 { return nil }
                guard c == UInt8(ascii: "\\") else { position += 1; continue }
                text += String(decoding: UnsafeBufferPointer(rebasing: bytes[plainStart..<position]), as: UTF8.self)
                position += 1
                guard let e = current else { return nil }
                position += 1
                switch e {
                case UInt8(ascii: "\""): text += "\""
                case UInt8(ascii: "\\"): text += "\\"
                case UInt8(ascii: "/"): text += "/"
                case UInt8(ascii: "b"): text += "\u{08}"
                case UInt8(ascii: "f"): text += "\u{0C}"
                case UInt8(ascii: "n"): text += "\n"
                case UInt8(ascii: "r"): text += "\r"
                case UInt8(ascii: "t"): text += "\t"
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    var scalar: Unicode.Scalar?
                    if (0xD800..<0xDC00).contains(unit) {
                        // A high surrogate must be followed by an escaped low one.
                        guard expect("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        scalar = Unicode.Scalar(unit)  // nil for a lone low surrogate
                    }
                    guard let scalar else { return nil }
                    text.unicodeScalars.append(scalar)
                default: return nil
                }
                plainStart = position
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: return nil
                }
                v = v << 4 | UInt32(digit)
                position += 1
            }
            return v
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Value? {
            let start = position
            func digits() -> Int {
                let from = position
                while let c = current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { position += 1 }
                return position - from
            }
            if current == UInt8(ascii: "-") { position += 1 }
            guard let first = current else { return nil }
            if first == UInt8(ascii: "0") {
                position += 1
            } else if digits() == 0 {
                return nil
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { return nil }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { return nil }
            }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        }
    }
}
