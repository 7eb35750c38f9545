import Foundation
import CTendMemory

/// One measure × timepoint column of a `ScoreTable`: a score per participant, NaN where there is none.
///
/// Read-only once made. A column read from a file keeps the memory the reader filled (a `ColumnReservation`),
/// so that a large table is not copied again once read; any other column is copied from an array.
public struct ScoreColumn: RandomAccessCollection, Sendable, CustomStringConvertible {
    final class Storage: @unchecked Sendable {
        let base: UnsafeMutablePointer<Double>
        let count: Int
        /// The reservation the scores live in, or nil when `base` was allocated for them.
        let reservation: ColumnReservation?

        init(copying values: [Double]) {
            let base = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, values.count))
            values.withUnsafeBufferPointer { if let b = $0.baseAddress { base.initialize(from: b, count: values.count) } }
            self.base = base
            count = values.count
            reservation = nil
        }

        init(adopting reservation: ColumnReservation, count: Int) {
            precondition(count <= reservation.committed, "a column holds only committed slots")
            self.reservation = reservation
            self.base = reservation.base
            self.count = count
        }

        deinit {
            if let reservation { reservation.release() } else { base.deallocate() }
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
        return storage.base[position]
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: storage.base, count: storage.count)) }
    }

    public var description: String { Array(self).description }
}

/// Address space for up to `capacity` doubles, of which the first `committed` are usable memory. Slots are
/// committed in large steps as they are needed and never move, so a column grows without being copied and
/// its pages are only touched (and so only take memory) when written. Released explicitly (it is a plain
/// value: whoever holds the last copy releases it once).
///
/// A process has a limited number of mappings (65,530 by default), so a table with very many measure ×
/// timepoint cells keeps all but its first columns on the heap instead (`mapped: false`): those move as
/// they grow.
struct ColumnReservation: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Double>
    let capacity: Int
    private(set) var committed = 0
    /// Bytes of address space reserved; 0 for a column on the heap.
    private let reservedBytes: Int

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func roundedToPages(_ bytes: Int) -> Int { (bytes + pageSize - 1) / pageSize * pageSize }

    init(capacity: Int, mapped: Bool = true) {
        guard mapped else {
            self.capacity = max(1, capacity)
            reservedBytes = 0
            base = reallocated(nil, to: 1)
            return
        }
        let bytes = ColumnReservation.roundedToPages(max(1, capacity) * MemoryLayout<Double>.stride)
        // Inaccessible until committed, so that the reservation itself counts against no memory limit.
        guard let raw = mmap(nil, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("no address space for \(capacity) scores")
        }
        base = raw.bindMemory(to: Double.self, capacity: bytes / MemoryLayout<Double>.stride)
        reservedBytes = bytes
        self.capacity = bytes / MemoryLayout<Double>.stride
    }

    var isMapped: Bool { reservedBytes > 0 }

    /// Makes slots [0, slots) usable, committing at least a megabyte (a column on the heap: 1,024 slots) or
    /// as much again as before at a time (`base` may then change for a column on the heap).
    @inline(__always) mutating func commit(_ slots: Int) {
        if slots > committed { grow(slots) }
    }

    private mutating func grow(_ slots: Int) {
        precondition(slots <= capacity, "a column reservation holds at most \(capacity) scores")
        guard isMapped else {
            let want = min(capacity, max(slots, 2 * committed, 1024))
            base = reallocated(base, to: want)
            committed = want
            return
        }
        let want = min(capacity, max(slots, 2 * committed, (1 << 20) / MemoryLayout<Double>.stride))
        let from = ColumnReservation.roundedToPages(committed * MemoryLayout<Double>.stride)
        let to = ColumnReservation.roundedToPages(want * MemoryLayout<Double>.stride)
        if to > from, mprotect(UnsafeMutableRawPointer(base) + from, to - from, PROT_READ | PROT_WRITE) != 0 {
            fatalError("out of memory for \(want) scores")
        }
        committed = min(capacity, to / MemoryLayout<Double>.stride)
    }

    func release() {
        if isMapped { munmap(UnsafeMutableRawPointer(base), reservedBytes) } else { free(base) }
    }

    /// Puts slots [from, from + count) of `other` at slots [at, at + count) here, slots before `at` keeping
    /// their values, and releases `other`. Large columns (a megabyte or more) are moved rather than copied:
    /// the values are first shifted within `other` to where they fall in a page here, the values here that
    /// share the first page are put before them, and the pages are then remapped into place (Linux). True
    /// when the pages were moved.
    @discardableResult
    mutating func append(_ other: ColumnReservation, from: Int, count: Int, at: Int) -> Bool {
        let stride = MemoryLayout<Double>.stride
        #if os(Linux)
        let page = ColumnReservation.pageSize
        let offset = at * stride % page, pageStart = at * stride - offset
        var source = other
        if isMapped, other.isMapped, count * stride >= 1 << 20, offset / stride + count <= source.capacity,
           pageStart + ColumnReservation.roundedToPages(offset + count * stride) <= reservedBytes {
            source.commit(offset / stride + count)
            let here = UnsafeMutableRawPointer(base), there = UnsafeMutableRawPointer(source.base)
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
        (base + at).initialize(from: other.base + from, count: count)
        other.release()
        return false
    }
}

/// `p` (nil: nothing yet) moved or grown to hold `count` values (`realloc`); the values it held are kept.
func reallocated<T>(_ p: UnsafeMutablePointer<T>?, to count: Int) -> UnsafeMutablePointer<T> {
    guard let raw = realloc(p.map { UnsafeMutableRawPointer($0) }, max(1, count) * MemoryLayout<T>.stride) else {
        fatalError("out of memory for \(count) scores")
    }
    return raw.bindMemory(to: T.self, capacity: max(1, count))
}
