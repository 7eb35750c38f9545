import Foundation

/// A concealed allocation sequence: permuted blocks of randomly varying size, a separate sequence per
/// stratum, all generated from one recorded seed.
///
/// Method (permuted-block randomisation with random block sizes; Schulz & Grimes 2002, "Generation of
/// allocation sequences in randomised trials: chance, not choice", Lancet 359:515–519,
/// doi:10.1016/S0140-6736(02)07683-3, and "Allocation concealment in randomised trials: defending
/// against deciphering", Lancet 359:614–618, doi:10.1016/S0140-6736(02)07750-4):
///
/// - The ratio sum is R = Σ ratioᵢ. A block's size is m·R, with m drawn uniformly from `blockMultiples`
///   (so {3, 6} for 1:1:1 with multiples {1, 2}); varying sizes keep the next allocation from being
///   guessed at the end of a block.
/// - A block holds arm i exactly m·ratioᵢ times, in an order shuffled by Fisher–Yates; so after every
///   complete block each arm has exactly its share.
/// - Each stratum has its own generator, ``SeededGenerator`` seeded with
///   `seed ^ FNV-1a-64(stratum key in UTF-8)`; the unstratified key is the empty string. Draws per block:
///   first m (``SeededGenerator/uniform(below:)`` over the multiples), then the shuffle. The same seed,
///   arms and multiples always give the same sequence, which is why this must never change.
///
/// Concealment: the server asks only for ``allocation(at:stratum:)``, the allocation for the next index in
/// a stratum once someone has been found eligible and consented, and never needs to show the list.
public struct AllocationSequence: Sendable, Equatable {
    public let seed: UInt64
    /// Arm ids in the order given, each with its ratio weight.
    public let arms: [String]
    public let ratios: [Int]
    public let blockMultiples: [Int]

    /// The key of the single sequence of an unstratified study.
    public static let unstratified = ""

    /// Fails with the offending field when arms are empty or repeated, a ratio or multiple is below 1.
    public init(seed: UInt64, arms: [String], ratios: [Int], blockMultiples: [Int] = [1, 2]) throws(InputError) {
        guard !arms.isEmpty else { throw InputError(field: "arms", value: "none", expected: "at least one arm") }
        guard ratios.count == arms.count else {
            throw InputError(field: "ratios", value: "\(ratios.count) ratios", expected: "one ratio per arm (\(arms.count))")
        }
        if let d = arms.indices.first(where: { i in arms[..<i].contains(arms[i]) }) {
            throw InputError(field: "arms[\(d)]", value: "\"\(arms[d])\"", expected: "an arm id not used before")
        }
        if let i = ratios.firstIndex(where: { $0 < 1 }) {
            throw InputError(field: "arms[\(i)].ratio", value: "\(ratios[i])", expected: "a whole number ≥ 1")
        }
        guard !blockMultiples.isEmpty else {
            throw InputError(field: "randomisation.blockMultiples", value: "none", expected: "at least one multiple, such as [1, 2]")
        }
        if let i = blockMultiples.firstIndex(where: { $0 < 1 || $0 > 100 }) {
            throw InputError(field: "randomisation.blockMultiples[\(i)]", value: "\(blockMultiples[i])", expected: "a whole number from 1 to 100")
        }
        self.seed = seed
        self.arms = arms
        self.ratios = ratios
        self.blockMultiples = blockMultiples
    }

    /// The sequence for a study's allocated arms (arms with `allocated: false` stay outside it), their
    /// ratios and the study's randomisation settings.
    public init(seed: UInt64, study: StudyDefinition) throws(InputError) {
        let arms = study.arms.filter(\.allocated)
        try self.init(seed: seed, arms: arms.map(\.id), ratios: arms.map(\.ratio),
                      blockMultiples: study.randomisation?.blockMultiples ?? [1, 2])
    }

    /// Names the method and generator, to be stored with every seed so a list can be regenerated and
    /// audited (statistics.md §9.1).
    public static let methodVersion = "permuted-blocks-random-size/splitmix64/fnv1a-strata/1"

