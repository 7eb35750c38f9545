import Foundation
import Dispatch

// The per-measure figures of `tend analyse` gathered in linear passes over the score columns, with no array
// per group, no per-participant allocation and no dictionary: one pass for every count, mean and sum of
// squares by timepoint and arm and of the complete pairs (`SeriesSums`, shifted sums, after a pass that finds
// the shifts), one for the reliable change categories and one for Levene's test (after a sample of it). They
// are `Descriptive`'s two-pass means of the same values gathered into arrays, to the last bit for a small
// table and within a few units in the last place for a large one (see `SeriesSums`), where each participant
// is added to their own group's sums only and everyone's are combined from the groups'
// (`groupedMeasureSums`). Unusual inputs (an error to report, Hageman–Arrindell RCIs) go through the array
// functions themselves.

extension OutcomeAnalysis {
    /// The sums behind the mean and variance of one series of scores within one group, in one pass.
    ///
    /// Every value x is taken relative to a shift K: the sums are n, Σ(x − K) and Σ(x − K)², so that
    /// x̄ = K + Σ(x − K)/n and Σ(x − x̄)² = Σ(x − K)² − (Σ(x − K))²/n (the shifted-data algorithm; Chan, Golub &
    /// LeVeque 1983, doi:10.1080/00031305.1983.10483115). What is lost to rounding grows with |x̄ − K|, so K
    /// is the plain mean from a pass taken first: over every participant of a small table, which makes this
    /// `Descriptive`'s two passes to the last bit (Σ(x − K) is its refinement of the mean), or over every
    /// `sampleStep`th of a large one (within a small fraction of an SD of x̄), as accurate to within a few
    /// units in the last place of the SD. A series without a value in that pass takes its first value.
    struct SeriesSums {
        var n = 0
        /// K: set beforehand (`shifted(by:)`), else the first value added.
        var shift = 0.0
        var hasShift = false
        /// Σ(x − K) and Σ(x − K)².
        var shifted = 0.0
        var shiftedSquares = 0.0

        /// Empty sums about `shift`, or about their first value when `shift` is nil.
        static func shifted(by shift: Double?) -> SeriesSums {
            guard let shift, shift.isFinite else { return SeriesSums() }
            return SeriesSums(shift: shift, hasShift: true)
        }

        @inline(__always) mutating func add(_ v: Double) {
            if !hasShift { shift = v; hasShift = true }
            n &+= 1  // counts values held in memory: cannot overflow
            let d = v - shift
            shifted += d
            shiftedSquares += d * d
        }

        var mean: Double { n > 0 ? shift + shifted / Double(n) : .nan }

        /// The sums of several groups' values taken together, about their mean (Chan, Golub & LeVeque's
        /// pairwise formula): n = Σ nᵢ, the mean Σ nᵢ x̄ᵢ / n, and Σ(x − x̄)² = Σ [Σ(x − x̄ᵢ)² + nᵢ (x̄ᵢ − x̄)²].
        static func combined(_ parts: [SeriesSums]) -> SeriesSums {
            let filled = parts.filter { $0.n > 0 }
            guard let largest = filled.max(by: { $0.n < $1.n }) else { return SeriesSums() }
            if filled.count == 1 { return largest }
            let n = filled.reduce(0) { $0 + $1.n }
            // About the largest group's mean, so that the offsets summed are small.
            let reference = largest.mean
            var offset = 0.0
            for part in filled { offset += Double(part.n) * (part.mean - reference) }
            let mean = reference + offset / Double(n)
            var squares = 0.0
            for part in filled {
                let d = part.mean - mean
                squares += part.squares + Double(part.n) * d * d
            }
            return SeriesSums(n: n, shift: mean, hasShift: true, shifted: 0, shiftedSquares: squares)
        }
        /// Σ(x − x̄)², the sum of squared deviations from the mean (never below 0).
        var squares: Double { n > 0 ? max(0, shiftedSquares - shifted * shifted / Double(n)) : 0 }
        /// Sample variance (n − 1); NaN when n < 2.
        var variance: Double { n >= 2 ? squares / Double(n - 1) : .nan }
        var standardDeviation: Double { variance.squareRoot() }
    }
}

extension OutcomeAnalysis.SeriesSums {
    /// The sums of `n` values about `shift` from their shifted moments (`GroupSums.Moments`); in an extension,
    /// so that the memberwise initialiser stays.
    init(n: Int, shift: Double, moments: OutcomeAnalysis.GroupSums.Moments) {
        self.init(n: n, shift: shift, hasShift: true, shifted: moments.sum, shiftedSquares: moments.squares)
    }
}

extension OutcomeAnalysis {
    /// Sums of one measure, by series and group.
    ///
    /// Series: 0..<T the scores at each timepoint; T, T + 1, T + 2 the pre scores, post scores and changes
    /// (post − pre) of the complete pairs; T + 3 the pre scores of participants with an arm (group 0 only);
    /// T + 4 the sums pre + post of the complete pairs (arms only, for the mixed ANOVA).
    /// Groups: 0 everyone, 1 + a arm a.
    struct MeasureSums {
        static let seriesCount = 5
        let timepoints: Int
        let groups: Int
        var sums: [SeriesSums]
        /// Participants with a pre or a post score; those of them with an arm.
        var nGiven = 0
        var nGivenWithArm = 0
        /// Σ (pre − mean pre)(post − mean post) over all complete pairs (Pearson's numerator).
        var pairCross = 0.0

