import Foundation
import CTendMemory

/// One measure × timepoint column of a `ScoreTable`: a score per participant, NaN where there is none.
///
/// Read-only once made. A column read from a file keeps the memory the reader filled (a `ColumnReservation`),
/// so that a large table is not copied again once read; any other column is copied from an array. A column
/// whose scores are all whole numbers from −32,767 to 32,767 (most questionnaire totals) is held in two
/// bytes a score rather than eight (`ColumnReservation.compactMissing` where there is none); it reads the
/// same, each score as the `Double` it was read as.
public struct ScoreColumn: RandomAccessCollection, Sendable, CustomStringConvertible {
    final class Storage: @unchecked Sendable {
        let reader: ScoreReader
        let count: Int
        /// The reservation the scores live in, or nil when they were allocated for them.
        let reservation: ColumnReservation?

        init(copying values: [Double]) {
            let base = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, values.count))
            values.withUnsafeBufferPointer { if let b = $0.baseAddress { base.initialize(from: b, count: values.count) } }
            reader = ScoreReader(doubles: base, compact: nil)
            count = values.count
            reservation = nil
        }

        init(adopting reservation: ColumnReservation, count: Int) {
            precondition(count <= reservation.committed, "a column holds only committed slots")
            self.reservation = reservation
            reader = reservation.reader
            self.count = count
        }

        deinit {
            if let reservation { reservation.release() } else { reader.doubles?.deallocate() }
        }
    }

    let storage: Storage

    public init(_ values: [Double]) { storage = Storage(copying: values) }

    /// A column made of the first `count` slots of `reservation`, which it now owns.
    init(adopting reservation: ColumnReservation, count: Int) {
        storage = Storage(adopting: reservation, count: count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(position: Int) -> Double {
        precondition(position >= 0 && position < storage.count, "participant index out of range")
        return storage.reader[position]
    }

    /// Whether the scores are held in two bytes each (whole numbers only).
    public var isCompact: Bool { storage.reader.doubles == nil }

    /// Calls `body` with the scores as doubles: the column's own memory, or a copy for a compact column.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            if let doubles = storage.reader.doubles { return try body(UnsafeBufferPointer(start: doubles, count: storage.count)) }
            return try Array(self).withUnsafeBufferPointer(body)
        }
    }

    /// Calls `body` with a reader of the scores in place (no copy, whatever their width).
    public func withReader<R>(_ body: (ScoreReader) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.reader) }
    }

    /// Calls `body` with the memory the scores are held in (`count` × 8 or 2 bytes).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            let r = storage.reader
            if let doubles = r.doubles { return try body(UnsafeRawBufferPointer(start: doubles, count: storage.count * 8)) }
            return try body(UnsafeRawBufferPointer(start: r.compact, count: storage.count * 2))
        }
    }

    public var description: String { Array(self).description }
}

/// The scores of a column where they are held: eight bytes each (`doubles`), or two (`compact`, whole
/// numbers; `ColumnReservation.compactMissing` where there is none). Reads each as a `Double`, NaN where
/// there is none. Valid while the column it came from is kept.
public struct ScoreReader: @unchecked Sendable {
    let doubles: UnsafeMutablePointer<Double>?
    let compact: UnsafeMutablePointer<Int16>?

    @inline(__always) public subscript(p: Int) -> Double {
        if let doubles { return doubles[p] }
        return CompactSlots(base: compact.unsafelyUnwrapped).value(p)
    }
}

/// Address space for up to `capacity` scores of 8 bytes (doubles) or 2 (`compact`: whole numbers as
/// `Int16`), of which the first `committed` are usable memory. Slots are committed in large steps as they
/// are needed and never move, so a column grows without being copied and its pages are only touched (and
/// so only take memory) when written. Released explicitly (it is a plain value: whoever holds the last copy
/// releases it once).
///
/// A process has a limited number of mappings (65,530 by default), so a table with very many measure ×
/// timepoint cells keeps all but its first columns on the heap instead (`mapped: false`): those move as
/// they grow.
struct ColumnReservation: @unchecked Sendable {
    private(set) var raw: UnsafeMutableRawPointer
    /// Bytes a slot: 8 (a double) or 2 (compact).
    let stride: Int
    let capacity: Int
    private(set) var committed = 0
    /// Bytes of address space reserved; 0 for a column on the heap.
    private let reservedBytes: Int

