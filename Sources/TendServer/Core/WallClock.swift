import Foundation
import Vapor

/// The time as the server sees it. Session expiry and reset-link lifetimes read it from here, so tests
/// can move time forward instead of waiting.
struct WallClock: Sendable {
    let now: @Sendable () -> Date

    static let system = WallClock { Date() }
}

extension Application {
    private struct WallClockKey: StorageKey { typealias Value = WallClock }

    /// The system clock unless a test has set another.
    var wallClock: WallClock {
        get { storage[WallClockKey.self] ?? .system }
        set { storage[WallClockKey.self] = newValue }
    }
}

extension Request {
    /// Now, by the application's ``WallClock``.
    var now: Date { application.wallClock.now() }
}