        subscript(series s: Int, group g: Int) -> SeriesSums { sums[s * groups + g] }
        func timepoint(_ t: Int, arm: Int? = nil) -> SeriesSums { self[series: t, group: arm.map { $0 + 1 } ?? 0] }
        func pairPre(arm: Int? = nil) -> SeriesSums { self[series: timepoints, group: arm.map { $0 + 1 } ?? 0] }
        func pairPost(arm: Int? = nil) -> SeriesSums { self[series: timepoints + 1, group: arm.map { $0 + 1 } ?? 0] }
        func pairChange(arm: Int? = nil) -> SeriesSums { self[series: timepoints + 2, group: arm.map { $0 + 1 } ?? 0] }
        var armPrePool: SeriesSums { self[series: timepoints + 3, group: 0] }
        func pairSum(arm: Int) -> SeriesSums { self[series: timepoints + 4, group: arm + 1] }
    }

    /// Calls `body` with readers of the columns (kept alive and unchanged for the call).
    static func withColumns<R>(_ columns: [ScoreColumn], _ body: (UnsafePointer<ScoreReader>) -> R) -> R {
        let readers = UnsafeMutablePointer<ScoreReader>.allocate(capacity: max(1, columns.count))
        defer { readers.deallocate() }
        return withExtendedLifetime(columns) {
            for (k, column) in columns.enumerated() { (readers + k).initialize(to: column.withReader { $0 }) }
            return body(UnsafePointer(readers))
        }
    }

    /// Tables of `sampledFrom` participants or more are shifted by the means of a sample of every
    /// `sampleStep`th participant; smaller ones by the means of a first pass over all of them.
    static let sampleStep = 8, sampledFrom = 512

    static func measureSums(_ m: Int, context c: Context) -> MeasureSums {
        if c.table.participantCount >= sampledFrom, let sums = groupedMeasureSums(m, context: c) { return sums }
        return seriesMeasureSums(m, context: c)
    }

    /// `measureSums` with every series of every group (everyone's included) summed as it is, in participant
    /// order: for a small table the two-pass figures to the last bit.
    static func seriesMeasureSums(_ m: Int, context c: Context) -> MeasureSums {
        let table = c.table
        let T = table.timepoints.count, G = table.arms.count + 1, N = table.participantCount
        let count = (T + MeasureSums.seriesCount) * G
        var result = MeasureSums(timepoints: T, groups: G, sums: Array(repeating: SeriesSums(), count: count))
        var given = 0, givenWithArm = 0, cross = 0.0
        withColumns(table.scores[m]) { cols in
            table.armOfParticipant.withUnsafeBufferPointer { armBuffer in
                let arms = armBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                // The shifts: plain means (sums about 0) over a sample of a large table, over every participant
                // of a smaller one, whose figures are then exactly those of `Descriptive`'s two passes.
                var sample = [SeriesSums](repeating: .shifted(by: 0), count: count)
                var sampleGiven = (0, 0), sampleCross = 0.0
                sample.withUnsafeMutableBufferPointer { buffer in
                    accumulate(buffer.baseAddress!, cols: cols, arms: arms, T: T, G: G, N: N,
                               step: N >= sampledFrom ? sampleStep : 1,
                               pre: c.pre, post: c.post, given: &sampleGiven, cross: &sampleCross)
                }
                result.sums = sample.map { .shifted(by: $0.n > 0 ? $0.mean : nil) }
                var counts = (0, 0)
                result.sums.withUnsafeMutableBufferPointer { buffer in
                    accumulate(buffer.baseAddress!, cols: cols, arms: arms, T: T, G: G, N: N, step: 1,
                               pre: c.pre, post: c.post, given: &counts, cross: &cross)
                }
                (given, givenWithArm) = counts
            }
        }
        result.nGiven = given
        result.nGivenWithArm = givenWithArm
        // Σ(x − x̄)(y − ȳ) = Σ(x − Kx)(y − Ky) − (Σ(x − Kx))(Σ(y − Ky))/n.
        let pairX = result.pairPre(), pairY = result.pairPost()
        result.pairCross = pairX.n > 0 ? cross - pairX.shifted * pairY.shifted / Double(pairX.n) : 0
        return result
    }

    /// Adds participants 0, step, 2·step, … below N to the measure's series (laid out as in `MeasureSums`),
    /// counts those with a pre or post score (everyone, and those with an arm) and sums the pairs' cross
    /// products about the pairs' shifts.
    @inline(__always)
    private static func accumulate(_ sums: UnsafeMutablePointer<SeriesSums>, cols: UnsafePointer<ScoreReader>,
                                   arms: UnsafePointer<Int32>, T: Int, G: Int, N: Int, step: Int, pre preT: Int, post postT: Int,
                                   given: inout (Int, Int), cross: inout Double) {
        let pairBase = sums + T * G, pool = sums + (T + 3) * G, pairSums = sums + (T + 4) * G
        let pre = cols[preT], post = cols[postT]
        // Each series gets its values in participant order. The series over everyone at the pre and post
        // timepoints, of the pairs and of the arms' pre scores are held in locals for the pass (registers
        // rather than memory); the arms' series and other timepoints' are updated in place.
        let preSeries = sums + preT * G, postSeries = sums + postT * G
        var atPre = preSeries[0], atPost = postSeries[0]
        var pairX = pairBase[0], pairY = pairBase[G], pairD = pairBase[2 * G], armPre = pool[0]
        var everyone = given.0, withArm = given.1, products = cross
        var p = 0
        while p < N {
            let g = Int(arms[p]) &+ 1
            if T > 2 {
                for t in 0..<T where t != preT && t != postT {
                    let v = cols[t][p]
                    if v.isNaN { continue }
                    let s = sums + t * G
                    s[0].add(v)
                    if g > 0 { s[g].add(v) }
                }
            }
            let x = pre[p], y = post[p]
            if !x.isNaN {
                atPre.add(x)
                if g > 0 { preSeries[g].add(x) }
            }
            if !y.isNaN {
                atPost.add(y)
                if g > 0 { postSeries[g].add(y) }
            }
            if !x.isNaN || !y.isNaN {
                everyone &+= 1
                if g > 0 { withArm &+= 1 }
            }
            if !x.isNaN && !y.isNaN {
                let d = y - x
                pairX.add(x)
                pairY.add(y)
                pairD.add(d)
                products += (x - pairX.shift) * (y - pairY.shift)
                if g > 0 {
                    pairBase[g].add(x)
                    pairBase[G &+ g].add(y)
                    pairBase[2 &* G &+ g].add(d)
                    pairSums[g].add(x + y)
                }
            }
            if g > 0 && !x.isNaN { armPre.add(x) }
            p &+= step
        }
        preSeries[0] = atPre
        postSeries[0] = atPost
        pairBase[0] = pairX
        pairBase[G] = pairY
        pairBase[2 * G] = pairD
        pool[0] = armPre
        given = (everyone, withArm)
        cross = products
    }

