/// Which way a score moves when a participant gets better.
///
/// Direction is a property of the instrument (self-criticism, shame, depression: lower is better;
/// self-compassion, self-reassurance: higher is better), never a per-analysis guess. Every analysis that
/// classifies change takes it explicitly.
///
/// In the formulas of statistics.md, `dir = sign` is +1 when higher is better and −1 when lower is better,
/// so that `dir · (post − pre) > 0` is always a change in the beneficial direction.
public enum Direction: String, Sendable, Codable, CaseIterable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"

    /// `dir`: +1 for higher is better, −1 for lower is better.
    public var sign: Double {
        switch self {
        case .higherIsBetter: 1
        case .lowerIsBetter: -1
        }
    }

    /// The other direction.
    public var reversed: Direction {
        switch self {
        case .higherIsBetter: .lowerIsBetter
        case .lowerIsBetter: .higherIsBetter
        }
    }

    /// Words for reports: "higher is better" / "lower is better".
    public var displayName: String {
        switch self {
        case .higherIsBetter: "higher is better"
        case .lowerIsBetter: "lower is better"
        }
    }
}
