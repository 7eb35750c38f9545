import Foundation

/// The participant identifiers of a `ScoreTable`, in order: their UTF-8 bytes one after another and where
/// each one ends. A million identifiers are then two blocks of memory rather than a million strings, which
/// a reader fills a few bytes at a time and a merge appends with a copy of bytes; each identifier reads as
/// a `String` when asked for. A value: copies share their memory until one of them is changed.
public struct ParticipantIDs: RandomAccessCollection, Equatable, Hashable, Sendable, ExpressibleByArrayLiteral,
                              CustomStringConvertible {
    /// The bytes and ends, grown by doubling; shared by copies until one is changed.
    private final class Storage: @unchecked Sendable {
        var bytes: UnsafeMutablePointer<UInt8>
        var byteCount = 0, byteCapacity: Int
        /// Where each identifier's bytes end in `bytes` (each starts where the one before it ends).
        var ends: UnsafeMutablePointer<Int>
        var count = 0, capacity: Int

        init(capacity: Int, byteCapacity: Int) {
            self.capacity = Swift.max(1, capacity)
            self.byteCapacity = Swift.max(8, byteCapacity)
            ends = reallocated(nil, to: self.capacity)
            bytes = reallocated(nil, to: self.byteCapacity)
        }

        func copy() -> Storage {
            let other = Storage(capacity: capacity, byteCapacity: byteCapacity)
            other.bytes.initialize(from: bytes, count: byteCount)
            other.ends.initialize(from: ends, count: count)
            other.byteCount = byteCount
            other.count = count
            return other
        }

        /// Room for `identifiers` more identifiers of `more` bytes in all.
        @inline(__always) func makeRoom(identifiers: Int, bytes more: Int) {
            if count &+ identifiers > capacity { growEnds(to: count + identifiers) }
            if byteCount &+ more > byteCapacity { growBytes(to: byteCount + more) }
        }

        func growEnds(to wanted: Int) {
            capacity = Swift.max(wanted, 2 * capacity)
            ends = reallocated(ends, to: capacity)
        }

        func growBytes(to wanted: Int) {
            byteCapacity = Swift.max(wanted, 2 * byteCapacity)
            bytes = reallocated(bytes, to: byteCapacity)
        }

        deinit {
            free(ends)
            free(bytes)
        }
    }

    private var storage: Storage

    public init() { storage = Storage(capacity: 16, byteCapacity: 128) }

    public init<S: Sequence>(_ identifiers: S) where S.Element == String {
        self.init()
        for id in identifiers { append(id) }
    }

    public init(arrayLiteral identifiers: String...) { self.init(identifiers) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(position: Int) -> String {
        precondition(position >= 0 && position < storage.count, "participant index out of range")
        let range = byteRange(position)
        return String(decoding: UnsafeBufferPointer(start: storage.bytes + range.lowerBound, count: range.count), as: UTF8.self)
    }

    /// The first position of `identifier`, comparing bytes (no string is made per identifier).
    public func firstIndex(of identifier: String) -> Int? {
        var id = identifier
        return id.withUTF8 { wanted in
            var start = 0
            for i in 0..<storage.count {
                let end = storage.ends[i]
                defer { start = end }
                guard end - start == wanted.count else { continue }
                if wanted.isEmpty || memcmp(storage.bytes + start, wanted.baseAddress!, wanted.count) == 0 { return i }
            }
            return nil
        }
    }

    public static func == (a: ParticipantIDs, b: ParticipantIDs) -> Bool {
        let x = a.storage, y = b.storage
        if x === y { return true }
        return x.count == y.count && x.byteCount == y.byteCount
            && memcmp(x.ends, y.ends, x.count * MemoryLayout<Int>.stride) == 0
            && memcmp(x.bytes, y.bytes, x.byteCount) == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.count)
        hasher.combine(bytes: UnsafeRawBufferPointer(start: storage.bytes, count: storage.byteCount))
        hasher.combine(bytes: UnsafeRawBufferPointer(start: storage.ends, count: storage.count * MemoryLayout<Int>.stride))
    }

    public var description: String { Array(self).description }

    /// Bytes held: the identifiers' lengths summed.
    var byteCount: Int { storage.byteCount }

    private func byteRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : storage.ends[i - 1])..<storage.ends[i] }

    /// The storage, made this value's own before a change.
    @inline(__always) private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    mutating func append(_ identifier: String) {
        var id = identifier
        id.withUTF8 { append(utf8: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    /// Appends the identifier whose UTF-8 bytes are the `count` at `p` (valid UTF-8: the caller checks).
    @inline(__always) mutating func append(utf8 p: UnsafePointer<UInt8>, count: Int) {
        let s = unique()
        s.makeRoom(identifiers: 1, bytes: count)
        let to = s.bytes + s.byteCount
        if count <= 16 {
            for i in 0..<count { to[i] = p[i] }  // short, as most identifiers are: no call to memcpy
        } else {
            to.initialize(from: p, count: count)
        }
        s.byteCount &+= count
        s.ends[s.count] = s.byteCount
        s.count &+= 1
    }

    /// Appends identifier `i` of `other`.
    mutating func append(_ other: ParticipantIDs, at i: Int) {
        let range = other.byteRange(i)
        let source = other.storage
        withExtendedLifetime(source) { append(utf8: source.bytes + range.lowerBound, count: range.count) }
    }

    /// Appends the identifiers of `other` from position `first` on: their bytes in one copy.
    mutating func append(contentsOf other: ParticipantIDs, from first: Int) {
        let source = other.storage
        guard first < source.count else { return }
        let from = first == 0 ? 0 : source.ends[first - 1]
        let added = source.count - first, addedBytes = source.byteCount - from
        let s = unique()
        s.makeRoom(identifiers: added, bytes: addedBytes)
        let shift = s.byteCount - from
        (s.bytes + s.byteCount).initialize(from: source.bytes + from, count: addedBytes)
        for k in 0..<added { s.ends[s.count &+ k] = source.ends[first &+ k] &+ shift }
        s.byteCount &+= addedBytes
        s.count &+= added
    }

    /// Room for `count` identifiers of `bytesEach` bytes on average, so that appending them does not move
    /// what is held.
    mutating func reserveCapacity(_ count: Int, bytesEach: Int) {
        let s = unique()
        if count > s.capacity { s.growEnds(to: count) }
        if count * bytesEach > s.byteCapacity { s.growBytes(to: count * bytesEach) }
    }
}
