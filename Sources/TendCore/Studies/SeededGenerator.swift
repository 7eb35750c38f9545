/// A small, fast, seedable pseudo-random generator: SplitMix64.
///
/// Each call adds the golden-ratio increment γ = 0x9E3779B97F4A7C15 to a 64-bit state and returns the
/// state passed through a bijective mixing function (shifts 30, 27, 31 and the multipliers
/// 0xBF58476D1CE4E5B9, 0x94D049BB133111EB). It is the generator of Steele, Lea & Flood (2014),
/// "Fast splittable pseudorandom number generators", OOPSLA 2014, doi:10.1145/2660193.2660195, in the
/// form of S. Vigna's reference `splitmix64.c` (prng.di.unimi.it). Seed 0 gives 0xE220A8397B1DCDAF first.
///
/// Not for secrets: it is predictable from its output. It is here so that anything drawn from it (an
/// allocation sequence, a demo service, a test's random inputs) can be replayed from a recorded seed.
/// The algorithm and ``uniform(below:)`` must never change, or recorded seeds would stop reproducing
/// their sequences.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number uniformly in `0..<bound` (`bound` ≥ 1), by rejection: draws below
    /// 2⁶⁴ mod `bound` are discarded, so every remainder is equally likely. Written out here (not
    /// `Int.random(in:using:)`) so that the numbers drawn cannot change with the standard library.
    public mutating func uniform(below bound: Int) -> Int {
        precondition(bound >= 1, "uniform(below:) needs a bound of at least 1")
        let n = UInt64(bound)
        let threshold = (0 &- n) % n
        while true {
            let r = next()
            if r >= threshold { return Int(r % n) }
        }
    }

    /// Shuffles `elements` in place with the Fisher–Yates (Durstenfeld) algorithm, drawing with
    /// ``uniform(below:)`` from the last position down: position i swaps with a uniform j in 0...i.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        var i = elements.count - 1
        while i > 0 {
            let j = uniform(below: i + 1)
            if i != j { elements.swapAt(i, j) }
            i -= 1
        }
    }
}
