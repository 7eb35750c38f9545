import Foundation
import NIOConcurrencyHelpers
import Vapor
@testable import TendServer

/// A clock the test moves by hand, installed as the app's ``Clock``.
final class ManualClock: Sendable {
    private let current: NIOLockedValueBox<Date>

    init(_ start: Date = Date()) { current = NIOLockedValueBox(start) }

    var now: Date { current.withLockedValue { $0 } }

    func advance(by seconds: TimeInterval) { current.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }

    /// Makes `app` read the time from this clock.
    func install(on app: Application) {
        app.clock = Clock { [self] in self.now }
    }
}

extension Browser {
    /// The value of the last form field or read-only input with `id` (for links shown once on a page).
    static func inputValue(id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let tail = html[start.upperBound...]
        guard let valueStart = tail.range(of: "value=\"") else { return nil }
        let rest = tail[valueStart.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
