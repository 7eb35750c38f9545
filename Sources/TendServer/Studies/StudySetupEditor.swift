import Foundation
import TendCore

/// The parts of a study's set-up, each edited on its own page of the structured editor.
enum StudySetupPart: String, CaseIterable, Sendable {
    case basics
    case arms
    case stratification
    case eligibility
    case consent
    case timepoints
    case schedule
    case feasibility
    case risk = "risk-items"
    case blinding

    var title: String {
        switch self {
        case .basics: return "Basics"
        case .arms: return "Arms"
        case .stratification: return "Stratification"
        case .eligibility: return "Who can take part"
        case .consent: return "Consent form versions"
        case .timepoints: return "Timepoints"
        case .schedule: return "Measures at each timepoint"
        case .feasibility: return "Feasibility success criteria"
        case .risk: return "Risk items"
        case .blinding: return "Blinding"
        }
    }

    /// What the part holds, in a sentence, for the overview.
    var purpose: String {
        switch self {
        case .basics: return "Titles, design and, for a randomised study, the allocation blocks."
        case .arms: return "What each group of participants receives, and the allocation ratio."
        case .stratification: return "Factors random allocation is balanced within (randomised studies only)."
        case .eligibility: return "Screening questions and the inclusion and exclusion rules judged from them."
        case .consent: return "The statements participants agree to. A version in use cannot change: add a new one."
        case .timepoints: return "When measures are due and how long each window stays open."
        case .schedule: return "Which questionnaire or observation is taken at which timepoint."
        case .feasibility: return "The proportions that would show the study is feasible."
        case .risk: return "Questionnaire answers that must reach a clinician the same day."
        case .blinding: return "Staff roles kept blind to which arm a participant is in."
        }
    }

    /// A list part has items that are added, changed and removed one at a time.
    var isList: Bool { ![.basics, .schedule, .blinding].contains(self) }

    /// One item of a list part, in words ("arm", "screening question", …).
    var itemName: String {
        switch self {
        case .arms: return "arm"
        case .stratification: return "stratification factor"
        case .eligibility: return "screening question"
        case .consent: return "consent form version"
        case .timepoints: return "timepoint"
        case .feasibility: return "criterion"
        case .risk: return "risk item"
        case .basics, .schedule, .blinding: return rawValue
        }
    }

    /// Parts that show or change arms, which blinded staff never see.
    var showsArms: Bool { self == .arms }
}

/// The catalogues set-up choices come from: the same ones the validation checks against.
struct StudySetupCatalogues {
    var instruments: InstrumentLibrary?
    var programmes: [Programme]

    var instrumentDefinitions: [InstrumentDefinition] { instruments?.definitions ?? [] }
}

/// One control of a set-up form. Every value travels as text, so a form comes back exactly as typed.
struct SetupField: Sendable {
    enum Kind: Sendable {
        case text
        case number
        case date
        case textarea(rows: Int)
        case select([StudyPages.Option])
        case radios([StudyPages.Option])
        case checkbox
    }

    var id: String
    var label: String
    var kind: Kind
    var hint: String? = nil
}

/// Controls shown together; with a legend they are a fieldset.
struct SetupGroup: Sendable {
    var legend: String?
    var hint: String? = nil
    var fields: [SetupField]
}

/// The definition a posted form gives, the problems reading it, and which form field each field path of
/// the definition came from (so validation problems are shown beside the right control).
struct SetupChange {
    var definition: StudyDefinition
    var errors = FormErrors()
    var fields: [(path: String, field: String, label: String)] = []

    mutating func map(_ path: String, _ field: String, _ label: String) { fields.append((path, field, label)) }

    /// The form field a problem's path belongs to: the longest mapped path it starts with.
    func field(for problemPath: String) -> (field: String, label: String)? {
        fields.filter { entry in
            problemPath == entry.path || problemPath.hasPrefix(entry.path + ".") || problemPath.hasPrefix(entry.path + "[")
        }.max { $0.path.count < $1.path.count }.map { ($0.field, $0.label) }
    }
}

/// The structured study editor's forms: what each part's form holds, the values it starts with, and the
/// definition a posted form makes. No I/O: the controller stores what this returns.
enum StudySetupEditor {
    static let yes = "yes"

    // MARK: Reading posted text

