import Vapor

/// The fields of an `application/x-www-form-urlencoded` body, read straight from its bytes.
///
/// Every form post is read twice: the CSRF check needs one field, the handler needs them all. Vapor's
/// general decoder builds a tree for `a[b]` names and goes through `Codable` for each; Tend's forms use
/// flat names, so a single pass over the bytes gives the same text (`+` is a space, `%XX` a byte, bytes
/// that are not UTF-8 become U+FFFD) for a fraction of the work. A name given twice keeps its last value.
/// Bodies of any other type are left to Vapor's decoders.
enum FormBody {
    /// The fields of `request`'s collected body, or nil when the body is not URL-encoded form data.
    static func fields(of request: Request) -> [String: String]? {
        guard isURLEncoded(request.headers) else { return nil }
        guard let body = request.body.data else { return [:] }
        return body.readableBytesView.withContiguousStorageIfAvailable { parse($0) } ?? parse(Array(body.readableBytesView))
    }

    /// One field of `request`'s collected body; nil when it is absent or the body is not URL-encoded.
    static func value(named name: String, of request: Request) -> String? {
        guard isURLEncoded(request.headers), let body = request.body.data else { return nil }
        return body.readableBytesView.withContiguousStorageIfAvailable { value(named: name, in: $0) }
            ?? value(named: name, in: Array(body.readableBytesView))
    }

    /// Whether the body is URL-encoded form data: the Content-Type's type and subtype, in any case, with
    /// or without parameters (a quick look at the text, not a full parse of the header).
    static func isURLEncoded(_ headers: HTTPHeaders) -> Bool {
        guard let value = headers.first(name: .contentType) else { return false }
        let type = "application/x-www-form-urlencoded".utf8
        let given = value.utf8
        guard given.count >= type.count else { return false }
        for (a, b) in zip(given, type) where (UInt8(ascii: "A")...UInt8(ascii: "Z") ~= a ? a | 0x20 : a) != b { return false }
        let rest = given.dropFirst(type.count)
        return rest.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            || rest.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.first == UInt8(ascii: ";")
    }

    static func parse(_ bytes: some Collection<UInt8>) -> [String: String] {
        var fields: [String: String] = [:]
        forEachPair(in: bytes) { name, value in fields[decode(name)] = decode(value) }
        return fields
    }

    /// The last value given for `name`.
    static func value(named name: String, in bytes: some Collection<UInt8>) -> String? {
        var found: String?
        forEachPair(in: bytes) { key, value in
            if decode(key) == name { found = decode(value) }
        }
        return found
    }

    /// Calls `body` with the raw name and value of each `name=value` pair, in order.
    private static func forEachPair<C: Collection<UInt8>>(in bytes: C, _ body: (C.SubSequence, C.SubSequence) -> Void) {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
            let pair = bytes[start..<end]
            if !pair.isEmpty {
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    body(pair[..<equals], pair[pair.index(after: equals)...])
                } else {
                    body(pair, pair[pair.endIndex...])
                }
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
    }

    /// `+` as a space and `%XX` as the byte; a `%` not followed by two hex digits stays as it is.
    static func decode(_ raw: some Collection<UInt8>) -> String {
        if !raw.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) {
            return String(decoding: raw, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let first = raw.index(after: index)
                if first < raw.endIndex, raw.index(after: first) < raw.endIndex,
                   let high = hex(raw[first]), let low = hex(raw[raw.index(after: first)]) {
                    out.append(high << 4 | low)
                    index = raw.index(after: raw.index(after: first))
                    continue
                }
                out.append(byte)
            } else {
                out.append(byte)
            }
            index = raw.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