    // MARK: - Sums of a large table by group

    /// One group's sums in `groupedMeasureSums`, about the group's pre and post shifts Kx and Ky: its pre and
    /// post scores, and of its complete pairs the pre scores, post scores, changes (shift Ky − Kx) and
    /// pre + post (shift Kx + Ky), with the pairs' cross products Σ(x − Kx)(y − Ky); and how many of the
    /// group have a pre or a post score.
    struct GroupSums {
        /// Σd and Σd² of shifted values d.
        struct Moments {
            var sum = 0.0, squares = 0.0
            @inline(__always) mutating func add(_ d: Double) {
                sum += d
                squares += d * d
            }
            @inline(__always) mutating func absorb(_ other: Moments) {
                sum += other.sum
                squares += other.squares
            }
        }
        var nPre = 0, nPost = 0, nPairs = 0, given = 0
        var pre = Moments(), post = Moments(), pairPre = Moments(), pairPost = Moments(), change = Moments(), total = Moments()
        var cross = 0.0

        /// Adds another block's sums (about the same shifts) to these.
        @inline(__always) mutating func absorb(_ other: GroupSums) {
            nPre &+= other.nPre; nPost &+= other.nPost; nPairs &+= other.nPairs; given &+= other.given
            pre.absorb(other.pre); post.absorb(other.post); pairPre.absorb(other.pairPre)
            pairPost.absorb(other.pairPost); change.absorb(other.change); total.absorb(other.total)
            cross += other.cross
        }
    }

    /// Participants summed into a block's own sums before these join the totals (`GroupSums.absorb`). The
    /// rounding error of a long running sum grows with the sum itself, which drifts by |x̄ − K| a value; a
    /// block's sum stays small, and the totals take one addition per block, so the figures depend far less
    /// on how close the sampled shifts K are to the means.
    static let blockLength = 1024