    /// A compact slot with no score.
    static let compactMissing = Int16.min

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func roundedToPages(_ bytes: Int) -> Int { (bytes + pageSize - 1) / pageSize * pageSize }

    init(capacity: Int, compact: Bool = false, mapped: Bool = true) {
        stride = compact ? 2 : 8
        guard mapped else {
            self.capacity = max(1, capacity)
            reservedBytes = 0
            raw = reallocatedBytes(nil, to: stride)
            return
        }
        let bytes = ColumnReservation.roundedToPages(max(1, capacity) * stride)
        // Inaccessible until committed, so that the reservation itself counts against no memory limit.
        guard let raw = mmap(nil, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("no address space for \(capacity) scores")
        }
        self.raw = raw
        reservedBytes = bytes
        self.capacity = bytes / stride
    }

    var isMapped: Bool { reservedBytes > 0 }
    var isCompact: Bool { stride == 2 }

    /// The slots of a column of doubles.
    var base: UnsafeMutablePointer<Double> {
        assert(!isCompact, "a compact column holds no doubles")
        return raw.assumingMemoryBound(to: Double.self)
    }

    /// The slots of a compact column.
    var compactBase: UnsafeMutablePointer<Int16> {
        assert(isCompact, "a column of doubles holds no compact scores")
        return raw.assumingMemoryBound(to: Int16.self)
    }

    var reader: ScoreReader {
        isCompact ? ScoreReader(doubles: nil, compact: compactBase) : ScoreReader(doubles: base, compact: nil)
    }

    /// The compact form of `value`, when it has one: a whole number from −32,767 to 32,767 (−0 is 0, as in
    /// a column of doubles: see `set`).
    @inline(__always) static func compact(_ value: Double) -> Int16? {
        // In range first (NaN is not), so that the conversion cannot fail; then whole.
        guard value > -32768, value < 32768 else { return nil }
        let v = Int16(value)
        return Double(v) == value ? v : nil
    }

    /// Whether slot `i` holds a score.
    @inline(__always) func has(_ i: Int) -> Bool {
        isCompact ? compactBase[i] != ColumnReservation.compactMissing : !base[i].isNaN
    }

    /// The score in slot `i`, NaN for none.
    @inline(__always) func value(_ i: Int) -> Double { reader[i] }

    /// Puts `value` (a score, not NaN) in slot `i` when the slot is empty and a column of this width holds
    /// the value; false, with nothing changed, when the slot has a score or the column is compact and the
    /// value has no compact form. A score of −0 is kept as 0, whatever the column's width, so that a column
    /// reads the same held either way.
    @inline(__always) func fill(_ i: Int, _ value: Double) -> Bool {
        if isCompact {
            guard let v = ColumnReservation.compact(value), compactBase[i] == ColumnReservation.compactMissing else { return false }
            compactBase[i] = v
        } else {
            guard base[i].isNaN else { return false }
            base[i] = value + 0
        }
        return true
    }

    /// Marks slots [from, from + count) as holding no score.
    func clear(from: Int, count: Int) {
        guard count > 0 else { return }
        if isCompact {
            (compactBase + from).initialize(repeating: ColumnReservation.compactMissing, count: count)
        } else {
            (base + from).initialize(repeating: .nan, count: count)
        }
    }

    /// Makes slots [0, slots) usable, committing at least a megabyte (a column on the heap: 1,024 slots) or
    /// as much again as before at a time (`raw` may then change for a column on the heap).
    @inline(__always) mutating func commit(_ slots: Int) {
        if slots > committed { grow(slots) }
    }

    private mutating func grow(_ slots: Int) {
        precondition(slots <= capacity, "a column reservation holds at most \(capacity) scores")
        guard isMapped else {
            let want = min(capacity, max(slots, 2 * committed, 1024))
            raw = reallocatedBytes(raw, to: want * stride)
            committed = want
            return
        }
        let want = min(capacity, max(slots, 2 * committed, (1 << 20) / stride))
        let from = ColumnReservation.roundedToPages(committed * stride)
        let to = ColumnReservation.roundedToPages(want * stride)
        if to > from, mprotect(raw + from, to - from, PROT_READ | PROT_WRITE) != 0 {
            fatalError("out of memory for \(want) scores")
        }
        committed = min(capacity, to / stride)
    }

    func release() {
        if isMapped { munmap(raw, reservedBytes) } else { free(raw) }
    }