    /// The ratio sum R; block sizes are its multiples.
    public var ratioSum: Int { ratios.reduce(0, +) }

    /// The possible block sizes, smallest first.
    public var blockSizes: [Int] { Array(Set(blockMultiples.map { $0 * ratioSum })).sorted() }

    /// The allocation for the participant at 0-based `index` in `stratum` (`index` = how many were
    /// allocated in that stratum before). Only the blocks up to `index` are generated.
    public func allocation(at index: Int, stratum: String = AllocationSequence.unstratified) -> Allocation {
        precondition(index >= 0, "allocation index must be ≥ 0")
        var generator = SeededGenerator(seed: Self.streamSeed(seed, stratum: stratum))
        var start = 0, block = 0
        while true {
            let arms = nextBlock(&generator)
            if index < start + arms.count {
                return Allocation(index: index, stratum: stratum, arm: arms[index - start], block: block,
                                  blockSize: arms.count, positionInBlock: index - start)
            }
            start += arms.count
            block += 1
        }
    }

    /// The first `count` allocations of `stratum`, for reports after unblinding and for checks; the same
    /// as calling ``allocation(at:stratum:)`` for 0..<count.
    public func allocations(count: Int, stratum: String = AllocationSequence.unstratified) -> [Allocation] {
        var generator = SeededGenerator(seed: Self.streamSeed(seed, stratum: stratum))
        var out: [Allocation] = []
        var block = 0
        while out.count < count {
            let arms = nextBlock(&generator)
            for (p, arm) in arms.enumerated() where out.count < count {
                out.append(Allocation(index: out.count, stratum: stratum, arm: arm, block: block, blockSize: arms.count, positionInBlock: p))
            }
            block += 1
        }
        return out
    }

    private func nextBlock(_ generator: inout SeededGenerator) -> [String] {
        let m = blockMultiples[generator.uniform(below: blockMultiples.count)]
        var block: [String] = []
        block.reserveCapacity(m * ratioSum)
        for (arm, ratio) in zip(arms, ratios) {
            block += Array(repeating: arm, count: m * ratio)
        }
        generator.shuffle(&block)
        return block
    }

    /// `seed ^ FNV-1a-64(stratum)`: offset basis 0xCBF29CE484222325, prime 0x100000001B3.
    static func streamSeed(_ seed: UInt64, stratum: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in stratum.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        return seed ^ h
    }

    /// The stratum key for one combination of factor levels: `factor=level` pairs in the order the
    /// factors are defined, joined by `;` (such as `medication=methadone`). Fails naming the factor when a
    /// level is missing or not one of the factor's levels.
    public static func stratum(_ levels: [String: String], factors: [StratificationFactor]) throws(InputError) -> String {
        var parts: [String] = []
        for factor in factors {
            guard let level = levels[factor.id] else {
                throw InputError(field: factor.id, value: "no level", expected: "one of " + factor.levels.joined(separator: ", "))
            }
            guard factor.levels.contains(level) else {
                throw InputError(field: factor.id, value: "\"\(level)\"", expected: "one of " + factor.levels.joined(separator: ", "))
            }
            parts.append("\(factor.id)=\(level)")
        }
        if let extra = levels.keys.sorted().first(where: { key in !factors.contains { $0.id == key } }) {
            throw InputError(field: extra, value: "\"\(levels[extra]!)\"", expected: "a stratification factor of the study (" + factors.map(\.id).joined(separator: ", ") + ")")
        }
        return parts.joined(separator: ";")
    }
}

/// One allocation: the arm for the participant at `index` in `stratum`, and where it sits in its block.
public struct Allocation: Sendable, Equatable, Codable {
    public var index: Int
    public var stratum: String
    public var arm: String
    /// 0-based block number within the stratum.
    public var block: Int
    public var blockSize: Int
    public var positionInBlock: Int
}
