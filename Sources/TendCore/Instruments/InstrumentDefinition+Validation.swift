import Foundation

extension InstrumentDefinition {
    /// Every rule the format imposes beyond its shape. Empty when the definition is usable.
    ///
    /// Rules: ids are lowercase words joined by single hyphens; names, citation text, licence, metrics
    /// and sources are not empty; a DOI has the form `10.NNNN/…`; there is at least one item and the
    /// response range has `min < max`; there is one label per item, each at most five words (labels are
    /// our own, never item wording); item numbers lie in 1…itemCount and are not repeated; risk
    /// thresholds lie in the response range; scale ids are unique; scales of one family share no item;
    /// the multiplier is positive; a prorating rule leaves at least one item, and every risk item in a
    /// prorating scale is listed in `mustBeAnswered`; bands lie within the scale's score range, ascend
    /// and do not overlap; reliabilities lie strictly between 0 and 1; norms have SD > 0, n ≥ 2, a mean
    /// inside the score range and the scale's own metric.
    public func validationIssues() -> [InstrumentDefinitionError.Issue] {
        var v = DefinitionValidator(definition: self)
        v.run()
        return v.issues
    }
}

/// Collects rule violations with their field paths.
private struct DefinitionValidator {
    let d: InstrumentDefinition
    var issues: [InstrumentDefinitionError.Issue] = []

    init(definition: InstrumentDefinition) { d = definition }

