import Testing
@testable import TendCore

/// The flat (subject-major) entry point of the mixed ANOVA gives the same results and errors as the
/// array-per-subject one.
@Suite struct MixedANOVAFlatInputTests {
    // statistics.md §4, unbalanced example a = 3, n = 5/4/6, integer scores, t1…t3.
    let rows: [[Double]] = [
        [17, 8, 9], [15, 9, 14], [9, 13, 6], [15, 11, 8], [22, 18, 15],
        [22, 24, 18], [21, 18, 21], [27, 18, 24], [17, 22, 16],
        [20, 20, 15], [13, 10, 10], [15, 21, 16], [8, 6, 6], [19, 20, 20], [15, 17, 16],
    ]
    let groups = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
    let groupLabels = ["A", "B", "C"], levelLabels = ["t1", "t2", "t3"]

    @Test func bothEntryPointsGiveIdenticalResults() throws {
        for type in [SumOfSquaresType.typeII, .typeIII] {
            let nested = try MixedANOVA.compute(values: rows, groups: groups, groupLabels: groupLabels,
                                                levelLabels: levelLabels, type: type, betweenName: "arm", withinName: "time")
            let flat = try MixedANOVA.compute(flatValues: rows.flatMap { $0 }, levels: 3, groups: groups,
                                              groupLabels: groupLabels, levelLabels: levelLabels, type: type,
                                              betweenName: "arm", withinName: "time")
            #expect(flat == nested)
        }
        // And the flat one is right: statistics.md §4 [verified], Type III.
        let r = try MixedANOVA.compute(flatValues: rows.flatMap { $0 }, levels: 3, groups: groups,
                                       groupLabels: groupLabels, levelLabels: levelLabels)
        #expect(abs(r.between.ss - 453.5444444444) < 5e-11)
        #expect(abs(r.within.ss - 56.8009009009) < 5e-11)
        #expect(abs(r.errorWithin.ss - 188.4333333333) < 5e-11)
        #expect(abs(r.ssTotal - 1282.3111111111) < 5e-11)
    }

    @Test func flatInputOfTheWrongShapeIsNamed() {
        func thrown(_ values: [Double], levels: Int, _ groups: [Int]) -> MixedANOVAError? {
            do {
                _ = try MixedANOVA.compute(flatValues: values, levels: levels, groups: groups,
                                           groupLabels: ["A", "B"], levelLabels: ["pre", "post"])
                return nil
            } catch {
                return error
            }
        }
        #expect(thrown([1, 2, 3, 4, 5], levels: 2, [0, 1, 1]) == .raggedRow(subject: 2, count: 1, expected: 2))
        #expect(thrown([1, 2, 3, 4, 5, 6], levels: 3, [0, 1]) == .raggedRow(subject: 0, count: 3, expected: 2))
        #expect(thrown([1, 2, 3, 4], levels: 2, [0, 1, 1]) == .subjectCountMismatch(values: 2, groups: 3))
        #expect(thrown([1, 2, 3, 4, 5, 6], levels: 2, [0, 2, 1]) == .groupIndexOutOfRange(subject: 1, group: 2, groupCount: 2))
        #expect(thrown([1, 2, 3, .infinity, 5, 6], levels: 2, [0, 1, 1])
                == .nonFiniteValue(subject: 1, level: 1, levelLabel: "post", value: .infinity))
    }
}
