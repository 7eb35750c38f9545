import Foundation

/// The participant identifiers of a `ScoreTable`, in order: their UTF-8 bytes one after another and where
/// each one ends. A million identifiers are then two arrays rather than a million strings, which a reader
/// fills and a merge appends with a copy of bytes; each identifier reads as a `String` when asked for.
public struct ParticipantIDs: RandomAccessCollection, Equatable, Hashable, Sendable, ExpressibleByArrayLiteral,
                              CustomStringConvertible {
    /// The identifiers' UTF-8 bytes, one after another.
    private var bytes: [UInt8] = []
    /// Where each identifier's bytes end in `bytes` (each starts where the one before it ends).
    private var ends: [Int] = []

    public init() {}

    public init<S: Sequence>(_ identifiers: S) where S.Element == String {
        for id in identifiers { append(id) }
    }

    public init(arrayLiteral identifiers: String...) { self.init(identifiers) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    public subscript(position: Int) -> String {
        let range = byteRange(position)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The first position of `identifier`, comparing bytes (no string is made per identifier).
    public func firstIndex(of identifier: String) -> Int? {
        var id = identifier
        return id.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                for (i, end) in ends.enumerated() {
                    defer { start = end }
                    guard end - start == wanted.count else { continue }
                    if wanted.isEmpty || memcmp(all.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0 { return i }
                }
                return nil
            }
        }
    }

    public var description: String { Array(self).description }

    /// Bytes held: the identifiers' lengths summed.
    var byteCount: Int { bytes.count }

    private func byteRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    mutating func append(_ identifier: String) {
        bytes.append(contentsOf: identifier.utf8)
        ends.append(bytes.count)
    }

    /// Appends the identifier whose UTF-8 bytes are the `count` at `p` (valid UTF-8: the caller checks).
    @inline(__always) mutating func append(utf8 p: UnsafePointer<UInt8>, count: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        ends.append(bytes.count)
    }

    /// Appends identifier `i` of `other`.
    mutating func append(_ other: ParticipantIDs, at i: Int) {
        bytes.append(contentsOf: other.bytes[other.byteRange(i)])
        ends.append(bytes.count)
    }

    /// Appends the identifiers of `other` from position `first` on: their bytes in one copy.
    mutating func append(contentsOf other: ParticipantIDs, from first: Int) {
        guard first < other.count else { return }
        let from = first == 0 ? 0 : other.ends[first - 1]
        let shift = bytes.count - from
        bytes.append(contentsOf: other.bytes[from...])
        ends.reserveCapacity(ends.count + other.count - first)
        for end in other.ends[first...] { ends.append(end &+ shift) }
    }

    /// Room for `count` identifiers of `bytesEach` bytes on average, so that appending them does not move
    /// what is held.
    mutating func reserveCapacity(_ count: Int, bytesEach: Int) {
        ends.reserveCapacity(count)
        bytes.reserveCapacity(count * bytesEach)
    }
}
