import Foundation
import Vapor

/// Where the server reads the current time. Schedules (what is open, what comes next) and link expiry
/// depend on it, so tests set a fixed instant instead of waiting for real dates.
struct Clock: Sendable {
    private let read: @Sendable () -> Date

    init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    var now: Date { read() }

    static let system = Clock { Date() }

    /// A clock that shows `date` until moved with ``SettableClock/set(_:)``.
    static func settable(_ date: Date) -> (Clock, SettableClock) {
        let box = SettableClock(date)
        return (Clock { box.current }, box)
    }
}

/// The hand of a settable clock (a lock guards the one stored date).
final class SettableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date

    init(_ date: Date) { self.date = date }

    var current: Date {
        lock.lock()
        defer { lock.unlock() }
        return date
    }

    func set(_ date: Date) {
        lock.lock()
        defer { lock.unlock() }
        self.date = date
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = Clock }

    /// The clock pages read "now" from; the system clock unless a test sets another.
    var clock: Clock {
        get { storage[ClockKey.self] ?? .system }
        set { storage[ClockKey.self] = newValue }
    }
}

extension Request {
    /// The current instant by the application's clock.
    var now: Date { application.clock.now }
}
