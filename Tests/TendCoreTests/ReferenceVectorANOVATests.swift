import Foundation
import Testing
@testable import TendCore

/// `mixed_anova.json`: split-plot ANOVA (between factor `group`, within factor `time`) from R afex 1.2-1 /
/// car 3.1-1 (`type = 3` and `type = 2`) and pingouin 0.7.0 (`mixed_anova`, Type II).
///
/// statistics.md §4: Type III is Tend's default and matches afex/SPSS; Type II matches pingouin and afex
/// `type = 2`. So `.typeIII` is compared with the afex Type III block, and `.typeII` with both the afex
/// Type II block and pingouin. The HF ε is car's Lecoutre form (uncapped in car's table; TendCore's
/// `huynhFeldtEpsilonUncapped`), and the HF-corrected p uses ε capped at 1, as car does.
@Suite("Reference vectors: mixed ANOVA (afex, car, pingouin)")
struct ReferenceVectorANOVATests {
    /// The long input (parallel arrays id/group/time/y) as TendCore's wide input: subjects with every
    /// time level, in order of first appearance; the others are returned as excluded.
    struct Wide {
        var values: [[Double]]
        var groups: [Int]
        var groupLabels: [String]
        var levelLabels: [String]
        var excluded: [String]
    }

    static func wide(_ input: JSONValue) throws -> Wide {
        let ids = try #require(input["id"].strings)
        let groups = try #require(input["group"].strings)
        let times = try #require(input["time"].strings)
        let ys = try #require(input["y"].doubles)
        let groupLabels = try #require(input["group_levels"].strings)
        let levelLabels = try #require(input["time_levels"].strings)
        #expect(ids.count == groups.count && ids.count == times.count && ids.count == ys.count)
        var order: [String] = []
        var scores: [String: [Double?]] = [:]
        var groupOf: [String: Int] = [:]
        for i in ids.indices {
            let id = ids[i]
            if scores[id] == nil {
                order.append(id)
                scores[id] = Array(repeating: nil, count: levelLabels.count)
                let g = try #require(groupLabels.firstIndex(of: groups[i]), "unknown group \(groups[i])")
                groupOf[id] = g
            }
            let t = try #require(levelLabels.firstIndex(of: times[i]), "unknown time level \(times[i])")
            scores[id]![t] = ys[i]
        }
        var result = Wide(values: [], groups: [], groupLabels: groupLabels, levelLabels: levelLabels, excluded: [])
        for id in order {
            let row = scores[id]!
            if row.contains(where: { $0 == nil }) {
                result.excluded.append(id)
            } else {
                result.values.append(row.map { $0! })
                result.groups.append(groupOf[id]!)
            }
        }
        return result
    }

    static let effectKeys = ["group", "time", "group:time"]

    static func effects(_ r: MixedANOVAResult) -> [String: ANOVAEffect] {
        ["group": r.between, "time": r.within, "group:time": r.interaction]
    }

    /// The afex/car block (`type3` or `type2`): every effect, both error terms.
    static func checkAfexBlock(_ r: MixedANOVAResult, _ block: JSONValue, _ prefix: String, _ check: Agreement) {
        let fx = effects(r)
        for key in effectKeys {
            let a = fx[key]!, e = block["effects"][key]
            let f = "\(prefix).effects.\(key)"
            check.statistic(a.ss, e["ss"], "\(f).ss")
            check.statistic(a.df1, e["df1"], "\(f).df1")
            check.statistic(a.df2, e["df2"], "\(f).df2")
            check.statistic(a.ms, e["ms"], "\(f).ms")
            check.statistic(a.f, e["f"], "\(f).f")
            check.pValue(a.p, e["p"], "\(f).p")
            check.statistic(a.partialEtaSquared, e["partial_eta_sq"], "\(f).partial_eta_sq")
            check.statistic(a.generalizedEtaSquared, e["generalized_eta_sq"], "\(f).generalized_eta_sq")
            if e["p_gg"].isNull {
                check.exact(a.pGreenhouseGeisser == nil, true, "\(f).p_gg is null")
            } else {
                check.pValue(a.pGreenhouseGeisser, e["p_gg"], "\(f).p_gg")
            }
            if e["p_hf"].isNull {
                check.exact(a.pHuynhFeldt == nil, true, "\(f).p_hf is null")
            } else {
                check.pValue(a.pHuynhFeldt, e["p_hf"], "\(f).p_hf")
            }
        }
        let between = block["error"]["between"], within = block["error"]["within"]
        check.statistic(r.errorBetween.ss, between["ss"], "\(prefix).error.between.ss")
        check.statistic(r.errorBetween.df, between["df"], "\(prefix).error.between.df")
        check.statistic(r.errorWithin.ss, within["ss"], "\(prefix).error.within.ss")
        check.statistic(r.errorWithin.df, within["df"], "\(prefix).error.within.df")
    }

