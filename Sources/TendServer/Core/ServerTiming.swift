import Foundation

/// Durations of a page's phases, sent as a `Server-Timing` header (milliseconds), so an operator can
/// see in the browser's network panel, or with `curl -i`, where a slow page spends its time. Names are
/// fixed words chosen by the page; nothing about the data goes in.
struct ServerTiming {
    private(set) var phases: [(name: String, milliseconds: Double)] = []

    mutating func measure<T>(_ name: String, _ work: () async throws -> T) async rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await work()
        let elapsed = clock.now - start
        phases.append((name, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15))
        return value
    }

    /// `log;dur=12.3, render;dur=4.5`.
    var header: String {
        phases.map { "\($0.name);dur=\(String(format: "%.1f", $0.milliseconds))" }.joined(separator: ", ")
    }
}
