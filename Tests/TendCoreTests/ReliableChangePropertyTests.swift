import Foundation
import PropertyBased
import Testing
@testable import TendCore

/// Invariants of the reliable change index that hold for any data.
@Suite("ReliableChangeProperties")
struct ReliableChangePropertyTests {
    /// Participants as (pre, post, shuffle key); integer scores on a 0–40 scale like most questionnaires.
    static let participants = zip(Gen.int(in: 0...40), Gen.int(in: 0...40), Gen.int(in: 0...1_000_000))
        .array(of: 3...30)
    static let reliability = Gen.double(in: 0.5...0.95)
    static let method = Gen<ReliableChangeMethod>.case

    /// Runs `compute`, returning nil when the data legitimately cannot be analysed (all pre scores equal,
    /// or HA with r_dd ≤ 0); any other error fails the test.
    static func analyse(
        _ pre: [Double], _ post: [Double], _ r: Double, _ direction: Direction, _ method: ReliableChangeMethod
    ) -> ReliableChangeResult? {
        do {
            return try ReliableChange.compute(pre: pre, post: post, reliability: r, direction: direction, method: method)
        } catch {
            switch error {
            case .preSDZero: #expect(Set(pre).count == 1)
            case .differenceReliabilityNotPositive: #expect(method == .hagemanArrindell)
            default: Issue.record("unexpected error \(error)")
            }
            return nil
        }
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }

    @Test("dir·RCI decides the category, and flipping direction swaps improved and deteriorated")
    func directionFlip() async {
        await propertyCheck(input: Self.participants, Self.reliability, Self.method) { people, r, method in
            let pre = people.map { Double($0.0) }, post = people.map { Double($0.1) }
            guard let lower = Self.analyse(pre, post, r, .lowerIsBetter, method),
                  let higher = Self.analyse(pre, post, r, .higherIsBetter, method) else { return }
            #expect(lower.rci == higher.rci)
            for (k, rci) in higher.rci.enumerated() {
                let cv = higher.criticalValue
                #expect((higher.categories[k] == .improved) == (rci > cv))
                #expect((higher.categories[k] == .deteriorated) == (rci < -cv))
                #expect((lower.categories[k] == .improved) == (-rci > cv))
                let swapped: ReliableChangeCategory = switch higher.categories[k] {
                case .improved: .deteriorated
                case .deteriorated: .improved
                case .unchanged: .unchanged
                }
                #expect(lower.categories[k] == swapped)
            }
            #expect(lower.counts.improved == higher.counts.deteriorated)
            #expect(lower.counts.deteriorated == higher.counts.improved)
            if method == .jacobsonTruax {
                // JT: the sign of the RCI is the sign of the raw change.
                for (k, rci) in higher.rci.enumerated() {
                    #expect(rci.sign == (post[k] - pre[k]).sign || post[k] == pre[k])
                }
            }
        }
    }

    @Test("permuting participants permutes the results and changes no summary")
    func permutation() async {
        await propertyCheck(input: Self.participants, Self.reliability, Self.method) { people, r, method in
            let pre = people.map { Double($0.0) }, post = people.map { Double($0.1) }
            let order = people.indices.sorted { (people[$0].2, $0) < (people[$1].2, $1) }
            let pre2 = order.map { pre[$0] }, post2 = order.map { post[$0] }
            let a = Self.analyse(pre, post, r, .lowerIsBetter, method)
            let b = Self.analyse(pre2, post2, r, .lowerIsBetter, method)
            #expect((a == nil) == (b == nil))
            guard let a, let b else { return }
            for (k, i) in order.enumerated() {
                #expect(Self.close(b.rci[k], a.rci[i]))
                #expect(b.categories[k] == a.categories[i])
            }
            #expect(a.counts == b.counts)
            #expect(a.nUsed == b.nUsed)
            for (x, y) in [(a.meanPre, b.meanPre), (a.sdPre, b.sdPre), (a.meanPost, b.meanPost),
                           (a.sdPost, b.sdPost), (a.sem, b.sem), (a.sDiff, b.sDiff), (a.sep, b.sep),
                           (a.criticalValue, b.criticalValue), (a.jtBandHalfWidth, b.jtBandHalfWidth),
                           (a.band.slope, b.band.slope), (a.band.intercept, b.band.intercept),
                           (a.band.halfWidth, b.band.halfWidth)] {
                #expect(Self.close(x, y))
            }
            #expect((a.rPrePost == nil) == (b.rPrePost == nil))
            if let x = a.rPrePost, let y = b.rPrePost { #expect(Self.close(x, y)) }
            if let x = a.rDD, let y = b.rDD { #expect(Self.close(x, y)) }
        }
    }

    @Test("adding a constant to pre and post leaves the JT RCI unchanged")
    func translationInvarianceJT() async {
        await propertyCheck(input: Self.participants, Self.reliability, Gen.double(in: -500...500)) { people, r, shift in
            let pre = people.map { Double($0.0) }, post = people.map { Double($0.1) }
            guard let a = Self.analyse(pre, post, r, .higherIsBetter, .jacobsonTruax) else { return }
            let b = Self.analyse(pre.map { $0 + shift }, post.map { $0 + shift }, r, .higherIsBetter, .jacobsonTruax)
            guard let b else { Issue.record("shifted data failed"); return }
            for (x, y) in zip(a.rci, b.rci) { #expect(Self.close(x, y)) }
            #expect(Self.close(a.sDiff, b.sDiff))
            #expect(a.categories == b.categories)
        }
    }
}