    @Test("Type III (afex) and Type II (afex type = 2, pingouin): effects, error terms, sphericity",
          arguments: ReferenceVectors.cases("mixed_anova"))
    func mixedANOVA(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let w = try Self.wide(c.input)
        let excluded = try #require(e["excluded_ids"].strings)
        #expect(w.excluded == excluded, "\(c.testDescription) excluded_ids: \(w.excluded) vs \(excluded)")

        let type3 = try MixedANOVA.compute(
            values: w.values, groups: w.groups, groupLabels: w.groupLabels, levelLabels: w.levelLabels, type: .typeIII)
        let type2 = try MixedANOVA.compute(
            values: w.values, groups: w.groups, groupLabels: w.groupLabels, levelLabels: w.levelLabels, type: .typeII)

        check.exact(type3.n, e["n_complete"].int, "n_complete")
        for (j, label) in w.groupLabels.enumerated() {
            check.exact(type3.groupSizes[j], e["n_per_group"][label].int, "n_per_group.\(label)")
        }
        check.statistic(type3.ssTotal, e["ss_total"], "ss_total")
        check.statistic(type2.ssTotal, e["ss_total"], "ss_total (Type II run)")

        Self.checkAfexBlock(type3, e["type3"], "type3", check)
        Self.checkAfexBlock(type2, e["type2"], "type2", check)

        // pingouin (Type II).
        let pg = e["type2_pingouin"]
        let fx2 = Self.effects(type2)
        for key in Self.effectKeys {
            let a = fx2[key]!, p = pg["effects"][key]
            let f = "type2_pingouin.effects.\(key)"
            check.statistic(a.ss, p["ss"], "\(f).ss")
            check.statistic(a.df1, p["df1"], "\(f).df1")
            check.statistic(a.df2, p["df2"], "\(f).df2")
            check.statistic(a.ms, p["ms"], "\(f).ms")
            check.statistic(a.f, p["f"], "\(f).f")
            check.pValue(a.p, p["p"], "\(f).p")
            check.statistic(a.partialEtaSquared, p["partial_eta_sq"], "\(f).partial_eta_sq")
            check.statistic(a.generalizedEtaSquared, p["generalized_eta_sq"], "\(f).generalized_eta_sq")
            if !p["p_gg"].isNull { check.pValue(a.pGreenhouseGeisser, p["p_gg"], "\(f).p_gg") }
        }

        // Sphericity: the same for both types.
        let s = e["sphericity"]
        if s.isNull {
            check.exact(type3.sphericity == nil, true, "sphericity is null (b = 2)")
            check.exact(type2.sphericity == nil, true, "sphericity is null (b = 2, Type II run)")
            return
        }
        let sph = try #require(type3.sphericity, "\(c.testDescription) sphericity")
        check.exact(type2.sphericity == type3.sphericity, true, "sphericity identical under Type II")
        check.statistic(sph.mauchlyW, s["mauchly_w"], "sphericity.mauchly_w")
        check.statistic(sph.chiSquare, s["mauchly_chi2"], "sphericity.mauchly_chi2")
        check.statistic(sph.df, s["mauchly_df"], "sphericity.mauchly_df")
        check.pValue(sph.p, s["mauchly_p"], "sphericity.mauchly_p")
        check.statistic(sph.greenhouseGeisserEpsilon, s["gg_epsilon"], "sphericity.gg_epsilon")
        check.statistic(sph.huynhFeldtEpsilonUncapped, s["hf_epsilon"], "sphericity.hf_epsilon (car, uncapped)")
        check.statistic(sph.huynhFeldtEpsilon, .number(min(1, s["hf_epsilon"].double ?? .nan)),
                        "sphericity.hf_epsilon capped at 1")
        let gg = sph.greenhouseGeisserEpsilon
        check.statistics([type3.within.df1 * gg, type3.within.df2 * gg], s["gg_df_time"], "sphericity.gg_df_time")
        check.statistics([type3.interaction.df1 * gg, type3.interaction.df2 * gg], s["gg_df_interaction"],
                         "sphericity.gg_df_interaction")
        let ps = pg["sphericity"]
        check.statistic(sph.greenhouseGeisserEpsilon, ps["gg_epsilon"], "type2_pingouin.sphericity.gg_epsilon")
        check.statistic(sph.mauchlyW, ps["mauchly_w"], "type2_pingouin.sphericity.mauchly_w")
        check.pValue(sph.p, ps["mauchly_p"], "type2_pingouin.sphericity.mauchly_p")
    }
}