    /// `measureSums` for a large table: each participant's scores are added to their group's sums only (no
    /// arm, or their arm), and everyone's figures are then the groups' taken together (`SeriesSums.combined`),
    /// which halves the work of the pass. A group's shifts are the plain means of its scores over a sample
    /// of every `sampleStep`th participant. Nil when a group has pre or post scores but none in the sample
    /// (then `seriesMeasureSums`, which shifts such a series by its first value).
    static func groupedMeasureSums(_ m: Int, context c: Context) -> MeasureSums? {
        let table = c.table
        let T = table.timepoints.count, G = table.arms.count + 1, N = table.participantCount
        let others = (0..<T).filter { $0 != c.pre && $0 != c.post }
        return withColumns(table.scores[m]) { cols -> MeasureSums? in
            table.armOfParticipant.withUnsafeBufferPointer { armBuffer -> MeasureSums? in
                let arms = armBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                var sample = [GroupSums](repeating: GroupSums(), count: G)
                var sampleOthers = [SeriesSums](repeating: .shifted(by: 0), count: others.count * G)
                let zero = [Double](repeating: 0, count: G)
                accumulateGroups(&sample, others: &sampleOthers, otherTimepoints: others, cols: cols, arms: arms,
                                 N: N, step: sampleStep, pre: c.pre, post: c.post, preShifts: zero, postShifts: zero)
                let preShifts = sample.map { $0.nPre > 0 ? $0.pre.sum / Double($0.nPre) : 0 }
                let postShifts = sample.map { $0.nPost > 0 ? $0.post.sum / Double($0.nPost) : 0 }
                var groups = [GroupSums](repeating: GroupSums(), count: G)
                var otherSums = sampleOthers.map { SeriesSums.shifted(by: $0.n > 0 ? $0.mean : nil) }
                accumulateGroups(&groups, others: &otherSums, otherTimepoints: others, cols: cols, arms: arms,
                                 N: N, step: 1, pre: c.pre, post: c.post, preShifts: preShifts, postShifts: postShifts)
                for g in 0..<G where (groups[g].nPre > 0 && sample[g].nPre == 0) || (groups[g].nPost > 0 && sample[g].nPost == 0) {
                    return nil
                }

                var result = MeasureSums(timepoints: T, groups: G,
                                         sums: Array(repeating: SeriesSums(), count: (T + MeasureSums.seriesCount) * G))
                // By series (as `MeasureSums` lays them out), each group's sums; group 0 of `byGroup` is
                // those without an arm.
                func place(_ s: Int, _ byGroup: (Int) -> SeriesSums) {
                    let parts = (0..<G).map(byGroup)
                    for g in 1..<G { result.sums[s * G + g] = parts[g] }
                    result.sums[s * G] = SeriesSums.combined(parts)
                }
                place(c.pre) { g in SeriesSums(n: groups[g].nPre, shift: preShifts[g], moments: groups[g].pre) }
                place(c.post) { g in SeriesSums(n: groups[g].nPost, shift: postShifts[g], moments: groups[g].post) }
                for (j, t) in others.enumerated() { place(t) { g in otherSums[j * G + g] } }
                let pairPre = { (g: Int) in SeriesSums(n: groups[g].nPairs, shift: preShifts[g], moments: groups[g].pairPre) }
                let pairPost = { (g: Int) in SeriesSums(n: groups[g].nPairs, shift: postShifts[g], moments: groups[g].pairPost) }
                place(T, pairPre)
                place(T + 1, pairPost)
                place(T + 2) { g in SeriesSums(n: groups[g].nPairs, shift: postShifts[g] - preShifts[g], moments: groups[g].change) }
                // The arms' pre scores pooled (group 0 only), and the arms' pre + post (arms only).
                result.sums[(T + 3) * G] = SeriesSums.combined((1..<G).map { result.sums[c.pre * G + $0] })
                for g in 1..<G {
                    result.sums[(T + 4) * G + g] = SeriesSums(n: groups[g].nPairs, shift: preShifts[g] + postShifts[g], moments: groups[g].total)
                }
                result.nGiven = groups.reduce(0) { $0 + $1.given }
                result.nGivenWithArm = result.nGiven - groups[0].given
                // Σ(x − x̄)(y − ȳ) over everyone: within each group about its own means, plus the group's
                // n (x̄g − x̄)(ȳg − ȳ).
                let meanX = result.pairPre().mean, meanY = result.pairPost().mean
                var cross = 0.0
                for g in 0..<G where groups[g].nPairs > 0 {
                    let n = Double(groups[g].nPairs), x = pairPre(g), y = pairPost(g)
                    cross += groups[g].cross - x.shifted * y.shifted / n + n * (x.mean - meanX) * (y.mean - meanY)
                }
                result.pairCross = result.pairPre().n > 0 ? cross : 0
                return result
            }
        }
    }

    /// Adds participants 0, step, 2·step, … below N to their group's sums (group 1 + a for arm a, 0 for no
    /// arm), about the groups' shifts, in blocks of `blockLength`; the scores at other timepoints than pre and
    /// post go to `others` (timepoint j of `otherTimepoints` and group g at j·G + g).
    private static func accumulateGroups(_ groups: inout [GroupSums], others: inout [SeriesSums], otherTimepoints: [Int],
                                         cols: UnsafePointer<ScoreReader>, arms: UnsafePointer<Int32>, N: Int,
                                         step: Int, pre preT: Int, post postT: Int, preShifts: [Double], postShifts: [Double]) {
        func pass<X: ScoreSlots, Y: ScoreSlots>(_ x: X, _ y: Y) {
            accumulateGroups(&groups, others: &others, otherTimepoints: otherTimepoints, cols: cols, arms: arms, N: N,
                             step: step, pre: x, post: y, preShifts: preShifts, postShifts: postShifts)
        }
        // Written once, run as one of four loops, by how the pre and post scores are held.
        switch (cols[preT].slots, cols[postT].slots) {
        case let (.doubles(x), .doubles(y)): pass(x, y)
        case let (.doubles(x), .compact(y)): pass(x, y)
        case let (.compact(x), .doubles(y)): pass(x, y)
        case let (.compact(x), .compact(y)): pass(x, y)
        }
    }