    static func text(_ values: [String: String], _ id: String) -> String {
        (values[id] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func lines(_ values: [String: String], _ id: String) -> [String] {
        (values[id] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func checked(_ values: [String: String], _ id: String) -> Bool { values[id] == yes }

    static func integer(_ values: [String: String], _ id: String, label: String, example: String, errors: inout FormErrors) -> Int? {
        let raw = text(values, id)
        guard !raw.isEmpty else { return nil }
        guard let value = Int(raw) else {
            errors.add(id, "\(label): found “\(raw)”; expected a whole number, such as \(example)")
            return nil
        }
        return value
    }

    static func number(_ values: [String: String], _ id: String, label: String, example: String, errors: inout FormErrors) -> Double? {
        let raw = text(values, id)
        guard !raw.isEmpty else { return nil }
        guard let value = Double(raw), value.isFinite else {
            errors.add(id, "\(label): found “\(raw)”; expected a number, such as \(example)")
            return nil
        }
        return value
    }

    /// A number as a person would write it: `18`, not `18.0`.
    static func show(_ number: Double?) -> String {
        guard let number else { return "" }
        return EligibilityAnswer.number(number).description
    }

    /// An id made from words, for when none was typed: lower-case letters, digits and hyphens.
    static func slug(_ words: String, limit: Int = 40) -> String {
        var out = StudyController.slug(words)
        if out.count > limit {
            out = String(out.prefix(limit))
            if let cut = out.lastIndex(of: "-") { out = String(out[..<cut]) }
        }
        return out
    }

    // MARK: Items

    static func itemCount(_ part: StudySetupPart, in d: StudyDefinition) -> Int {
        switch part {
        case .arms: return d.arms.count
        case .stratification: return d.stratification.count
        case .eligibility: return d.eligibility.questions.count
        case .consent: return d.consentForms.count
        case .timepoints: return d.timepoints.count
        case .feasibility: return d.feasibilityCriteria.count
        case .risk: return d.riskItems.count
        case .basics, .schedule, .blinding: return 0
        }
    }

    static func roleName(_ role: ArmRole) -> String {
        switch role {
        case .active: return "Active (the intervention under study)"
        case .activeControl: return "Active control (a matched comparison that is delivered)"
        case .waitlist: return "Waitlist (offered the intervention after the last measure)"
        case .none: return "No intervention (treatment as usual)"
        }
    }

    static func kindName(_ kind: Timepoint.Kind) -> String {
        switch kind {
        case .baseline: return "Baseline"
        case .afterSession: return "After a session"
        case .post: return "Post (end of the programme)"
        case .followUp: return "Follow-up (weeks after an anchor)"
        }
    }

    static func anchorName(_ anchor: Timepoint.Anchor) -> String {
        switch anchor {
        case .consent: return "The day they consent"
        case .groupStart: return "The day their group starts"
        case .session: return "The day of the session"
        case .programmeEnd: return "The day the programme ends"
        }
    }

    static func stageName(_ stage: String) -> String {
        switch stage {
        case "approached": return "Approached"
        case "agreed": return "Agreed to take part"
        case "baseline": return "Completed baseline"
        case "completed": return "Completed the study"
        default: return stage
        }
    }

    static func instrumentName(_ id: String, _ catalogues: StudySetupCatalogues) -> String {
        catalogues.instruments?.instrument(id).map(instrumentName) ?? id
    }

    /// An instrument's name with its abbreviation, unless the name already holds it.
    static func instrumentName(_ definition: InstrumentDefinition) -> String {
        definition.name.contains(definition.abbreviation) ? definition.name : "\(definition.name) (\(definition.abbreviation))"
    }

    /// One line describing an item, for the part's list.
    static func summary(_ part: StudySetupPart, _ index: Int, in d: StudyDefinition, _ catalogues: StudySetupCatalogues) -> String {
        switch part {
        case .arms:
            let arm = d.arms[index]
            let programme = arm.programme.map { ref in
                let title = catalogues.programmes.first { $0.id == ref.id }?.title ?? ref.id
                return "programme \(title) (\(ref.version))"
            } ?? "no programme"
            return "\(arm.name): \(arm.role.rawValue), \(programme), ratio \(arm.ratio)" + (arm.allocated ? "" : ", not randomised")
        case .stratification:
            let s = d.stratification[index]
            return "\(s.label): " + s.levels.joined(separator: ", ")
        case .eligibility:
            let q = d.eligibility.questions[index]
            let rules = d.eligibility.rules.filter { $0.question == q.id }
            return q.label + (rules.isEmpty ? " (no rule)" : " – " + rules.map { ($0.kind == .inclusion ? "include: " : "exclude: ") + $0.label }.joined(separator: "; "))
        case .consent:
            let form = d.consentForms[index]
            return "Version \(form.version), from \(form.effective), \(form.items.count) statement\(form.items.count == 1 ? "" : "s")"
        case .timepoints:
            let t = d.timepoints[index]
            var when = kindName(t.kind)
            if let s = t.session { when += ", session \(s)" }
            if let w = t.weeks, w > 0 { when += ", \(w) week\(w == 1 ? "" : "s") after" }
            return "\(t.id): \(when); counted from \(anchorName(t.anchor).lowercased()); window \(t.daysBefore) days before to \(t.daysAfter) days after"
        case .feasibility:
            let c = d.feasibilityCriteria[index]
            return "\(stageName(c.numerator)) out of \(stageName(c.denominator).lowercased()): at least \(show(c.threshold * 100))%"
        case .risk:
            let r = d.riskItems[index]
            return "\(instrumentName(r.instrument, catalogues)), item \(r.item), answer \(r.atOrAbove) or more"
        case .basics, .schedule, .blinding:
            return ""
        }
    }

    // MARK: Forms

    /// The catalogue's programme versions; `keeping`, the arm's current choice, stays selectable when the
    /// catalogue no longer has it, so saving the arm again does not quietly drop its programme.
    static func programmeOptions(_ catalogues: StudySetupCatalogues, keeping current: String? = nil) -> [StudyPages.Option] {
        let listed = catalogues.programmes.sorted { $0.title < $1.title }.flatMap { programme in
            programme.versions.map { StudyPages.Option(value: programme.id + ":" + $0.id, label: "\(programme.title) – \($0.title)") }
        }
        let kept = current.flatMap { value -> StudyPages.Option? in
            guard !value.isEmpty, !listed.contains(where: { $0.value == value }) else { return nil }
            return StudyPages.Option(value: value, label: "\(value) (not in this server's catalogue)")
        }
        return [StudyPages.Option(value: "", label: "None: the arm receives no programme of ours")] + (kept.map { [$0] } ?? []) + listed
    }

    static func measureRows(_ d: StudyDefinition, _ catalogues: StudySetupCatalogues) -> [(id: String, label: String, observation: Bool)] {
        var rows = d.schedule.map { m in
            (id: m.measureID, label: m.instrument.map { instrumentName($0, catalogues) } ?? (m.label ?? m.measureID), observation: m.instrument == nil)
        }
        for definition in catalogues.instrumentDefinitions where !rows.contains(where: { $0.id == definition.id }) {
            rows.append((definition.id, instrumentName(definition), false))
        }
        return rows
    }

    static func gridField(_ measure: String, _ timepoint: String) -> String { "m--\(measure)--\(timepoint)" }
    /// The text field naming an observation already on the schedule.
    static func labelField(_ observation: String) -> String { "label--\(observation)" }
    static let newObservationRow = "new-observation"

    /// The number of statement rows a consent form shows: those typed (or stored) and two blank ones.
    static func consentRows(_ values: [String: String]) -> Int {
        min(max(Int(values["rows"] ?? "") ?? 0, 1), 40)
    }

    /// The groups of controls on the form for `part` (and `item` of a list part; nil adds a new one).
    static func groups(_ part: StudySetupPart, _ d: StudyDefinition, _ catalogues: StudySetupCatalogues,
                       values: [String: String]) -> [SetupGroup] {
        switch part {
        case .basics:
            return [
                SetupGroup(legend: nil, fields: [
                    SetupField(id: "title", label: "Title", kind: .text, hint: "What staff see."),
                    SetupField(id: "publicTitle", label: "Public title", kind: .text,
                               hint: "What participants see. Name no arm and no hypothesis."),
                    SetupField(id: "studyID", label: "Short name", kind: .text,
                               hint: "Names the study in data files: lower-case letters, digits and hyphens, such as pain-group-evaluation. Fixed once the study is recruiting."),
                    SetupField(id: "design", label: "Design", kind: .radios([
                        .init(value: StudyDesign.singleArm.rawValue, label: "Single arm: everyone receives the same programme"),
                        .init(value: StudyDesign.randomised.rawValue, label: "Randomised: participants are allocated to arms at random"),
                    ])),
                ]),
                SetupGroup(legend: "Randomisation", hint: "Randomised studies only.", fields: [
                    SetupField(id: "blockMultiples", label: "Block sizes, as multiples of the ratio total", kind: .text,
                               hint: "Whole numbers separated by commas. 1, 2 with arms 1:1 gives blocks of 2 and 4, mixed at random."),
                ]),
            ]
        case .arms:
            return [SetupGroup(legend: nil, fields: [
                SetupField(id: "name", label: "Name", kind: .text, hint: "Staff see this; participants never do."),
                SetupField(id: "armID", label: "Short name", kind: .text,
                           hint: "Names the arm in data files. Left empty, it is made from the name."),
                SetupField(id: "role", label: "Role", kind: .select([.init(value: "", label: "Choose…")]
                    + ArmRole.allCases.map { .init(value: $0.rawValue, label: roleName($0)) })),
                SetupField(id: "programme", label: "Programme", kind: .select(programmeOptions(catalogues, keeping: values["programme"])),
                           hint: "From the programme catalogue. Waitlist and no-intervention arms receive none."),
                SetupField(id: "ratio", label: "Allocation ratio", kind: .number,
                           hint: "A whole number: arms with ratios 2 and 1 get two of every three people."),
                SetupField(id: "allocated", label: "In the random allocation", kind: .checkbox,
                           hint: "Untick only for an arm recruited outside the random sequence, such as a later waitlist cohort."),
            ])]
        case .stratification:
            return [SetupGroup(legend: nil, fields: [
                SetupField(id: "label", label: "Factor", kind: .text, hint: "Such as: Substitution medication."),
                SetupField(id: "factorID", label: "Short name", kind: .text, hint: "Left empty, it is made from the factor."),
                SetupField(id: "levels", label: "Levels, one per line", kind: .textarea(rows: 4),
                           hint: "Lower-case letters, digits and hyphens, such as methadone and buprenorphine."),
            ])]
        case .eligibility:
            return [
                SetupGroup(legend: "Question", fields: [
                    SetupField(id: "label", label: "Question as asked", kind: .text),
                    SetupField(id: "questionID", label: "Short name", kind: .text, hint: "Left empty, it is made from the question."),
                    SetupField(id: "answerKind", label: "Answered with", kind: .select([
                        .init(value: AnswerType.Kind.yesNo.rawValue, label: "Yes or no"),
                        .init(value: AnswerType.Kind.number.rawValue, label: "A number"),
                        .init(value: AnswerType.Kind.choice.rawValue, label: "One of a list of choices"),
                    ])),
                    SetupField(id: "minimum", label: "Lowest answer allowed", kind: .number, hint: "Number answers only; may be left empty."),
                    SetupField(id: "maximum", label: "Highest answer allowed", kind: .number, hint: "Number answers only; may be left empty."),
                    SetupField(id: "choices", label: "Choices, one per line", kind: .textarea(rows: 4), hint: "Choice answers only."),
                ]),
                SetupGroup(legend: "Rule", fields: [
                    SetupField(id: "ruleKind", label: "Kind of rule", kind: .select([
                        .init(value: EligibilityRule.Kind.inclusion.rawValue, label: "Inclusion: must hold to take part"),
                        .init(value: EligibilityRule.Kind.exclusion.rawValue, label: "Exclusion: must not hold to take part"),
                        .init(value: "", label: "No rule: the answer is only recorded"),
                    ])),
                    SetupField(id: "ruleLabel", label: "Rule in a few words", kind: .text, hint: "For the screening log, such as: aged 18 to 65."),
                    SetupField(id: "ruleID", label: "Rule short name", kind: .text,
                               hint: "Names the rule in the screening log. Left empty, it is the question's short name."),
                    SetupField(id: "ruleYes", label: "For a yes or no question, the rule holds when the answer is", kind: .select([
                        .init(value: "", label: "Choose…"), .init(value: "yes", label: "Yes"), .init(value: "no", label: "No"),
                    ])),
                    SetupField(id: "ruleMinimum", label: "For a number question, the rule holds from", kind: .number,
                               hint: "Leave empty for no lower limit."),
                    SetupField(id: "ruleMaximum", label: "… up to and including", kind: .number, hint: "Leave empty for no upper limit."),
                    SetupField(id: "ruleAnyOf", label: "For a choice question, the rule holds for these choices, one per line",
                               kind: .textarea(rows: 3)),
                ]),
            ]
        case .consent:
            var groups = [SetupGroup(legend: nil, fields: [
                SetupField(id: "version", label: "Version", kind: .text, hint: "Such as v2."),
                SetupField(id: "effective", label: "In force from", kind: .date,
                           hint: "Written YYYY-MM-DD; after the previous version's date."),
            ])]
            for row in 0..<consentRows(values) {
                groups.append(SetupGroup(legend: "Statement \(row + 1)", hint: "Leave all of a statement empty to leave it out.", fields: [
                    SetupField(id: "item-\(row)-statement", label: "What the participant agrees to", kind: .textarea(rows: 2)),
                    SetupField(id: "item-\(row)-id", label: "Short name", kind: .text, hint: "Left empty, it is made from the statement."),
                    SetupField(id: "item-\(row)-required", label: "Required to take part", kind: .checkbox),
                ]))
            }
            return groups
        case .timepoints:
            return [SetupGroup(legend: nil, fields: [
                SetupField(id: "kind", label: "Kind", kind: .select(Timepoint.Kind.allCases.map { .init(value: $0.rawValue, label: kindName($0)) })),
                SetupField(id: "timepointID", label: "Short name", kind: .text,
                           hint: "Names it in data files. Left empty: baseline, post, session-3, week-12 and so on. Fixed once the study is recruiting."),
                SetupField(id: "session", label: "Session number", kind: .number, hint: "After-session timepoints only."),
                SetupField(id: "weeks", label: "Weeks after the anchor", kind: .number, hint: "Follow-up timepoints only."),
                SetupField(id: "anchor", label: "Counted from", kind: .select([.init(value: "", label: "The usual day for the kind")]
                    + Timepoint.Anchor.allCases.map { .init(value: $0.rawValue, label: anchorName($0)) }),
                    hint: "Usual: baseline from the group's start, after-session from that session, post and follow-up from the programme's end."),
                SetupField(id: "daysBefore", label: "Window opens, days before", kind: .number),
                SetupField(id: "daysAfter", label: "Window closes, days after", kind: .number),
            ])]
        case .schedule:
            let rows = measureRows(d, catalogues)
            var groups = rows.map { row in
                // An observation of the study's own can be renamed here; a questionnaire's name is the library's.
                SetupGroup(legend: row.label, fields: (row.observation ? [SetupField(id: labelField(row.id), label: "What is observed", kind: .text)] : [])
                    + d.timepoints.map { t in SetupField(id: gridField(row.id, t.id), label: t.id, kind: .checkbox) })
            }
            groups.append(SetupGroup(legend: "A new observation (not a questionnaire)",
                                     hint: "Such as a urine drug screen. Leave empty to add none.", fields: [
                SetupField(id: "observationLabel", label: "What is observed", kind: .text),
                SetupField(id: "observationID", label: "Short name", kind: .text, hint: "Left empty, it is made from what is observed."),
            ] + d.timepoints.map { t in SetupField(id: gridField(newObservationRow, t.id), label: "Taken at " + t.id, kind: .checkbox) }))
            return groups
        case .feasibility:
            let stages = FunnelCounts.stages
            return [SetupGroup(legend: nil, fields: [
                SetupField(id: "numerator", label: "People who", kind: .select([.init(value: "", label: "Choose…")]
                    + stages.dropFirst().map { .init(value: $0, label: stageName($0)) })),
                SetupField(id: "denominator", label: "Out of those who", kind: .select([.init(value: "", label: "Choose…")]
                    + stages.dropLast().map { .init(value: $0, label: stageName($0)) })),
                SetupField(id: "threshold", label: "Success if at least", kind: .text, hint: "A percentage such as 60%, or a proportion such as 0.6."),
            ])]
        case .risk:
            let scheduled = d.schedule.compactMap(\.instrument)
            return [SetupGroup(legend: nil, fields: [
                SetupField(id: "instrument", label: "Questionnaire", kind: .select([.init(value: "", label: "Choose…")]
                    + scheduled.map { .init(value: $0, label: instrumentName($0, catalogues)) }),
                    hint: "Only questionnaires the schedule uses are listed."),
                SetupField(id: "item", label: "Item number", kind: .number),
                SetupField(id: "atOrAbove", label: "Flag answers of at least", kind: .number),
            ])]
        case .blinding:
            return [SetupGroup(legend: "Roles kept blind to allocation",
                               hint: "Staff in these roles never see arms or allocations.",
                               fields: BlindedRole.allCases.map { SetupField(id: "blind-" + $0.rawValue, label: StudyPages.roleName($0), kind: .checkbox) })]
        }
    }

    /// The values a form starts with: the item's (or the part's) current values, or a new item's defaults.
    static func values(_ part: StudySetupPart, _ d: StudyDefinition, item: Int?) -> [String: String] {
        switch part {
        case .basics:
            return ["title": d.title, "publicTitle": d.publicTitle, "studyID": d.id, "design": d.design.rawValue,
                    "blockMultiples": (d.randomisation ?? RandomisationSettings()).blockMultiples.map(String.init).joined(separator: ", ")]
        case .arms:
            guard let item, d.arms.indices.contains(item) else { return ["ratio": "1", "allocated": yes] }
            let arm = d.arms[item]
            return ["name": arm.name, "armID": arm.id, "role": arm.role.rawValue,
                    "programme": arm.programme.map { $0.id + ":" + $0.version } ?? "", "ratio": String(arm.ratio),
                    "allocated": arm.allocated ? yes : ""]
        case .stratification:
            guard let item, d.stratification.indices.contains(item) else { return [:] }
            let s = d.stratification[item]
            return ["label": s.label, "factorID": s.id, "levels": s.levels.joined(separator: "\n")]
        case .eligibility:
            guard let item, d.eligibility.questions.indices.contains(item) else {
                return ["answerKind": AnswerType.Kind.yesNo.rawValue, "ruleKind": EligibilityRule.Kind.inclusion.rawValue]
            }
            let q = d.eligibility.questions[item]
            var v = ["label": q.label, "questionID": q.id, "answerKind": q.answer.kind.rawValue, "minimum": show(q.answer.minimum),
                     "maximum": show(q.answer.maximum), "choices": (q.answer.choices ?? []).joined(separator: "\n"), "ruleKind": ""]
            if let rule = d.eligibility.rules.first(where: { $0.question == q.id }) {
                v["ruleKind"] = rule.kind.rawValue
                v["ruleLabel"] = rule.label
                v["ruleID"] = rule.id
                v["ruleYes"] = rule.condition.yes.map { $0 ? "yes" : "no" } ?? ""
                v["ruleMinimum"] = show(rule.condition.minimum)
                v["ruleMaximum"] = show(rule.condition.maximum)
                v["ruleAnyOf"] = (rule.condition.anyOf ?? []).joined(separator: "\n")
            }
            return v
        case .consent:
            // A new version starts as a copy of the latest one's statements.
            let form = item.flatMap { d.consentForms.indices.contains($0) ? d.consentForms[$0] : nil }
            let source = form ?? d.consentForms.last
            var v: [String: String] = [:]
            if let form {
                v["version"] = form.version
                v["effective"] = form.effective.description
            } else {
                v["version"] = "v\(d.consentForms.count + 1)"
            }
            let items = source?.items ?? []
            for (row, consentItem) in items.enumerated() {
                v["item-\(row)-statement"] = consentItem.statement
                v["item-\(row)-id"] = consentItem.id
                v["item-\(row)-required"] = consentItem.required ? yes : ""
            }
            v["rows"] = String(items.count + 2)
            return v
        case .timepoints:
            guard let item, d.timepoints.indices.contains(item) else {
                return ["kind": Timepoint.Kind.baseline.rawValue, "daysBefore": "0", "daysAfter": "0"]
            }
            let t = d.timepoints[item]
            return ["kind": t.kind.rawValue, "timepointID": t.id, "session": t.session.map(String.init) ?? "",
                    "weeks": t.weeks.map(String.init) ?? "", "anchor": t.anchor.rawValue,
                    "daysBefore": String(t.daysBefore), "daysAfter": String(t.daysAfter)]
        case .schedule:
            var v: [String: String] = [:]
            for m in d.schedule {
                for t in m.timepoints { v[gridField(m.measureID, t)] = yes }
                if let observation = m.observation { v[labelField(observation)] = m.label ?? observation }
            }
            return v
        case .feasibility:
            guard let item, d.feasibilityCriteria.indices.contains(item) else { return [:] }
            let c = d.feasibilityCriteria[item]
            return ["numerator": c.numerator, "denominator": c.denominator, "threshold": show(c.threshold * 100) + "%"]
        case .risk:
            guard let item, d.riskItems.indices.contains(item) else { return [:] }
            let r = d.riskItems[item]
            return ["instrument": r.instrument, "item": String(r.item), "atOrAbove": String(r.atOrAbove)]
        case .blinding:
            var v: [String: String] = [:]
            for role in d.blindedRoles { v["blind-" + role.rawValue] = yes }
            return v
        }
    }

    // MARK: Applying a posted form

    /// Index of the item a form changes: the item's own, or the end of the list for a new one.
    private static func slot(_ item: Int?, count: Int) -> Int { item ?? count }

    private static func put<T>(_ value: T, at item: Int?, in list: inout [T]) {
        if let item, list.indices.contains(item) { list[item] = value } else { list.append(value) }
    }

    /// The definition `d` with the posted form for `part` (item `item`, or a new item) applied.
    static func apply(_ part: StudySetupPart, _ v: [String: String], item: Int?, to d: StudyDefinition,
                      _ catalogues: StudySetupCatalogues) -> SetupChange {
        var change = SetupChange(definition: d)
        var new = d
        switch part {
        case .basics:
            new.title = text(v, "title")
            new.publicTitle = text(v, "publicTitle")
            new.id = text(v, "studyID")
            change.map("title", "title", "Title")
            change.map("publicTitle", "publicTitle", "Public title")
            change.map("id", "studyID", "Short name")
            if let design = StudyDesign(rawValue: text(v, "design")) { new.design = design }
            else { change.errors.add("design", "Design: choose single arm or randomised") }
            change.map("stratification", "design", "Design")
            change.map("randomisation", "blockMultiples", "Block sizes")
            if new.design == .randomised {
                let raw = text(v, "blockMultiples")
                let parts = raw.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                let multiples = parts.compactMap { Int($0) }
                if parts.isEmpty {
                    new.randomisation = nil
                } else if multiples.count == parts.count {
                    new.randomisation = RandomisationSettings(blockMultiples: multiples)
                } else {
                    change.errors.add("blockMultiples", "Block sizes: found “\(raw)”; expected whole numbers separated by commas, such as 1, 2")
                }
            } else {
                new.randomisation = nil
            }
            if new.arms.contains(where: { !new.publicTitle.isEmpty && new.publicTitle.localizedCaseInsensitiveContains($0.name) }) {
                change.errors.add("publicTitle", "Public title must not name an arm: participants must not learn the arms from it")
            }
        case .arms:
            let i = slot(item, count: d.arms.count)
            let name = text(v, "name")
            var id = text(v, "armID")
            if id.isEmpty { id = slug(name) }
            var role = ArmRole.active
            if let chosen = ArmRole(rawValue: text(v, "role")) { role = chosen }
            else { change.errors.add("role", "Role: choose what this arm receives (active, active control, waitlist or no intervention)") }
            var programme: ProgrammeReference?
            let raw = text(v, "programme")
            if !raw.isEmpty {
                let pieces = raw.split(separator: ":", maxSplits: 1).map(String.init)
                if pieces.count == 2 { programme = ProgrammeReference(id: pieces[0], version: pieces[1]) }
                else { change.errors.add("programme", "Programme: choose one from the list, or none") }
            }
            let ratio = integer(v, "ratio", label: "Allocation ratio", example: "1", errors: &change.errors)
            if ratio == nil, change.errors.message(for: "ratio") == nil {
                change.errors.add("ratio", "Allocation ratio: found nothing; expected a whole number ≥ 1, such as 1")
            }
            let arm = StudyArm(id: id, name: name, role: role, programme: programme, ratio: ratio ?? 1, allocated: checked(v, "allocated"))
            put(arm, at: item, in: &new.arms)
            let f = "arms[\(i)]"
            change.map(f + ".id", "armID", "Short name")
            change.map(f + ".name", "name", "Name")
            change.map(f + ".ratio", "ratio", "Allocation ratio")
            change.map(f + ".programme", "programme", "Programme")
            change.map(f + ".allocated", "allocated", "In the random allocation")
        case .stratification:
            let i = slot(item, count: d.stratification.count)
            let label = text(v, "label")
            var id = text(v, "factorID")
            if id.isEmpty { id = slug(label) }
            put(StratificationFactor(id: id, label: label, levels: lines(v, "levels")), at: item, in: &new.stratification)
            let f = "stratification[\(i)]"
            change.map(f + ".id", "factorID", "Short name")
            change.map(f + ".label", "label", "Factor")
            change.map(f + ".levels", "levels", "Levels")
        case .eligibility:
            applyQuestion(v, item: item, to: &new, change: &change)
        case .consent:
            let i = slot(item, count: d.consentForms.count)
            let f = "consentForms[\(i)]"
            var effective = LocalDate(daysSinceEpoch: 0)
            let rawDate = text(v, "effective")
            if let date = LocalDate(rawDate) { effective = date }
            else { change.errors.add("effective", "In force from: found \(rawDate.isEmpty ? "nothing" : "“\(rawDate)”"); expected a date written YYYY-MM-DD") }
            var items: [ConsentItem] = []
            for row in 0..<consentRows(v) {
                let statement = text(v, "item-\(row)-statement")
                var id = text(v, "item-\(row)-id")
                if statement.isEmpty && id.isEmpty { continue }
                if id.isEmpty { id = slug(statement) }
                let j = items.count
                items.append(ConsentItem(id: id, statement: statement, required: checked(v, "item-\(row)-required")))
                change.map("\(f).items[\(j)].id", "item-\(row)-id", "Short name of statement \(row + 1)")
                change.map("\(f).items[\(j)].statement", "item-\(row)-statement", "Statement \(row + 1)")
            }
            put(ConsentForm(version: text(v, "version"), effective: effective, items: items), at: item, in: &new.consentForms)
            change.map(f + ".version", "version", "Version")
            change.map(f + ".effective", "effective", "In force from")
            change.map(f + ".items", items.isEmpty ? "item-0-statement" : "item-0-required", "Statements")
        case .timepoints:
            applyTimepoint(v, item: item, to: &new, change: &change)
        case .schedule:
            var schedule: [ScheduledMeasure] = []
            for row in measureRows(d, catalogues) {
                let ticked = d.timepoints.map(\.id).filter { checked(v, gridField(row.id, $0)) }
                guard !ticked.isEmpty else { continue }
                if row.observation {
                    let old = d.schedule.first { $0.observation == row.id }
                    // A form without the field (an older page) keeps the label; a field left empty is an error.
                    var label = old?.label ?? row.id
                    if let typed = v[labelField(row.id)] {
                        label = typed.trimmingCharacters(in: .whitespacesAndNewlines)
                        if label.isEmpty {
                            change.errors.add(labelField(row.id), "What is observed (\(row.id)): found nothing; expected a few words, such as Urine drug screen")
                        }
                    }
                    schedule.append(ScheduledMeasure(observation: row.id, label: label, timepoints: ticked))
                    change.map("schedule[\(schedule.count - 1)].label", labelField(row.id), "What is observed")
                } else {
                    schedule.append(ScheduledMeasure(instrument: row.id, timepoints: ticked))
                }
                change.map("schedule[\(schedule.count - 1)]", gridField(row.id, d.timepoints.first?.id ?? ""), row.label)
            }
            let label = text(v, "observationLabel")
            var id = text(v, "observationID")
            if id.isEmpty { id = slug(label) }
            let ticked = d.timepoints.map(\.id).filter { checked(v, gridField(newObservationRow, $0)) }
            if !label.isEmpty || !text(v, "observationID").isEmpty || !ticked.isEmpty {
                schedule.append(ScheduledMeasure(observation: id, label: label, timepoints: ticked))
                let f = "schedule[\(schedule.count - 1)]"
                change.map(f, "observationLabel", "New observation")
                change.map(f + ".observation", "observationID", "Short name")
                change.map(f + ".label", "observationLabel", "What is observed")
                change.map(f + ".timepoints", gridField(newObservationRow, d.timepoints.first?.id ?? ""), "Taken at")
            }
            new.schedule = schedule
            change.map("schedule", d.timepoints.first.map { gridField(measureRows(d, catalogues).first?.id ?? "", $0.id) } ?? "observationLabel", "Measures")
        case .feasibility:
            let i = slot(item, count: d.feasibilityCriteria.count)
            let raw = text(v, "threshold")
            var threshold = -1.0
            let percent = raw.hasSuffix("%")
            if let x = Double(raw.trimmingCharacters(in: CharacterSet(charactersIn: "% "))), x.isFinite {
                threshold = percent || x > 1 ? x / 100 : x
            } else {
                change.errors.add("threshold", "Success if at least: found \(raw.isEmpty ? "nothing" : "“\(raw)”"); expected a percentage such as 60%, or a proportion such as 0.6")
            }
            put(FeasibilityCriterion(numerator: text(v, "numerator"), denominator: text(v, "denominator"), threshold: threshold),
                at: item, in: &new.feasibilityCriteria)
            let f = "feasibilityCriteria[\(i)]"
            change.map(f + ".numerator", "numerator", "People who")
            change.map(f + ".denominator", "denominator", "Out of those who")
            change.map(f + ".threshold", "threshold", "Success if at least")
        case .risk:
            let i = slot(item, count: d.riskItems.count)
            let number = integer(v, "item", label: "Item number", example: "9", errors: &change.errors)
            let atOrAbove = integer(v, "atOrAbove", label: "Flag answers of at least", example: "1", errors: &change.errors)
            if number == nil { change.errors.add("item", "Item number: found nothing; expected the item's number, such as 9") }
            if atOrAbove == nil { change.errors.add("atOrAbove", "Flag answers of at least: found nothing; expected a response value, such as 1") }
            if text(v, "instrument").isEmpty { change.errors.add("instrument", "Questionnaire: choose one the schedule uses") }
            put(RiskItemRule(instrument: text(v, "instrument"), item: number ?? 0, atOrAbove: atOrAbove ?? 0), at: item, in: &new.riskItems)
            let f = "riskItems[\(i)]"
            change.map(f + ".instrument", "instrument", "Questionnaire")
            change.map(f + ".item", "item", "Item number")
            change.map(f + ".atOrAbove", "atOrAbove", "Flag answers of at least")
        case .blinding:
            new.blindedRoles = BlindedRole.allCases.filter { checked(v, "blind-" + $0.rawValue) }
            change.map("blindedRoles", "blind-" + BlindedRole.allCases[0].rawValue, "Roles kept blind")
        }
        change.definition = new
        return change
    }

    private static func applyQuestion(_ v: [String: String], item: Int?, to new: inout StudyDefinition, change: inout SetupChange) {
        let old = item.flatMap { new.eligibility.questions.indices.contains($0) ? new.eligibility.questions[$0] : nil }
        let i = slot(item, count: new.eligibility.questions.count)
        let label = text(v, "label")
        var id = text(v, "questionID")
        if id.isEmpty { id = slug(label) }
        let kind = AnswerType.Kind(rawValue: text(v, "answerKind")) ?? .yesNo
        var answer = AnswerType(kind: kind)
        switch kind {
        case .number:
            answer.minimum = number(v, "minimum", label: "Lowest answer allowed", example: "0", errors: &change.errors)
            answer.maximum = number(v, "maximum", label: "Highest answer allowed", example: "120", errors: &change.errors)
        case .choice:
            answer.choices = lines(v, "choices")
        case .yesNo:
            break
        }
        put(EligibilityQuestion(id: id, label: label, answer: answer), at: item, in: &new.eligibility.questions)
        let q = "eligibility.questions[\(i)]"
        let idField = ("questionID", "Short name")
        change.map(q + ".id", idField.0, idField.1)
        change.map(q + ".label", "label", "Question as asked")
        change.map(q + ".answer.maximum", "maximum", "Highest answer allowed")
        change.map(q + ".answer.choices", "choices", "Choices")

        // The question's rule: the first rule on it, changed, added or removed with it.
        let ruleIndex = old.flatMap { question in new.eligibility.rules.firstIndex { $0.question == question.id } }
        // Other rules on a renamed question follow it.
        if let old, old.id != id {
            for r in new.eligibility.rules.indices where new.eligibility.rules[r].question == old.id { new.eligibility.rules[r].question = id }
        }
        guard let ruleKind = EligibilityRule.Kind(rawValue: text(v, "ruleKind")) else {
            if let ruleIndex { new.eligibility.rules.remove(at: ruleIndex) }
            return
        }
        var condition = EligibilityRule.Condition()
        switch kind {
        case .yesNo:
            switch text(v, "ruleYes") {
            case "yes": condition.yes = true
            case "no": condition.yes = false
            default: break
            }
        case .number:
            condition.minimum = number(v, "ruleMinimum", label: "The rule holds from", example: "18", errors: &change.errors)
            condition.maximum = number(v, "ruleMaximum", label: "Up to and including", example: "65", errors: &change.errors)
        case .choice:
            let chosen = lines(v, "ruleAnyOf")
            condition.anyOf = chosen.isEmpty ? nil : chosen
        }
        let ruleID = text(v, "ruleID").isEmpty ? id : text(v, "ruleID")
        let rule = EligibilityRule(id: ruleID, kind: ruleKind, label: text(v, "ruleLabel"), question: id, condition: condition)
        let r = ruleIndex ?? new.eligibility.rules.count
        put(rule, at: ruleIndex, in: &new.eligibility.rules)
        let f = "eligibility.rules[\(r)]"
        change.map(f + ".id", "ruleID", "Rule short name")
        change.map(f + ".label", "ruleLabel", "Rule in a few words")
        change.map(f + ".question", idField.0, idField.1)
        switch kind {
        case .yesNo: change.map(f + ".condition", "ruleYes", "The rule holds when the answer is")
        case .number: change.map(f + ".condition", "ruleMinimum", "The rule holds from")
        case .choice: change.map(f + ".condition", "ruleAnyOf", "The rule holds for these choices")
        }
        change.map(f + ".condition.maximum", "ruleMaximum", "Up to and including")
    }

    private static func applyTimepoint(_ v: [String: String], item: Int?, to new: inout StudyDefinition, change: inout SetupChange) {
        let old = item.flatMap { new.timepoints.indices.contains($0) ? new.timepoints[$0] : nil }
        let i = slot(item, count: new.timepoints.count)
        let kind = Timepoint.Kind(rawValue: text(v, "kind")) ?? .baseline
        let session = integer(v, "session", label: "Session number", example: "3", errors: &change.errors)
        let weeks = integer(v, "weeks", label: "Weeks after the anchor", example: "12", errors: &change.errors)
        let anchor: Timepoint.Anchor
        if let chosen = Timepoint.Anchor(rawValue: text(v, "anchor")) { anchor = chosen }
        else {
            switch kind {
            case .baseline: anchor = .groupStart
            case .afterSession: anchor = .session
            case .post, .followUp: anchor = .programmeEnd
            }
        }
        let before = integer(v, "daysBefore", label: "Window opens, days before", example: "0", errors: &change.errors) ?? 0
        let after = integer(v, "daysAfter", label: "Window closes, days after", example: "14", errors: &change.errors) ?? 0
        var id = text(v, "timepointID")
        if id.isEmpty {
            switch kind {
            case .baseline: id = "baseline"
            case .post: id = "post"
            case .afterSession: id = "session-\(session ?? 0)"
            case .followUp: id = "week-\(weeks ?? 0)"
            }
        }
        put(Timepoint(id: id, kind: kind, session: session, weeks: weeks, anchor: anchor, daysBefore: before, daysAfter: after),
            at: item, in: &new.timepoints)
        // Measures scheduled at a renamed timepoint stay at it.
        if let old, old.id != id {
            for m in new.schedule.indices { new.schedule[m].timepoints = new.schedule[m].timepoints.map { $0 == old.id ? id : $0 } }
        }
        let f = "timepoints[\(i)]"
        change.map(f + ".id", "timepointID", "Short name")
        change.map(f + ".session", "session", "Session number")
        change.map(f + ".weeks", "weeks", "Weeks after the anchor")
        change.map(f + ".anchor", "anchor", "Counted from")
        change.map(f + ".daysBefore", "daysBefore", "Window opens, days before")
        change.map(f + ".daysAfter", "daysAfter", "Window closes, days after")
    }

    /// The definition without item `item` of `part`, or why it cannot be removed.
    enum Removal {
        case removed(StudyDefinition)
        case refused(String)
    }

    static func remove(_ part: StudySetupPart, item: Int, from d: StudyDefinition) -> Removal {
        var new = d
        switch part {
        case .arms: new.arms.remove(at: item)
        case .stratification: new.stratification.remove(at: item)
        case .eligibility:
            let id = d.eligibility.questions[item].id
            new.eligibility.questions.remove(at: item)
            new.eligibility.rules.removeAll { $0.question == id }
        case .consent: new.consentForms.remove(at: item)
        case .timepoints:
            let id = d.timepoints[item].id
            let using = d.schedule.filter { $0.timepoints.contains(id) }.map(\.measureID)
            if !using.isEmpty {
                return .refused("Timepoint \(id) is used by " + using.joined(separator: ", ")
                    + ": untick it for those measures on the measures page first")
            }
            new.timepoints.remove(at: item)
        case .feasibility: new.feasibilityCriteria.remove(at: item)
        case .risk: new.riskItems.remove(at: item)
        case .basics, .schedule, .blinding: break
        }
        return .removed(new)
    }

    // MARK: Which problems stop a save

    /// Problems about what is still missing from the study as a whole (no arms, no consent form, no
    /// measure yet): a study is built one part at a time, so these are listed on the overview and stop
    /// it opening, but do not stop a save.
    static func isCompleteness(_ problem: InputError) -> Bool {
        ["arms", "consentForms", "schedule"].contains(problem.field)
    }

    private static func key(_ problem: InputError) -> String {
        // Field paths without their indices, so removing an item does not make later items' problems look new.
        var field = ""
        var inIndex = false
        for character in problem.field {
            if character == "[" { inIndex = true; field.append("[") }
            else if character == "]" { inIndex = false; field.append("]") }
            else if !inIndex { field.append(character) }
        }
        return field + "\u{1F}" + problem.expected
    }

    /// The problems that stop `new` replacing `old`: every problem in what the form posted, and any other
    /// problem the change would bring that was not there before (beyond what is still missing).
    static func blocking(old: [InputError], new: [InputError], change: SetupChange) -> [InputError] {
        let before = Set(old.map(key))
        return new.filter { problem in
            if isCompleteness(problem) { return false }
            if change.field(for: problem.field) != nil { return true }
            return !before.contains(key(problem))
        }
    }
}