    mutating func add(_ path: String, _ message: String) {
        issues.append(.init(path: path, message: message))
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last,
              first != "-", last != "-", !s.contains("--") else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    mutating func requireIdentifier(_ value: String, _ path: String, example: String) {
        if !Self.isIdentifier(value) {
            add(path, "\"\(value)\" is not a valid id; expected lowercase letters and digits, words joined by single hyphens (for example \"\(example)\")")
        }
    }

    mutating func requireText(_ value: String, _ path: String, _ what: String) {
        if value.trimmingWhitespace().isEmpty { add(path, "is empty; expected \(what)") }
    }

    var itemRange: String { "1…\(d.itemCount)" }

    /// Checks item numbers are in range and not repeated.
    mutating func checkItems(_ items: [Int], _ path: String) {
        var seen: [Int: Int] = [:]
        for (i, item) in items.enumerated() {
            if item < 1 || item > d.itemCount {
                add("\(path)[\(i)]", "\(item) is outside \(itemRange) (the instrument has \(d.itemCount) item\(d.itemCount == 1 ? "" : "s"))")
            } else if let first = seen[item] {
                add("\(path)[\(i)]", "item \(item) is listed twice (also at \(path)[\(first)])")
            } else {
                seen[item] = i
            }
        }
    }

    mutating func run() {
        requireIdentifier(d.id, "id", example: "scs-sf")
        requireText(d.version, "version", "the version of the scoring key, e.g. \"1\"")
        requireText(d.name, "name", "the instrument's full name")
        requireText(d.abbreviation, "abbreviation", "a short name, e.g. \"PHQ-9\"")
        requireText(d.citation.text, "citation.text", "authors, year, title and journal")
        if let doi = d.citation.doi {
            let parts = doi.split(separator: "/", maxSplits: 1)
            if parts.count != 2 || !parts[0].hasPrefix("10.") || parts[0].count < 7
                || !parts[0].dropFirst(3).allSatisfy(\.isNumber) || doi.contains(" ") {
                add("citation.doi", "\"\(doi)\" is not a DOI; expected the form 10.NNNN/suffix, without https://doi.org/")
            }
        }
        requireText(d.licence, "licence", "who holds the rights and what use is allowed (or that this is not known)")
        if d.itemCount < 1 || d.itemCount > 1000 {
            add("itemCount", "\(d.itemCount) is not a valid item count; expected a whole number from 1 to 1000")
        }
        if d.responseRange.min >= d.responseRange.max {
            add("responseRange.max", "\(d.responseRange.max) is not greater than min (\(d.responseRange.min)); expected max > min")
        }
        if let labels = d.itemLabels {
            if labels.count != d.itemCount {
                add("itemLabels", "has \(labels.count) label\(labels.count == 1 ? "" : "s"); expected \(d.itemCount), one per item in item order")
            }
            for (i, label) in labels.enumerated() {
                let words = label.split(whereSeparator: { $0 == " " || $0 == "\t" }).count
                if words == 0 {
                    add("itemLabels[\(i)]", "is empty; expected a short construct label")
                } else if words > 5 {
                    add("itemLabels[\(i)]", "has \(words) words; a label is our own construct label of at most 5 words, never the item's wording")
                }
            }
        }
        checkItems(d.reverseKeyed, "reverseKeyed")
        var riskSeen: Set<Int> = []
        for (i, risk) in d.riskItems.enumerated() {
            let path = "riskItems[\(i)]"
            if risk.item < 1 || risk.item > d.itemCount {
                add("\(path).item", "\(risk.item) is outside \(itemRange) (the instrument has \(d.itemCount) item\(d.itemCount == 1 ? "" : "s"))")
            } else if !riskSeen.insert(risk.item).inserted {
                add("\(path).item", "item \(risk.item) is already a risk item")
            }
            if risk.atOrAbove < d.responseRange.min || risk.atOrAbove > d.responseRange.max {
                add("\(path).atOrAbove", "\(risk.atOrAbove) is outside the response range \(d.responseRange.min)…\(d.responseRange.max)")
            }
            requireText(risk.reason, "\(path).reason", "why the item is risk content and where that comes from")
        }
        if let p = d.provisional { requireText(p.reason, "provisional.reason", "why the key is provisional") }
        if d.scales.isEmpty { add("scales", "is empty; expected at least one scale") }
        checkScales()
    }

    mutating func checkScales() {
        var ids: [String: Int] = [:]
        var familyMembers: [String: [Int: (scale: Int, item: Int)]] = [:]   // family → item → first owner
        let families = Set(d.scales.compactMap(\.family))
        let riskItems = Set(d.riskItems.map(\.item))
        for (s, scale) in d.scales.enumerated() {
            let path = "scales[\(s)]"
            requireIdentifier(scale.id, "\(path).id", example: "self-kindness")
            if let first = ids[scale.id] {
                add("\(path).id", "\"\(scale.id)\" is already the id of scales[\(first)]; scale ids must be unique")
            } else {
                ids[scale.id] = s
            }
            requireText(scale.name, "\(path).name", "the scale's name")
            requireText(scale.metric, "\(path).metric", "a short metric name such as \"sum\" or \"item-mean\"")
            if scale.items.isEmpty { add("\(path).items", "is empty; expected at least one item number") }
            checkItems(scale.items, "\(path).items")
            if !(scale.multiplier > 0 && scale.multiplier.isFinite) {
                add("\(path).multiplier", "\(InstrumentFormatting.number(scale.multiplier)) is not allowed; expected a number greater than 0 (1 for none)")
            }
            if let family = scale.family {
                requireIdentifier(family, "\(path).family", example: "subscales")
                var members = familyMembers[family] ?? [:]
                for (i, item) in scale.items.enumerated() {
                    if let owner = members[item] {
                        add("\(path).items[\(i)]", "item \(item) is also in scale \"\(d.scales[owner.scale].id)\" (scales[\(owner.scale)].items[\(owner.item)]); scales of family \"\(family)\" must not share items")
                    } else {
                        members[item] = (s, i)
                    }
                }
                familyMembers[family] = members
            }
            checkMissing(scale, path: path, families: families, riskItems: riskItems)
            checkBands(scale, path: path)
            checkReliability(scale.defaultReliability, path: "\(path).defaultReliability")
            checkNorms(scale, path: "\(path).norms")
            if let p = scale.preferredCriterion {
                requireText(p.reason, "\(path).preferredCriterion.reason", "why this criterion is preferred")
            }
            if let p = scale.provisional { requireText(p.reason, "\(path).provisional.reason", "why the scale is provisional") }
        }
    }

    mutating func checkMissing(_ scale: InstrumentDefinition.Scale, path: String, families: Set<String>, riskItems: Set<Int>) {
        let rule = scale.missing
        let p = "\(path).missing"
        switch rule.method {
        case .requireAll:
            if rule.maxMissing != 0 {
                add("\(p).maxMissing", "\(rule.maxMissing) is not allowed with method \"require-all\"; leave it out or use method \"prorate-mean\"")
            }
        case .prorateMean:
            if rule.maxMissing < 1 || rule.maxMissing >= max(scale.items.count, 1) {
                let allowed = scale.items.count > 1 ? "a whole number from 1 to \(scale.items.count - 1)" : "none (a one-item scale cannot be prorated; use \"require-all\")"
                add("\(p).maxMissing", "\(rule.maxMissing) is not allowed for a \(scale.items.count)-item scale; expected \(allowed)")
            }
            for item in scale.items where riskItems.contains(item) && !rule.mustBeAnswered.contains(item) {
                add("\(p).mustBeAnswered", "risk item \(item) is in this scale and the rule prorates; list \(item) here so that a missing risk item is never filled in by proration")
            }
        }
        for (i, item) in rule.mustBeAnswered.enumerated() where !scale.items.contains(item) {
            add("\(p).mustBeAnswered[\(i)]", "item \(item) is not in this scale (\(InstrumentFormatting.itemList(scale.items)))")
        }
        if let family = rule.atLeastOneAnsweredPer, !families.contains(family) {
            add("\(p).atLeastOneAnsweredPer", "no scale has family \"\(family)\"; expected one of: \(families.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        if let note = rule.note { requireText(note, "\(p).note", "a note, or leave the field out") }
    }

    mutating func checkBands(_ scale: InstrumentDefinition.Scale, path: String) {
        let range = d.scoreRange(of: scale)
        var labels: Set<String> = []
        for (b, band) in scale.bands.enumerated() {
            let p = "\(path).bands[\(b)]"
            requireText(band.label, "\(p).label", "the band's name")
            if !labels.insert(band.label).inserted { add("\(p).label", "\"\(band.label)\" is already the label of another band") }
            if band.min > band.max {
                add("\(p).max", "\(InstrumentFormatting.number(band.max)) is below min (\(InstrumentFormatting.number(band.min))); expected min ≤ max")
            }
            if !range.contains(band.min) {
                add("\(p).min", "\(InstrumentFormatting.number(band.min)) is outside the scale's score range \(range)")
            }
            if !range.contains(band.max) {
                add("\(p).max", "\(InstrumentFormatting.number(band.max)) is outside the scale's score range \(range)")
            }
            if b > 0 {
                let previous = scale.bands[b - 1]
                if band.min <= previous.max {
                    add("\(p).min", "\(InstrumentFormatting.number(band.min)) overlaps bands[\(b - 1)] (\(InstrumentFormatting.number(previous.min))…\(InstrumentFormatting.number(previous.max))); bands must ascend without overlapping")
                }
            }
        }
    }

    mutating func checkReliability(_ reference: InstrumentDefinition.ReliabilityReference, path: String) {
        switch reference {
        case .known(let r):
            if !(r.value > 0 && r.value < 1) {
                add("\(path).value", "\(InstrumentFormatting.number(r.value)) is outside (0, 1); a reliability lies strictly between 0 and 1")
            }
            requireText(r.source, "\(path).source", "where the value comes from")
        case .notFound(let source, let note):
            if let source { requireText(source, "\(path).source", "the paper the value would come from, or leave the field out") }
            requireText(note, "\(path).note", "what was searched for and not found")
        }
    }

    mutating func checkNorm(_ norm: InstrumentDefinition.Norm, scale: InstrumentDefinition.Scale, path: String) {
        let range = d.scoreRange(of: scale)
        if !norm.mean.isFinite || !range.contains(norm.mean) {
            add("\(path).mean", "\(InstrumentFormatting.number(norm.mean)) is outside the scale's score range \(range)")
        }
        if !(norm.sd > 0 && norm.sd.isFinite) {
            add("\(path).sd", "\(InstrumentFormatting.number(norm.sd)) is not a valid SD; expected a number greater than 0")
        }
        if norm.n < 2 { add("\(path).n", "\(norm.n) is not a valid sample size; expected at least 2") }
        requireText(norm.population, "\(path).population", "who the sample was")
        requireText(norm.source, "\(path).source", "the paper the values come from")
        if norm.metric != scale.metric {
            add("\(path).metric", "\"\(norm.metric)\" does not match the scale's metric \"\(scale.metric)\"; a norm can only be used with a score in the same metric")
        }
    }

    mutating func checkNorms(_ scale: InstrumentDefinition.Scale, path: String) {
        for (name, reference) in [("clinical", scale.norms.clinical), ("functional", scale.norms.functional)] {
            switch reference {
            case .known(let norm):
                checkNorm(norm, scale: scale, path: "\(path).\(name)")
            case .notFound(let source, let note):
                requireText(source, "\(path).\(name).source", "the paper the values would come from")
                requireText(note, "\(path).\(name).note", "what was searched for and not found")
            }
        }
        var ids: Set<String> = []
        for (i, other) in scale.norms.others.enumerated() {
            let p = "\(path).others[\(i)]"
            requireIdentifier(other.id, "\(p).id", example: "hinz-2017-men")
            if !ids.insert(other.id).inserted { add("\(p).id", "\"\(other.id)\" is already the id of another norm of this scale") }
            checkNorm(other.norm, scale: scale, path: p)
        }
    }
}