    /// This column's first `count` slots as doubles (a compact column is converted, and released), in a
    /// reservation of the same capacity.
    func widened(keeping count: Int) -> ColumnReservation {
        guard isCompact else { return self }
        var wide = ColumnReservation(capacity: capacity, mapped: isMapped)
        wide.commit(max(count, 1))
        let from = compactBase, to = wide.base
        for i in 0..<count {
            let v = from[i]
            to[i] = v == ColumnReservation.compactMissing ? .nan : Double(v)
        }
        release()
        return wide
    }

    /// Puts slots [from, from + count) of `other` (of the same width) at slots [at, at + count) here, slots
    /// before `at` keeping their values, and releases `other`. Large columns (a megabyte or more) are moved
    /// rather than copied: the values are first shifted within `other` to where they fall in a page here,
    /// the values here that share the first page are put before them, and the pages are then remapped into
    /// place (Linux). True when the pages were moved.
    @discardableResult
    mutating func append(_ other: ColumnReservation, from: Int, count: Int, at: Int) -> Bool {
        precondition(other.stride == stride, "columns of one width are appended")
        #if os(Linux)
        let page = ColumnReservation.pageSize
        let offset = at * stride % page, pageStart = at * stride - offset
        var source = other
        if isMapped, other.isMapped, count * stride >= 1 << 20, offset / stride + count <= source.capacity,
           pageStart + ColumnReservation.roundedToPages(offset + count * stride) <= reservedBytes {
            source.commit(offset / stride + count)
            let here = raw, there = source.raw
            if offset != from * stride { memmove(there + offset, there + from * stride, count * stride) }
            memcpy(there, here + pageStart, offset)
            let length = ColumnReservation.roundedToPages(offset + count * stride)
            if tend_move_pages(there, length, here + pageStart) == 1 {
                if source.reservedBytes > length { munmap(there + length, source.reservedBytes - length) }
                committed = Swift.max(committed, at + count)
                return true
            }
            // Not moved: make sure the pages here are mapped (a failed move may have unmapped them) and copy.
            guard mmap(here + pageStart, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == here + pageStart else {
                fatalError("out of memory for \(at + count) scores")
            }
            memcpy(here + pageStart, there, offset + count * stride)
            committed = Swift.max(committed, at + count)
            source.release()
            return false
        }
        #endif
        commit(at + count)
        memcpy(raw + at * stride, other.raw + from * stride, count * stride)
        other.release()
        return false
    }
}

/// `p` (nil: nothing yet) moved or grown to hold `bytes` bytes (`realloc`); the bytes it held are kept.
func reallocatedBytes(_ p: UnsafeMutableRawPointer?, to bytes: Int) -> UnsafeMutableRawPointer {
    guard let raw = realloc(p, max(1, bytes)) else { fatalError("out of memory for \(bytes) bytes of scores") }
    return raw
}

/// `p` (nil: nothing yet) moved or grown to hold `count` values (`realloc`); the values it held are kept.
func reallocated<T>(_ p: UnsafeMutablePointer<T>?, to count: Int) -> UnsafeMutablePointer<T> {
    reallocatedBytes(p.map { UnsafeMutableRawPointer($0) }, to: max(1, count) * MemoryLayout<T>.stride)
        .bindMemory(to: T.self, capacity: max(1, count))
}

/// A column's scores as a pass reads them, for passes written once and specialised to how the scores are
/// held (`ScoreReader.slots`): eight bytes each or two.
protocol ScoreSlots {
    /// The score in slot `p`, NaN for none.
    func value(_ p: Int) -> Double
}

struct DoubleSlots: ScoreSlots {
    let base: UnsafePointer<Double>
    @inline(__always) func value(_ p: Int) -> Double { base[p] }
}

struct CompactSlots: ScoreSlots {
    let base: UnsafePointer<Int16>
    @inline(__always) func value(_ p: Int) -> Double {
        let v = base[p]
        return v == ColumnReservation.compactMissing ? .nan : Double(v)
    }
}

extension ScoreReader {
    /// The scores as `DoubleSlots` or `CompactSlots`, whichever they are held as.
    enum Slots {
        case doubles(DoubleSlots)
        case compact(CompactSlots)
    }

    var slots: Slots {
        if let doubles { return .doubles(DoubleSlots(base: doubles)) }
        return .compact(CompactSlots(base: compact.unsafelyUnwrapped))
    }
}