    @inline(__always)
    private static func accumulateGroups<X: ScoreSlots, Y: ScoreSlots>(
        _ groups: inout [GroupSums], others: inout [SeriesSums], otherTimepoints: [Int], cols: UnsafePointer<ScoreReader>,
        arms: UnsafePointer<Int32>, N: Int, step: Int, pre: X, post: Y, preShifts: [Double], postShifts: [Double]
    ) {
        let G = groups.count
        var block = [GroupSums](repeating: GroupSums(), count: G)
        groups.withUnsafeMutableBufferPointer { totals in
            block.withUnsafeMutableBufferPointer { blockBuffer in
                others.withUnsafeMutableBufferPointer { otherBuffer in
                    preShifts.withUnsafeBufferPointer { kx in
                        postShifts.withUnsafeBufferPointer { ky in
                            let sums = blockBuffer.baseAddress!
                            var p = 0
                            while p < N {
                                let end = min(N, p &+ blockLength &* step)
                                while p < end {
                                    let g = Int(arms[p]) &+ 1
                                    for (j, t) in otherTimepoints.enumerated() {
                                        let v = cols[t][p]
                                        if !v.isNaN { otherBuffer[j &* G &+ g].add(v) }
                                    }
                                    let x = pre.value(p), y = post.value(p)
                                    let hasPre = !x.isNaN, hasPost = !y.isNaN, both = hasPre && hasPost
                                    // No branches on what is missing: a missing score adds 0 and counts 0.
                                    let dx = hasPre ? x - kx[g] : 0, dy = hasPost ? y - ky[g] : 0
                                    let px = both ? dx : 0, py = both ? dy : 0
                                    let d = py - px, s = px + py
                                    let q = sums + g
                                    q.pointee.nPre &+= hasPre ? 1 : 0
                                    q.pointee.nPost &+= hasPost ? 1 : 0
                                    q.pointee.nPairs &+= both ? 1 : 0
                                    q.pointee.given &+= hasPre || hasPost ? 1 : 0
                                    q.pointee.pre.add(dx)
                                    q.pointee.post.add(dy)
                                    q.pointee.pairPre.add(px)
                                    q.pointee.pairPost.add(py)
                                    q.pointee.change.add(d)
                                    q.pointee.total.add(s)
                                    q.pointee.cross += px * py
                                    p &+= step
                                }
                                for g in 0..<G {
                                    totals[g].absorb(sums[g])
                                    sums[g] = GroupSums()
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Figures from the sums

    /// `MeanInterval.oneSample` from the n, mean and SD of the sample.
    static func meanInterval(_ s: SeriesSums, level: Double) -> MeanIntervalResult {
        let n = s.n
        let mean = s.mean
        let sd = s.standardDeviation
        let se = sd / Double(n).squareRoot()
        let df = Double(n - 1)
        let q = n >= 2 ? StudentT.quantile((1 + level) / 2, df: df) : .nan
        return MeanIntervalResult(n: n, mean: mean, sd: sd, se: se, df: df, lower: mean - q * se,
                                  upper: mean + q * se, level: level)
    }

    static func cellSummary(arm: String?, timepoint: String, sums: SeriesSums) -> CellSummary {
        let ci = meanInterval(sums, level: 0.95)
        let defined = sums.n >= 2
        return CellSummary(arm: arm, timepoint: timepoint, n: ci.n, mean: ci.mean, sd: ci.sd,
                           ciLower: defined ? ci.lower : nil, ciUpper: defined ? ci.upper : nil)
    }

    /// `changeSummary` from the sums of the pairs' pre scores, post scores and changes; d_z and d_av as
    /// `PairedEffectSize.compute` gives them (nil where it would throw: n < 3 or an SD that is not > 0).
    static func changeSummary(arm: String?, pre: SeriesSums, post: SeriesSums, change: SeriesSums) -> ChangeSummary? {
        let n = pre.n
        guard n > 0 else { return nil }
        let ci = meanInterval(change, level: 0.95)
        let meanPre = pre.mean, meanPost = post.mean
        var summary = ChangeSummary(arm: arm, n: n, meanPre: meanPre, meanPost: meanPost,
                                    meanChange: ci.mean, sdChange: ci.sd,
                                    ciLower: n >= 2 ? ci.lower : nil, ciUpper: n >= 2 ? ci.upper : nil,
                                    dz: nil, dav: nil,
                                    percentChange: meanPre != 0 ? 100 * (meanPost - meanPre) / meanPre : nil)
        if n >= 3 {
            let sdPre = pre.standardDeviation, sdPost = post.standardDeviation, sdChange = change.standardDeviation
            if sdPre > 0 && sdPost > 0 && sdChange > 0 {
                let meanChange = change.mean
                let dz = meanChange / sdChange
                let dAv = meanChange / ((sdPre + sdPost) / 2)
                summary.dz = dz.isFinite ? dz : nil
                summary.dav = dAv.isFinite ? dAv : nil
            }
        }
        return summary
    }

    /// `MeanDifference.twoSample` for the pooled (two arms) and Welch variances from the n, mean and
    /// variance of each sample; nil where it would throw (the caller then asks it for the error).
    static func meanDifference(_ a: SeriesSums, _ b: SeriesSums, level: Double, variance: MeanDifferenceVariance) -> MeanDifferenceResult? {
        guard level > 0, level < 1, a.n >= 2, b.n >= 2 else { return nil }
        let n1 = Double(a.n), n2 = Double(b.n)
        let m1 = a.mean, m2 = b.mean
        let v1 = a.variance, v2 = b.variance
        let se: Double, df: Double
        switch variance {
        case .pooledTwoArms:
            let ss = (n1 - 1) * v1 + (n2 - 1) * v2
            df = n1 + n2 - 2
            se = (ss / df * (1 / n1 + 1 / n2)).squareRoot()
        case .welch:
            let q1 = v1 / n1, q2 = v2 / n2
            se = (q1 + q2).squareRoot()
            df = (q1 + q2) * (q1 + q2) / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1))
        case .pooledAllArms:
            return nil
        }
        guard se > 0, se.isFinite else { return nil }
        let d = m1 - m2
        let t = d / se
        let q = StudentT.quantile((1 + level) / 2, df: df)
        return MeanDifferenceResult(
            difference: d, se: se, df: df, t: t, p: StudentT.twoSidedP(t, df: df),
            lower: d - q * se, upper: d + q * se, level: level, method: variance.methodName,
            nA: a.n, nB: b.n, meanA: m1, meanB: m2, sdA: v1.squareRoot(), sdB: v2.squareRoot())
    }

    /// The figures of `ReliableChange.compute` other than the per-participant vectors.
    struct ReliableChangeFigures {
        var method: ReliableChangeMethod
        var nUsed: Int
        var meanPre: Double, sdPre: Double, meanPost: Double, sdPost: Double
        var sem: Double, sDiff: Double, sep: Double
        var rPrePost: Double?
        var rDD: Double?
        var criticalValue: Double
        var reliability: Double
        /// The RCI of each complete pair when it came from `ReliableChange.compute` (else by formula).
        var values: [Double]?

        /// The RCI of a pair by the method's formula (as `ReliableChange.compute` writes it).
        @inline(__always) func rci(pre x: Double, post y: Double) -> Double {
            switch method {
            case .jacobsonTruax: return (y - x) / sDiff
            case .gulliksenLordNovick: return ((y - meanPre) - reliability * (x - meanPre)) / sep
            case .hsuLinnLord: return ((y - meanPost) - reliability * (x - meanPre)) / sep
            case .edwardsNunnally: return (y - (reliability * (x - meanPre) + meanPre)) / sem
            case .hagemanArrindell: preconditionFailure("Hageman–Arrindell RCIs come from ReliableChange.compute")
            }
        }
    }

    /// `ReliableChange.compute` on the complete pairs, from the sums where the method has a closed form and
    /// the inputs are valid; otherwise from the function itself (which also gives the error).
    static func reliableChangeFigures(_ s: MeasureSums, m: Int, context c: Context, reliability r: Double,
                                      direction: Direction) throws(ReliableChangeError) -> ReliableChangeFigures {
        let method = c.options.method, alpha = c.options.significanceLevel
        let pre = s.pairPre(), post = s.pairPost()
        let sdPreSample = pre.standardDeviation
        if method != .hagemanArrindell, r > 0, r < 1, alpha > 0, alpha < 1, pre.n >= 2, sdPreSample > 0 {
            let sdPre = sdPreSample
            let sem = sdPre * (1 - r).squareRoot()
            let sDiff = (2 * sem * sem).squareRoot()
            let sep = sdPre * (1 - r * r).squareRoot()
            let rppRaw = s.pairCross / (pre.squares * post.squares).squareRoot()
            return ReliableChangeFigures(
                method: method, nUsed: pre.n, meanPre: pre.mean, sdPre: sdPre, meanPost: post.mean,
                sdPost: post.standardDeviation, sem: sem, sDiff: sDiff, sep: sep,
                rPrePost: rppRaw.isFinite ? rppRaw : nil, rDD: nil,
                criticalValue: method.criticalValue(significanceLevel: alpha), reliability: r, values: nil)
        }
        let (x, y) = completePairs(m, context: c)
        let result = try ReliableChange.compute(pre: x, post: y, reliability: r, direction: direction,
                                                method: method, significanceLevel: alpha)
        return ReliableChangeFigures(
            method: result.method, nUsed: result.nUsed, meanPre: result.meanPre, sdPre: result.sdPre,
            meanPost: result.meanPost, sdPost: result.sdPost, sem: result.sem, sDiff: result.sDiff, sep: result.sep,
            rPrePost: result.rPrePost, rDD: result.rDD, criticalValue: result.criticalValue, reliability: r,
            values: result.rci)
    }

    /// Counts of the complete pairs by reliable change category (improved, unchanged, deteriorated: c), clinsig
    /// table row (not significant, okay at baseline, significant change: r), pre score on the clinical side of
    /// the cut-off (q) and post score on the functional side (f), at index c + 3·(r + 3·(q + 2·f)); with no
    /// cut-off only c is counted. The RCI and every comparison are those of the per-participant loop.
    static func categoryCells(_ m: Int, figures r: ReliableChangeFigures, direction: Direction, cutoff: Double?,
                              context c: Context) -> [Int] {
        // Four sets of counters, taken in turn: most pairs fall in the same few cells, and consecutive
        // increments of one counter would each wait for the last.
        var cells = [Int](repeating: 0, count: 4 * 36)
        let N = c.table.participantCount
        c.table.scores[m][c.pre].withReader { pre in
            c.table.scores[m][c.post].withReader { post in
                cells.withUnsafeMutableBufferPointer { counts in
                    let counts = counts.baseAddress!
                    // Written once, run as one of four loops, by how the pre and post scores are held.
                    switch (pre.slots, post.slots) {
                    case let (.doubles(x), .doubles(y)): countCells(x, y, N, r, direction, cutoff, counts)
                    case let (.doubles(x), .compact(y)): countCells(x, y, N, r, direction, cutoff, counts)
                    case let (.compact(x), .doubles(y)): countCells(x, y, N, r, direction, cutoff, counts)
                    case let (.compact(x), .compact(y)): countCells(x, y, N, r, direction, cutoff, counts)
                    }
                }
            }
        }
        return (0..<36).map { cells[$0] + cells[36 + $0] + cells[72 + $0] + cells[108 + $0] }
    }

    /// `categoryCells`' pass over participants 0..<N, into four sets of 36 counters at `counts`.
    private static func countCells<X: ScoreSlots, Y: ScoreSlots>(_ pre: X, _ post: Y, _ N: Int, _ r: ReliableChangeFigures,
                                                                  _ direction: Direction, _ cutoff: Double?,
                                                                  _ counts: UnsafeMutablePointer<Int>) {
        let sign = direction.sign, cv = r.criticalValue
        @inline(__always) func count(cut: Double?) {
            for p in 0..<N {
                let x = pre.value(p), y = post.value(p)
                if x.isNaN || y.isNaN { continue }
                let d = sign * r.rci(pre: x, post: y)
                var index = d > cv ? 0 : (d < -cv ? 2 : 1)
                if let cut {
                    let sx = sign * x, sy = sign * y, sc = sign * cut
                    let row = sx > sc ? 1 : (sy > sc ? 2 : 0)
                    index &+= 3 &* (row &+ 3 &* ((sx < sc ? 1 : 0) &+ 2 &* (sy > sc ? 1 : 0)))
                }
                counts[(p & 3) &* 36 &+ index] &+= 1
            }
        }
        if let cutoff { count(cut: cutoff) } else { count(cut: nil) }
    }

    /// The pre and post scores of the complete pairs, in participant order.
    static func completePairs(_ m: Int, context c: Context, arm: Int? = nil) -> (pre: [Double], post: [Double]) {
        let preScores = c.table.scores[m][c.pre], postScores = c.table.scores[m][c.post]
        var pre: [Double] = [], post: [Double] = []
        for p in 0..<c.table.participantCount {
            let x = preScores[p], y = postScores[p]
            if x.isNaN || y.isNaN { continue }
            if let arm, Int(c.table.armOfParticipant[p]) != arm { continue }
            pre.append(x)
            post.append(y)
        }
        return (pre, post)
    }

    // MARK: - Mixed ANOVA over pre and post from the sums

    /// `mixedANOVA` when its two levels are the pre and post timepoints: the complete pairs of each arm
    /// are its subjects, so their sums give every cell mean and error term (`MixedANOVA.compute(twoLevelGroups:)`).
    /// Nil, with nothing skipped, when no participant has a pre or post score.
    static func twoLevelANOVA(_ s: MeasureSums, context c: Context, skipped: inout [String: String]) -> ANOVASection? {
        let table = c.table
        guard s.nGiven > 0 else { return nil }
        let arms = table.arms.indices.filter { s.pairPre(arm: $0).n > 0 }
        let kept = arms.reduce(0) { $0 + s.pairPre(arm: $1).n }
        let noArm = s.nGiven - s.nGivenWithArm, incomplete = s.nGivenWithArm - kept
        let preFirst = c.levels[0] == c.pre
        let groups = arms.map { a -> MixedANOVA.TwoLevelGroup in
            let pre = s.pairPre(arm: a).mean, post = s.pairPost(arm: a).mean
            return MixedANOVA.TwoLevelGroup(n: s.pairPre(arm: a).n, mean1: preFirst ? pre : post, mean2: preFirst ? post : pre,
                                            ssTotals: s.pairSum(arm: a).squares, ssDifferences: s.pairChange(arm: a).squares)
        }
        let levelLabels = c.levels.map { table.timepoints[$0] }
        do {
            let result = try MixedANOVA.compute(twoLevelGroups: groups, groupLabels: arms.map { table.arms[$0] },
                                                levelLabels: levelLabels, type: c.options.anovaType)
            return ANOVASection(levels: levelLabels, excludedIncomplete: incomplete, excludedNoArm: noArm, result: result)
        } catch {
            skipped["anova"] = "\(error) (\(kept) participants with every level; \(incomplete) missing a level were excluded)"
            return nil
        }
    }

    // MARK: - Baseline row of a measure from the sums

    /// The baseline-table row of a measure's pre scores when every arm has more than 5,000 of them (so
    /// Shapiro–Wilk is not run and the row is mean (SD), Levene and one-way ANOVA): the same figures as
    /// `continuousRow` on the pre scores grouped by arm, from shifted sums (see `SeriesSums`), which agree with
    /// the arrays' figures up to rounding in the last bits. Nil when the groups are smaller (then
    /// `continuousRow` runs on arrays).
    static func largeBaselineRow(_ m: Int, sums s: MeasureSums, context c: Context) -> BaselineRow? {
        let table = c.table
        let arms = c.activeArms
        guard arms.count >= 2 else { return nil }
        let groups = arms.map { s.timepoint(c.pre, arm: $0) }
        guard groups.allSatisfy({ $0.n > shapiroRange.upperBound }) else { return nil }
        let labels = arms.map { table.arms[$0] }

        // Levene (centre: mean): one-way ANOVA of |x − mean of the arm|, summed about shifts: the means of
        // those deviations over a sample of every `sampleStep`th participant (over everyone when an arm has
        // none there), then in blocks (`blockLength`) as in `accumulateGroups`.
        let A = table.arms.count
        var centre = [Double](repeating: .nan, count: A)
        for a in arms { centre[a] = s.timepoint(c.pre, arm: a).mean }
        let N = table.participantCount
        let dev: [SeriesSums] = table.scores[m][c.pre].withReader { pre in
            table.armOfParticipant.withUnsafeBufferPointer { armBuffer in
                let arms = armBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                switch pre.slots {
                case .doubles(let x): return leveneDeviations(x, arms: arms, N: N, centre: centre, active: c.activeArms)
                case .compact(let x): return leveneDeviations(x, arms: arms, N: N, centre: centre, active: c.activeArms)
                }
            }
        }
        let everyone = SeriesSums.combined(dev)
        let levene = oneWayANOVA(arms.map { dev[$0] }, grandMean: everyone.mean).map {
            LeveneResult(statistic: $0.f, df1: $0.dfBetween, df2: $0.dfWithin, p: $0.p, center: .mean)
        }
        var row = BaselineRow(variable: "\(table.measures[m]) (\(table.timepoints[c.pre]))", kind: "continuous",
                              groups: [], summary: "mean (SD)",
                              normality: zip(labels, groups).map { NormalityCheck(arm: $0, n: $1.n, w: nil, p: nil, note: normalityNote(n: $1.n)) },
                              levene: levene, test: "", statistic: nil, df: [], p: nil, levels: nil, counts: nil, note: nil)
        if let f = oneWayANOVA(groups, grandMean: s.armPrePool.mean) {
            row.test = "ANOVA F"
            row.statistic = f.f; row.df = [f.dfBetween, f.dfWithin]; row.p = f.p
        } else {
            row.test = "none"
            row.note = "too few values for a test between arms"
        }
        row.groups = zip(labels, groups).map { BaselineGroup(arm: $0, n: $1.n, mean: $1.mean, sd: $1.standardDeviation, meanRank: nil) }
        return row
    }

    /// Per arm, the sums of |x − centre of the arm| over the pre scores `pre` (see `largeBaselineRow`).
    private static func leveneDeviations<X: ScoreSlots>(_ pre: X, arms: UnsafePointer<Int32>, N: Int, centre: [Double],
                                                        active: [Int]) -> [SeriesSums] {
        let A = centre.count
        @inline(__always) func plainMeans(step: Int) -> [SeriesSums] {
            var sums = [SeriesSums](repeating: .shifted(by: 0), count: A)
            for p in stride(from: 0, to: N, by: step) {
                let a = Int(arms[p]), x = pre.value(p)
                if a < 0 || x.isNaN { continue }
                sums[a].add(abs(x - centre[a]))
            }
            return sums
        }
        var first = plainMeans(step: sampleStep)
        if active.contains(where: { first[$0].n == 0 }) { first = plainMeans(step: 1) }
        let shift = first.map { $0.n > 0 ? $0.mean : 0 }
        var totals = [GroupSums.Moments](repeating: .init(), count: A), counts = [Int](repeating: 0, count: A)
        var block = [GroupSums.Moments](repeating: .init(), count: A)
        block.withUnsafeMutableBufferPointer { sums in
            var p = 0
            while p < N {
                let end = min(N, p &+ blockLength)
                while p < end {
                    let a = Int(arms[p]), x = pre.value(p)
                    p &+= 1
                    if a < 0 || x.isNaN { continue }
                    counts[a] &+= 1
                    sums[a].add(abs(x - centre[a]) - shift[a])
                }
                for a in 0..<A { totals[a].absorb(sums[a]); sums[a] = .init() }
            }
        }
        return (0..<A).map { SeriesSums(n: counts[$0], shift: shift[$0], moments: totals[$0]) }
    }

    /// `OneWayANOVA.test` from the groups' sums (non-empty groups, more values than groups); nil where it
    /// would throw because no group varies.
    static func oneWayANOVA(_ groups: [SeriesSums], grandMean: Double) -> OneWayANOVAResult? {
        let k = groups.count
        let n = groups.reduce(0) { $0 + $1.n }
        guard k >= 2, groups.allSatisfy({ $0.n >= 1 }), n > k else { return nil }
        var ssBetween = 0.0, ssWithin = 0.0
        for g in groups {
            let d = g.mean - grandMean
            ssBetween += Double(g.n) * d * d
            ssWithin += g.squares
        }
        guard ssWithin > 0 else { return nil }
        let dfBetween = Double(k - 1), dfWithin = Double(n - k)
        let msBetween = ssBetween / dfBetween, msWithin = ssWithin / dfWithin
        let f = msBetween / msWithin
        return OneWayANOVAResult(
            ssBetween: ssBetween, ssWithin: ssWithin, dfBetween: dfBetween, dfWithin: dfWithin,
            msBetween: msBetween, msWithin: msWithin, f: f, p: FisherF.sf(f, d1: dfBetween, d2: dfWithin),
            groupSizes: groups.map(\.n), groupMeans: groups.map(\.mean))
    }

    // MARK: - Presence of pre and post scores

    /// Per participant, whether any analysed measure has a pre score, and a post score: counted by arm and
    /// over everyone (one job among the measures' in `run`).
    struct PresenceCounts {
        var baselineByArm: [Int]
        var completedByArm: [Int]
        var baseline = 0
        var completed = 0
    }

    static func presenceCounts(context c: Context, measureIndices: [Int]) -> PresenceCounts {
        let table = c.table
        let A = table.arms.count, N = table.participantCount
        let columns = measureIndices.flatMap { [table.scores[$0][c.pre], table.scores[$0][c.post]] }
        let M = measureIndices.count
        // By group (0: no arm, 1 + a: arm a), baseline at 2g and completed at 2g + 1.
        var byGroup = [Int](repeating: 0, count: 2 * (A + 1))
        withColumns(columns) { cols in
            table.armOfParticipant.withUnsafeBufferPointer { arms in
                byGroup.withUnsafeMutableBufferPointer { counts in
                    for p in 0..<N {
                        // Most participants have both on the first measure: the other columns are only read (and
                        // brought into cache) for those who do not.
                        var hasPre = false, hasPost = false
                        var j = 0
                        while j < M && !(hasPre && hasPost) {
                            if !hasPre && !cols[2 &* j][p].isNaN { hasPre = true }
                            if !hasPost && !cols[2 &* j &+ 1][p].isNaN { hasPost = true }
                            j &+= 1
                        }
                        guard hasPre else { continue }
                        let g = 2 &* (Int(arms[p]) &+ 1)
                        counts[g] &+= 1
                        counts[g &+ 1] &+= hasPost ? 1 : 0
                    }
                }
            }
        }
        var counts = PresenceCounts(baselineByArm: (0..<A).map { byGroup[2 * ($0 + 1)] },
                                    completedByArm: (0..<A).map { byGroup[2 * ($0 + 1) + 1] })
        counts.baseline = stride(from: 0, to: byGroup.count, by: 2).reduce(0) { $0 + byGroup[$1] }
        counts.completed = stride(from: 1, to: byGroup.count, by: 2).reduce(0) { $0 + byGroup[$1] }
        return counts
    }
}
