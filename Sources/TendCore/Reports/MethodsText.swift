import Foundation

/// The methods paragraph of a report: what was computed, with which formula, and where it comes from.
enum MethodsText {
    static func paragraphs(for r: OutcomeAnalysisResult) -> [String] {
        var out: [String] = []
        let s = r.settings
        out.append("Scores were read from \(r.input.rows) rows for \(r.input.participants) participants. "
            + "Change was taken from \(s.pre) to \(s.post) (\(s.timepointSource)), over participants with both scores; "
            + "each measure reports its own n. Within-group change is summarised by the mean change with a 95% one-sample t interval, "
            + "d_z (mean change divided by the SD of change; Cohen 1988) and d_av (mean change divided by the average of the pre and post SDs; "
            + "Cumming 2012; Lakens 2013, doi:10.3389/fpsyg.2013.00863), and the percentage change of the mean relative to the pre mean of the same participants.")
        let method = s.method
        var rc = "Reliable change was assessed with the \(method.displayName) method (\(method.reference)), "
            + "two-sided α = \(format(s.significanceLevel)), using each measure's reliability as printed with its source; "
            + "the SD is the sample's \(s.pre) SD of the analysed pairs. "
        rc += method == .hagemanArrindell
            ? "Hageman–Arrindell uses the one-sided critical value z(1 − α). "
            : "A participant improved or deteriorated when the index passed the critical value z(1 − α/2) in the measure's direction; an index exactly at the critical value counts as no change. "
        rc += "Clinically significant change used Jacobson & Truax (1991, doi:10.1037/0022-006X.59.1.12) cut-offs: "
            + "a = clinical mean ± 2 clinical SD, b = functional mean ∓ 2 functional SD, c = (s_c·M_f + s_f·M_c)/(s_c + s_f). "
            + "Unless clinical norms were given, the clinical distribution is the sample's own \(s.pre) scores, as R clinsig does. "
            + "Participants are tabulated as in R clinsig (Evans, Margison & Barkham 1998, doi:10.1136/ebmh.1.3.70): okay at baseline when the \(s.pre) score is already on the functional side of the cut-off, "
            + "significant change when the \(s.post) score crosses it, not significant otherwise; and in the five categories recovered, improved, unchanged, deteriorated and harmed."
        out.append(rc)
        if r.input.arms.count >= 2 {
            let type = s.anovaType == .typeIII ? "Type III (as SPSS GLM and R afex compute them)" : "Type II (as pingouin computes them)"
            out.append("Arms were compared with a mixed ANOVA, arm (between subjects) × time (within: \(s.anovaLevels.joined(separator: ", "))), "
                + "with \(type) sums of squares; participants missing a level were excluded and counted. "
                + "Effect sizes are partial η² and generalised η² (Olejnik & Algina 2003, doi:10.1037/1082-989X.8.4.434; Bakeman 2005, doi:10.3758/BF03192707), "
                + "labelled small, medium or large at .01/.06/.14 of partial η². With three or more levels, Mauchly's test and the Greenhouse–Geisser (doi:10.1007/BF02289823) "
                + "and Huynh–Feldt (Lecoutre form, as R car and afex) corrections are reported. "
                + "Differences between arms in mean change are given with \(s.differenceVariance) t intervals at \(percent(s.confidenceLevel))"
                + (abs(s.confidenceLevel - 0.95) > 1e-12 ? " and at 95%" : "") + ", without adjustment for multiplicity. "
                + "The baseline table gives mean (SD) with a one-way ANOVA when Shapiro–Wilk (Royston 1995, doi:10.2307/2986146) rejects normality in no arm at .05, "
                + "otherwise mean ranks with the tie-corrected Kruskal–Wallis test (doi:10.1080/01621459.1952.10483441); Levene's test is mean-centred, as SPSS's classic test; "
                + "categorical variables use Pearson's χ², or the exact Fisher–Freeman–Halton test when an expected count is below 5. "
                + "Drop-out is a \(s.pre) score without a \(s.post) score on every analysed measure, compared between arms with Pearson's χ² on the table of drop-outs and completers as counted.")
        }
        if r.feasibility != nil {
            out.append("Feasibility rates are given with 95% Wilson score intervals (Wilson 1927, doi:10.1080/01621459.1927.10502953). "
                + "A criterion is met when the point estimate reaches it; whether the interval's lower bound also reaches it is shown beside.")
        }
        return out
    }

    static func format(_ x: Double) -> String {
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func percent(_ level: Double) -> String { format(level * 100) + "%" }
}
