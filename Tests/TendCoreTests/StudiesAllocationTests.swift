import Testing
import TendCore

@Suite struct StudiesAllocationTests {
    static let threeArms = ["compassion", "relaxation", "waitlist"]

    /// Expected sequences from an independent Python implementation of the method in the doc comment
    /// (SplitMix64, FNV-1a stream seeds, multiple then Fisher–Yates per block).
    @Test func sequenceForARecordedSeedIsTheDocumentedOne() throws {
        let s = try AllocationSequence(seed: 2026, arms: Self.threeArms, ratios: [1, 1, 1], blockMultiples: [1, 2])
        #expect(s.allocations(count: 12).map(\.arm) == ["waitlist", "relaxation", "compassion", "relaxation", "compassion", "waitlist",
                                                         "waitlist", "relaxation", "compassion", "waitlist", "waitlist", "relaxation"])
        #expect(s.allocations(count: 12).map(\.blockSize) == [3, 3, 3, 3, 3, 3, 3, 3, 3, 6, 6, 6])
        #expect(s.allocations(count: 12, stratum: "medication=methadone").map(\.arm)
                == ["compassion", "waitlist", "relaxation", "relaxation", "waitlist", "compassion",
                    "compassion", "relaxation", "waitlist", "waitlist", "compassion", "waitlist"])
        let twoToOne = try AllocationSequence(seed: 7, arms: ["active", "control"], ratios: [2, 1])
        #expect(twoToOne.allocations(count: 9).map(\.arm) == ["control", "active", "active", "control", "active", "active", "control", "active", "active"])
    }

    @Test func sameSeedGivesTheSameSequenceAndAnotherSeedDoesNot() throws {
        let a = try AllocationSequence(seed: 41, arms: Self.threeArms, ratios: [1, 1, 1])
        let b = try AllocationSequence(seed: 41, arms: Self.threeArms, ratios: [1, 1, 1])
        let c = try AllocationSequence(seed: 42, arms: Self.threeArms, ratios: [1, 1, 1])
        #expect(a.allocations(count: 60) == b.allocations(count: 60))
        #expect(a.allocations(count: 60).map(\.arm) != c.allocations(count: 60).map(\.arm))
        #expect(a.allocations(count: 60, stratum: "medication=methadone").map(\.arm)
                != a.allocations(count: 60, stratum: "medication=buprenorphine").map(\.arm))
    }

    @Test func nextAllocationAloneMatchesTheFullList() throws {
        let s = try AllocationSequence(seed: 5, arms: Self.threeArms, ratios: [1, 1, 1])
        let list = s.allocations(count: 40, stratum: "x")
        for i in 0..<40 { #expect(s.allocation(at: i, stratum: "x") == list[i]) }
    }

    /// 500 seeds × 200 allocations: every complete block holds each arm exactly m × ratio times, sizes
    /// are 3 or 6, and both sizes occur.
    @Test func everyCompleteBlockIsBalancedOverManySeeds() throws {
        var sizesSeen = Set<Int>()
        var failures: [String] = []
        for seed in UInt64(0)..<500 {
            let s = try AllocationSequence(seed: seed, arms: Self.threeArms, ratios: [1, 1, 1], blockMultiples: [1, 2])
            let list = s.allocations(count: 200)
            for block in Dictionary(grouping: list, by: \.block).values where block.count == block[0].blockSize {
                sizesSeen.insert(block[0].blockSize)
                let m = block[0].blockSize / 3
                for arm in Self.threeArms where block.filter({ $0.arm == arm }).count != m {
                    failures.append("seed \(seed) block \(block[0].block)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(sizesSeen == [3, 6])
    }

    /// Over 3000 seeds the arm at each of the first six positions is uniform at 1:1:1 (expected 1000 each,
    /// SD √(3000 · ⅓ · ⅔) ≈ 25.8; the bound is 5 SD), and both block sizes are drawn equally often.
    @Test func eachPositionIsUniformAcrossSeeds() throws {
        var counts = Array(repeating: [String: Int](), count: 6)
        var firstBlockSizes: [Int: Int] = [:]
        for seed in UInt64(0)..<3000 {
            let list = try AllocationSequence(seed: seed, arms: Self.threeArms, ratios: [1, 1, 1]).allocations(count: 6)
            for (i, a) in list.enumerated() { counts[i][a.arm, default: 0] += 1 }
            firstBlockSizes[list[0].blockSize, default: 0] += 1
        }
        for position in counts {
            for arm in Self.threeArms { #expect(abs(position[arm, default: 0] - 1000) <= 130, "\(position)") }
        }
        // 1500 expected each, SD √(3000 · ½ · ½) ≈ 27.4.
        #expect(abs(firstBlockSizes[3, default: 0] - 1500) <= 137)
    }

    @Test func armsOutsideTheAllocationAreLeftOut() throws {
        let study = StudyDefinition(id: "s", title: "S", publicTitle: "P", design: .randomised,
                                    arms: [StudyArm(id: "a", name: "A", role: .active, programme: ProgrammeReference(id: "p", version: "v")),
                                           StudyArm(id: "b", name: "B", role: .activeControl, ratio: 2),
                                           StudyArm(id: "w", name: "W", role: .waitlist, allocated: false)],
                                    randomisation: RandomisationSettings(blockMultiples: [1, 2, 3]))
        let s = try AllocationSequence(seed: 3, study: study)
        #expect(s.arms == ["a", "b"] && s.ratios == [1, 2])
        #expect(s.blockSizes == [3, 6, 9])
        #expect(!s.allocations(count: 50).contains { $0.arm == "w" })
    }

    @Test func twoToOneRatioHoldsInEveryBlock() throws {
        for seed in UInt64(0)..<200 {
            let s = try AllocationSequence(seed: seed, arms: ["active", "control"], ratios: [2, 1], blockMultiples: [1, 2])
            #expect(s.blockSizes == [3, 6])
            let list = s.allocations(count: 120)
            for block in Dictionary(grouping: list, by: \.block).values where block.count == block[0].blockSize {
                let active = block.filter { $0.arm == "active" }.count
                #expect(active * 3 == block.count * 2)
            }
        }
        // Overall close to two thirds over a long run.
        let s = try AllocationSequence(seed: 1, arms: ["active", "control"], ratios: [2, 1])
        let list = s.allocations(count: 3000)
        let active = list.filter { $0.arm == "active" }.count
        #expect(abs(active - 2000) <= 4)
    }

    @Test func badSettingsNameTheField() {
        #expect(throws: InputError(field: "arms[1].ratio", value: "0", expected: "a whole number ≥ 1")) {
            try AllocationSequence(seed: 1, arms: ["a", "b"], ratios: [1, 0])
        }
        #expect(throws: InputError(field: "arms[1]", value: "\"a\"", expected: "an arm id not used before")) {
            try AllocationSequence(seed: 1, arms: ["a", "a"], ratios: [1, 1])
        }
        #expect(throws: InputError.self) { try AllocationSequence(seed: 1, arms: ["a", "b"], ratios: [1, 1], blockMultiples: []) }
    }

    @Test func stratumKeysFollowTheFactorOrder() throws {
        let factors = [StratificationFactor(id: "medication", label: "Medicine", levels: ["methadone", "buprenorphine"]),
                       StratificationFactor(id: "site", label: "Site", levels: ["north", "south"])]
        #expect(try AllocationSequence.stratum(["site": "south", "medication": "methadone"], factors: factors) == "medication=methadone;site=south")
        #expect(throws: InputError(field: "medication", value: "\"heroin\"", expected: "one of methadone, buprenorphine")) {
            try AllocationSequence.stratum(["site": "south", "medication": "heroin"], factors: factors)
        }
        #expect(throws: InputError.self) { try AllocationSequence.stratum(["site": "south"], factors: factors) }
    }
}
