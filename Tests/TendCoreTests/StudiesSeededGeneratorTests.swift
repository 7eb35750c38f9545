import Testing
import TendCore

@Suite struct StudiesSeededGeneratorTests {
    /// The published SplitMix64 outputs for seed 1234567 (Rosetta Code, "Pseudo-random numbers/Splitmix64",
    /// from Vigna's splitmix64.c).
    @Test func firstOutputsMatchTheReferenceForSeed1234567() {
        var g = SeededGenerator(seed: 1_234_567)
        let expected: [UInt64] = [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                                  4_593_380_528_125_082_431, 16_408_922_859_458_223_821]
        #expect((0..<5).map { _ in g.next() } == expected)
    }

    /// Seed 0 gives 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC.
    @Test func firstOutputsMatchTheReferenceForSeedZero() {
        var g = SeededGenerator(seed: 0)
        #expect((0..<4).map { _ in g.next() } == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    /// With bound b = 6148914691236517206, 2⁶⁴ mod b = 6148914691236517204, so of the reference outputs
    /// above the 2nd (3203…) and 4th (4593…) fall below it and are rejected; the kept ones are reduced mod b.
    @Test func uniformRejectsDrawsBelowTheThreshold() {
        var g = SeededGenerator(seed: 1_234_567)
        let b = 6_148_914_691_236_517_206
        let kept: [UInt64] = [6_457_827_717_110_365_317, 9_817_491_932_198_370_423, 16_408_922_859_458_223_821]
        let expected: [Int] = kept.map { Int($0 % UInt64(b)) }
        #expect(expected == [308_913_025_873_848_111, 3_668_577_240_961_853_217, 4_111_093_476_985_189_409])
        let drawn: [Int] = [g.uniform(below: b), g.uniform(below: b), g.uniform(below: b)]
        #expect(drawn == expected)
        var small = SeededGenerator(seed: 1_234_567)
        // 2⁶⁴ mod 3 = 1: only a draw of 0 would be rejected, so these are the outputs mod 3.
        #expect((0..<5).map { _ in small.uniform(below: 3) } == [0, 1, 0, 1, 2])
    }

    @Test func shuffleIsAPermutationAndReplays() {
        var a = Array(0..<50), b = Array(0..<50)
        var g1 = SeededGenerator(seed: 99), g2 = SeededGenerator(seed: 99)
        g1.shuffle(&a)
        g2.shuffle(&b)
        #expect(a == b)
        #expect(a.sorted() == Array(0..<50))
        #expect(a != Array(0..<50))
    }
}
