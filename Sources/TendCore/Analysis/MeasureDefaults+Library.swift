extension InstrumentLibrary {
    /// What the outcome analysis takes from the library for one measure: name, direction, the default
    /// reliability with its source, the functional (non-clinical) norms or the paper they would come
    /// from, the preferred cut-off criterion, and any caution. The clinical distribution is left to the
    /// sample's own pre scores (as R clinsig does) unless the analyst passes clinical norms.
    public func analysisDefaults(for id: String) -> MeasureDefaults? {
        guard let info = measure(id) else { return nil }
        var d = MeasureDefaults(name: "\(info.instrumentAbbreviation) \(info.name.lowercased())")
        d.direction = info.direction == .higherIsBetter ? .higherIsBetter : .lowerIsBetter
        switch info.defaultReliability {
        case .known(let r):
            d.reliability = r.value
            d.reliabilitySource = "\(r.kind == .alpha ? "Cronbach's α" : "test–retest reliability"): \(r.source)" + (r.verified ? "" : " [unverified]")
        case .notFound(let source, let note):
            d.caveats.append("no default reliability: \(note)" + (source.map { " (it would come from \($0))" } ?? ""))
        }
        switch info.functionalNorm {
        case .known(let norm):
            d.functionalMean = norm.mean
            d.functionalSD = norm.sd
            d.functionalSource = "\(norm.source), \(norm.population), n = \(norm.n)" + (norm.verified ? "" : " (unverified)")
        case .notFound(let source, let note):
            d.functionalNormsMissing = "\(source) — \(note)"
        }
        if let preferred = info.preferredCriterion {
            d.preferredCriterion = ClinicalCutoffCriterion(rawValue: preferred.criterion.rawValue)
            d.preferredCriterionReason = preferred.reason
        }
        if let provisional = info.provisional { d.caveats.append("provisional scoring key: \(provisional.reason)") }
        return d
    }
}
