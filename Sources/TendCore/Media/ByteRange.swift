import Foundation

/// A single byte range of a `Range: bytes=…` request header (RFC 9110, section 14).
public enum ByteRangeSpec: Sendable, Equatable {
    /// `bytes=a-b`: from `a` to `b` inclusive.
    case closed(first: Int64, last: Int64)
    /// `bytes=a-`: from `a` to the end.
    case from(first: Int64)
    /// `bytes=-n`: the last `n` bytes.
    case suffix(length: Int64)

    /// Parses a whole `Range` header value. Returns nil when it is not a single, well-formed byte range
    /// (other units, several ranges, bad syntax): the server then ignores the header and sends the
    /// whole file, as RFC 9110 allows.
    public static func parse(_ header: String) -> ByteRangeSpec? {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard let equals = value.firstIndex(of: "=") else { return nil }
        let unit = value[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard unit == "bytes" else { return nil }
        let set = value[value.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !set.contains(","), let dash = set.firstIndex(of: "-") else { return nil }
        let firstText = set[..<dash].trimmingCharacters(in: .whitespaces)
        let lastText = set[set.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ text: String) -> Int64? {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(text)
        }
        switch (firstText.isEmpty, lastText.isEmpty) {
        case (true, true):
            return nil
        case (true, false):
            return number(lastText).map { .suffix(length: $0) }
        case (false, true):
            return number(firstText).map { .from(first: $0) }
        case (false, false):
            guard let first = number(firstText), let last = number(lastText), first <= last else { return nil }
            return .closed(first: first, last: last)
        }
    }

    /// The bytes this range selects in a representation of `size` bytes, clamped to the end; nil when
    /// it selects none (the first byte is past the end, or a suffix of length zero).
    public func resolve(size: Int64) -> ClosedRange<Int64>? {
        guard size > 0 else { return nil }
        switch self {
        case .closed(let first, let last):
            guard first < size else { return nil }
            return first...min(last, size - 1)
        case .from(let first):
            guard first < size else { return nil }
            return first...(size - 1)
        case .suffix(let length):
            guard length > 0 else { return nil }
            return max(0, size - length)...(size - 1)
        }
    }
}

/// What to send for a `GET` of stored media, given the request's `Range` and `If-Range` headers.
public enum RangeDecision: Sendable, Equatable {
    /// `200 OK` with every byte.
    case full
    /// `206 Partial Content` with these bytes.
    case partial(ClosedRange<Int64>)
    /// `416 Range Not Satisfiable` with `Content-Range: bytes */size`.
    case unsatisfiable

    /// Decides for a representation of `size` bytes whose strong entity tag is `etag` (quoted).
    /// A missing or unparseable `Range` means the whole file; an `If-Range` that does not match
    /// `etag` also means the whole file (the client's partial copy is stale).
    public static func decide(range: String?, ifRange: String?, etag: String, size: Int64) -> RangeDecision {
        guard let range, let spec = ByteRangeSpec.parse(range) else { return .full }
        if let ifRange, ifRange.trimmingCharacters(in: .whitespaces) != etag { return .full }
        guard let bytes = spec.resolve(size: size) else { return .unsatisfiable }
        return .partial(bytes)
    }

    /// The `Content-Range` header value for this decision, if it has one.
    public func contentRange(size: Int64) -> String? {
        switch self {
        case .full: return nil
        case .partial(let bytes): return "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
        case .unsatisfiable: return "bytes */\(size)"
        }
    }

    /// How many body bytes are sent.
    public func byteCount(size: Int64) -> Int64 {
        switch self {
        case .full: return size
        case .partial(let bytes): return bytes.upperBound - bytes.lowerBound + 1
        case .unsatisfiable: return 0
        }
    }
}
