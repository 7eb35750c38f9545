import Foundation

extension StudyDefinition {
    /// Every problem with the definition, each naming its field path (such as `arms[1].ratio`), the value
    /// found and what was expected, in field order. Empty means the study is ready to run. With
    /// `instruments` and `programmes`, instrument ids, risk items and programme versions are checked
    /// against them too.
    public func validated(instruments: InstrumentLibrary? = nil, programmes: [Programme]? = nil) -> FieldProblems {
        var p = FieldProblems()
        Self.checkID(id, field: "id", into: &p)
        Self.checkText(title, field: "title", into: &p)
        Self.checkText(publicTitle, field: "publicTitle", into: &p)

        // Arms.
        switch design {
        case .singleArm where arms.count != 1:
            p.add("arms", value: "\(arms.count) arms", expected: "exactly one arm for a single-arm study")
        case .randomised where arms.count < 2:
            p.add("arms", value: "\(arms.count) arm\(arms.count == 1 ? "" : "s")", expected: "at least two arms for a randomised study")
        default: break
        }
        var armIDs = Set<String>()
        for (i, arm) in arms.enumerated() {
            let f = "arms[\(i)]"
            Self.checkID(arm.id, field: "\(f).id", into: &p)
            if !armIDs.insert(arm.id).inserted { p.add("\(f).id", value: "\"\(arm.id)\"", expected: "an arm id not used by an earlier arm") }
            Self.checkText(arm.name, field: "\(f).name", into: &p)
            if arm.ratio < 1 { p.add("\(f).ratio", value: "\(arm.ratio)", expected: "a whole number ≥ 1") }
            switch (arm.role, arm.programme) {
            case (.active, nil):
                p.add("\(f).programme", value: "none", expected: "a programme id and version for an active arm")
            case (.none, .some), (.waitlist, .some):
                p.add("\(f).programme", value: arm.programme!.id, expected: "no programme for a \(arm.role.rawValue) arm (it receives nothing from the study)")
            default: break
            }
            if let ref = arm.programme, let programmes {
                if let programme = programmes.first(where: { $0.id == ref.id }) {
                    if programme.version(ref.version) == nil {
                        p.add("\(f).programme.version", value: "\"\(ref.version)\"",
                              expected: "a version of \(ref.id): " + programme.versions.map(\.id).joined(separator: ", "))
                    }
                } else {
                    p.add("\(f).programme.id", value: "\"\(ref.id)\"", expected: "a programme in the catalogue: " + programmes.map(\.id).sorted().joined(separator: ", "))
                }
            }
        }
        if design == .randomised, arms.count >= 2, arms.filter(\.allocated).count < 2 {
            p.add("arms", value: "\(arms.filter(\.allocated).count) allocated", expected: "at least two arms in the allocation sequence (allocated: true)")
        }
        if design == .singleArm, let i = arms.firstIndex(where: { !$0.allocated }) {
            p.add("arms[\(i)].allocated", value: "false", expected: "true (a single-arm study has no allocation)")
        }
        if design == .randomised, !arms.contains(where: { $0.role == .active }) {
            p.add("arms", value: "no active arm", expected: "at least one arm with role active")
        }

        // Eligibility.
        var questionIDs = Set<String>()
        for (i, q) in eligibility.questions.enumerated() {
            let f = "eligibility.questions[\(i)]"
            Self.checkID(q.id, field: "\(f).id", into: &p)
            if !questionIDs.insert(q.id).inserted { p.add("\(f).id", value: "\"\(q.id)\"", expected: "a question id not used before") }
            Self.checkText(q.label, field: "\(f).label", into: &p)
            switch q.answer.kind {
            case .number:
                if let lo = q.answer.minimum, let hi = q.answer.maximum, !(lo <= hi) {
                    p.add("\(f).answer.maximum", value: "\(hi)", expected: "at least the minimum (\(lo))")
                }
            case .choice:
                let choices = q.answer.choices ?? []
                if choices.count < 2 { p.add("\(f).answer.choices", value: "\(choices.count) choices", expected: "at least two choices") }
                if Set(choices).count != choices.count { p.add("\(f).answer.choices", value: choices.joined(separator: ", "), expected: "choices that differ") }
            case .yesNo: break
            }
        }
        var ruleIDs = Set<String>()
        for (i, rule) in eligibility.rules.enumerated() {
            let f = "eligibility.rules[\(i)]"
            Self.checkID(rule.id, field: "\(f).id", into: &p)
            if !ruleIDs.insert(rule.id).inserted { p.add("\(f).id", value: "\"\(rule.id)\"", expected: "a rule id not used before") }
            Self.checkText(rule.label, field: "\(f).label", into: &p)
            guard let q = eligibility.question(rule.question) else {
                p.add("\(f).question", value: "\"\(rule.question)\"", expected: "the id of a screening question")
                continue
            }
            let c = rule.condition
            switch q.answer.kind {
            case .yesNo:
                if c.yes == nil || c.minimum != nil || c.maximum != nil || c.anyOf != nil {
                    p.add("\(f).condition", value: "not a yes/no condition", expected: "only yes: true or yes: false (question \(q.id) is answered yes or no)")
                }
            case .number:
                if c.yes != nil || c.anyOf != nil || (c.minimum == nil && c.maximum == nil) {
                    p.add("\(f).condition", value: "not a number condition", expected: "a minimum, a maximum or both (question \(q.id) is answered with a number)")
                } else if let lo = c.minimum, let hi = c.maximum, lo > hi {
                    p.add("\(f).condition.maximum", value: "\(hi)", expected: "at least the minimum (\(lo))")
                }
            case .choice:
                if c.yes != nil || c.minimum != nil || c.maximum != nil || (c.anyOf ?? []).isEmpty {
                    p.add("\(f).condition", value: "not a choice condition", expected: "anyOf with one or more of the question's choices")
                } else if let bad = c.anyOf?.first(where: { !(q.answer.choices ?? []).contains($0) }) {
                    p.add("\(f).condition.anyOf", value: "\"\(bad)\"", expected: "one of " + (q.answer.choices ?? []).joined(separator: ", "))
                }
            }
        }

        // Consent.
        if consentForms.isEmpty { p.add("consentForms", value: "none", expected: "at least one consent form version") }
        var versions = Set<String>()
        for (i, form) in consentForms.enumerated() {
            let f = "consentForms[\(i)]"
            Self.checkText(form.version, field: "\(f).version", into: &p)
            if !versions.insert(form.version).inserted { p.add("\(f).version", value: "\"\(form.version)\"", expected: "a version id not used before") }
            if i > 0, form.effective <= consentForms[i - 1].effective {
                p.add("\(f).effective", value: form.effective.description, expected: "a date after the previous version's (\(consentForms[i - 1].effective))")
            }
            if !form.items.contains(where: \.required) { p.add("\(f).items", value: "no required item", expected: "at least one required statement") }
            var itemIDs = Set<String>()
            for (j, item) in form.items.enumerated() {
                Self.checkID(item.id, field: "\(f).items[\(j)].id", into: &p)
                if !itemIDs.insert(item.id).inserted { p.add("\(f).items[\(j)].id", value: "\"\(item.id)\"", expected: "an item id not used before in this version") }
                Self.checkText(item.statement, field: "\(f).items[\(j)].statement", into: &p)
            }
        }

        // Timepoints and schedule.
        var timepointIDs = Set<String>()
        for (i, t) in timepoints.enumerated() {
            let f = "timepoints[\(i)]"
            Self.checkID(t.id, field: "\(f).id", into: &p)
            if !timepointIDs.insert(t.id).inserted { p.add("\(f).id", value: "\"\(t.id)\"", expected: "a timepoint id not used before") }
            let needsSession = t.kind == .afterSession || t.anchor == .session
            if needsSession, (t.session ?? 0) < 1 {
                p.add("\(f).session", value: t.session.map(String.init) ?? "none", expected: "a session number ≥ 1")
            } else if !needsSession, let s = t.session {
                p.add("\(f).session", value: "\(s)", expected: "no session number unless the timepoint is after-session or anchored at a session")
            }
            if t.kind == .afterSession, t.anchor != .session {
                p.add("\(f).anchor", value: t.anchor.rawValue, expected: "session (an after-session timepoint is counted from that session's date)")
            }
            if t.kind == .followUp {
                if (t.weeks ?? 0) < 1 { p.add("\(f).weeks", value: t.weeks.map(String.init) ?? "none", expected: "a whole number of weeks ≥ 1") }
            } else if let w = t.weeks, w != 0 {
                p.add("\(f).weeks", value: "\(w)", expected: "no weeks unless the timepoint is a follow-up")
            }
            if t.daysBefore < 0 { p.add("\(f).daysBefore", value: "\(t.daysBefore)", expected: "a whole number of days ≥ 0") }
            if t.daysAfter < 0 { p.add("\(f).daysAfter", value: "\(t.daysAfter)", expected: "a whole number of days ≥ 0") }
        }
        if schedule.isEmpty { p.add("schedule", value: "none", expected: "at least one measure") }
        var measureIDs = Set<String>()
        for (i, m) in schedule.enumerated() {
            let f = "schedule[\(i)]"
            switch (m.instrument, m.observation) {
            case (let id?, nil):
                if let instruments, instruments.instrument(id) == nil {
                    p.add("\(f).instrument", value: "\"\(id)\"", expected: "an instrument in the library: " + instruments.definitions.map(\.id).sorted().joined(separator: ", "))
                }
            case (nil, let id?):
                Self.checkID(id, field: "\(f).observation", into: &p)
                if (m.label ?? "").trimmingCharacters(in: .whitespaces).isEmpty { p.add("\(f).label", value: "empty", expected: "a few words saying what is observed") }
            default:
                p.add(f, value: m.instrument == nil ? "neither instrument nor observation" : "both instrument and observation", expected: "exactly one of instrument or observation")
            }
            if !measureIDs.insert(m.measureID).inserted { p.add(f, value: "\"\(m.measureID)\"", expected: "each measure scheduled once (list all its timepoints together)") }
            if m.timepoints.isEmpty { p.add("\(f).timepoints", value: "none", expected: "at least one timepoint id") }
            for (j, t) in m.timepoints.enumerated() where !timepointIDs.contains(t) {
                p.add("\(f).timepoints[\(j)]", value: "\"\(t)\"", expected: "a timepoint id: " + timepoints.map(\.id).joined(separator: ", "))
            }
            if Set(m.timepoints).count != m.timepoints.count { p.add("\(f).timepoints", value: m.timepoints.joined(separator: ", "), expected: "each timepoint once") }
        }

        // Feasibility criteria.
        let stages = FunnelCounts.stages
        for (i, c) in feasibilityCriteria.enumerated() {
            let f = "feasibilityCriteria[\(i)]"
            let ni = stages.firstIndex(of: c.numerator), di = stages.firstIndex(of: c.denominator)
            if ni == nil || ni == 0 { p.add("\(f).numerator", value: "\"\(c.numerator)\"", expected: "a funnel stage after the first: agreed, baseline or completed") }
            if di == nil { p.add("\(f).denominator", value: "\"\(c.denominator)\"", expected: "a funnel stage: " + stages.joined(separator: ", ")) }
            if let ni, let di, ni > 0, di >= ni { p.add("\(f).denominator", value: "\"\(c.denominator)\"", expected: "a funnel stage before \(c.numerator)") }
            if !(c.threshold >= 0 && c.threshold <= 1) { p.add("\(f).threshold", value: "\(c.threshold)", expected: "a proportion from 0 to 1, such as 0.60") }
        }

        // Blinding, randomisation, strata.
        if Set(blindedRoles).count != blindedRoles.count { p.add("blindedRoles", value: blindedRoles.map(\.rawValue).joined(separator: ", "), expected: "each role once") }
        if let r = randomisation {
            if design == .singleArm { p.add("randomisation", value: "set", expected: "no randomisation for a single-arm study") }
            if r.blockMultiples.isEmpty { p.add("randomisation.blockMultiples", value: "none", expected: "at least one multiple, such as [1, 2]") }
            for (i, m) in r.blockMultiples.enumerated() where m < 1 || m > 100 {
                p.add("randomisation.blockMultiples[\(i)]", value: "\(m)", expected: "a whole number from 1 to 100")
            }
        } else if design == .randomised {
            p.add("randomisation", value: "none", expected: "block settings for a randomised study, such as blockMultiples: [1, 2]")
        }
        if design == .singleArm, !stratification.isEmpty { p.add("stratification", value: "\(stratification.count) factors", expected: "no strata for a single-arm study") }
        var factorIDs = Set<String>()
        for (i, s) in stratification.enumerated() {
            let f = "stratification[\(i)]"
            Self.checkID(s.id, field: "\(f).id", into: &p)
            if !factorIDs.insert(s.id).inserted { p.add("\(f).id", value: "\"\(s.id)\"", expected: "a factor id not used before") }
            Self.checkText(s.label, field: "\(f).label", into: &p)
            if s.levels.count < 2 { p.add("\(f).levels", value: "\(s.levels.count) levels", expected: "at least two levels") }
            for (j, level) in s.levels.enumerated() {
                Self.checkID(level, field: "\(f).levels[\(j)]", into: &p)
                if s.levels[..<j].contains(level) { p.add("\(f).levels[\(j)]", value: "\"\(level)\"", expected: "a level not used before") }
            }
        }

        // Risk items.
        for (i, r) in riskItems.enumerated() {
            let f = "riskItems[\(i)]"
            if r.item < 1 { p.add("\(f).item", value: "\(r.item)", expected: "an item number ≥ 1") }
            guard let instruments else { continue }
            guard let d = instruments.instrument(r.instrument) else {
                p.add("\(f).instrument", value: "\"\(r.instrument)\"", expected: "an instrument in the library")
                continue
            }
            if r.item > d.itemCount { p.add("\(f).item", value: "\(r.item)", expected: "an item of \(d.id), 1 to \(d.itemCount)") }
            if !(d.responseRange.min...d.responseRange.max).contains(r.atOrAbove) {
                p.add("\(f).atOrAbove", value: "\(r.atOrAbove)", expected: "a response of \(d.id), \(d.responseRange.min) to \(d.responseRange.max)")
            }
            if !schedule.contains(where: { $0.instrument == r.instrument }) {
                p.add("\(f).instrument", value: "\"\(r.instrument)\"", expected: "an instrument the schedule uses")
            }
        }
        return p
    }

    /// Ids: lower-case letters, digits and hyphens, starting with a letter or digit.
    static func checkID(_ id: String, field: String, into p: inout FieldProblems) {
        let ok = !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" } && !id.hasPrefix("-")
        if !ok { p.add(field, value: id.isEmpty ? "empty" : "\"\(id)\"", expected: "lower-case letters, digits and hyphens (up to 64), such as compassion-course") }
    }

    static func checkText(_ text: String, field: String, into p: inout FieldProblems) {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { p.add(field, value: "empty", expected: "some text") }
    }
}
