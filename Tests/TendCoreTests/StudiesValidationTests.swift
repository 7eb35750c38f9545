import Foundation
import Testing
import TendCore

@Suite struct StudiesValidationTests {
    static func valid() -> StudyDefinition {
        StudyDefinition(
            id: "trial", title: "A trial", publicTitle: "A course", design: .randomised,
            arms: [StudyArm(id: "active", name: "Course", role: .active, programme: ProgrammeReference(id: "brief-compassion-ost", version: "three-session")),
                   StudyArm(id: "waitlist", name: "Waiting list", role: .waitlist)],
            eligibility: Eligibility(questions: [EligibilityQuestion(id: "age", label: "Age", answer: .number(0...120))],
                                     rules: [EligibilityRule(id: "adult", kind: .inclusion, label: "18+", question: "age", condition: .init(minimum: 18))]),
            consentForms: [ConsentForm(version: "v1", effective: LocalDate("2026-01-01")!, items: [ConsentItem(id: "take-part", statement: "I agree to take part.", required: true)])],
            timepoints: [Timepoint(id: "baseline", kind: .baseline, anchor: .consent, daysBefore: 0, daysAfter: 7)],
            schedule: [ScheduledMeasure(instrument: "phq9", timepoints: ["baseline"])],
            feasibilityCriteria: [FeasibilityCriterion(numerator: "agreed", denominator: "approached", threshold: 0.6)],
            randomisation: RandomisationSettings(blockMultiples: [1, 2]),
            riskItems: [RiskItemRule(instrument: "phq9", item: 9, atOrAbove: 1)])
    }

    @Test func aSoundDefinitionHasNoProblems() {
        #expect(Self.valid().validated().isEmpty)
    }

    @Test func everyProblemIsReportedWithItsFieldPath() {
        var s = Self.valid()
        s.arms[1].ratio = 0
        s.arms[1].programme = ProgrammeReference(id: "x", version: "y")
        s.arms.append(StudyArm(id: "active", name: "", role: .active))
        s.eligibility.rules.append(EligibilityRule(id: "ghost", kind: .exclusion, label: "x", question: "nope", condition: .init(yes: true)))
        s.eligibility.rules.append(EligibilityRule(id: "age-yes", kind: .exclusion, label: "x", question: "age", condition: .init(yes: true)))
        s.consentForms.append(ConsentForm(version: "v2", effective: LocalDate("2025-12-01")!, items: [ConsentItem(id: "opt", statement: "Maybe.", required: false)]))
        s.timepoints.append(Timepoint(id: "fu", kind: .followUp, anchor: .programmeEnd, daysBefore: -1, daysAfter: 0))
        s.schedule[0].timepoints.append("week-99")
        s.feasibilityCriteria.append(FeasibilityCriterion(numerator: "approached", denominator: "completed", threshold: 1.5))
        let p = s.validated()
        #expect(p.problem(for: "arms[1].ratio") == InputError(field: "arms[1].ratio", value: "0", expected: "a whole number ≥ 1"))
        #expect(p.problem(for: "arms[1].ratio")?.description == "arms[1].ratio is 0; expected a whole number ≥ 1")
        let fields = p.problems.map(\.field)
        #expect(fields == ["arms[1].ratio", "arms[1].programme", "arms[2].id", "arms[2].name", "arms[2].programme",
                           "eligibility.rules[1].question", "eligibility.rules[2].condition",
                           "consentForms[1].effective", "consentForms[1].items",
                           "timepoints[1].weeks", "timepoints[1].daysBefore", "schedule[0].timepoints[1]",
                           "feasibilityCriteria[1].numerator", "feasibilityCriteria[1].threshold"])
    }

    @Test func catalogueChecksNameUnknownInstrumentsProgrammesAndItems() throws {
        let library = try InstrumentLibrary(definitions: [])
        var s = Self.valid()
        s.riskItems[0].item = 10
        let p = s.validated(instruments: library, programmes: [])
        #expect(p.problems.map(\.field) == ["arms[0].programme.id", "schedule[0].instrument", "riskItems[0].instrument"])
    }

    @Test func aRandomisedStudyNeedsTwoAllocatedArms() {
        var s = Self.valid()
        s.arms[1].allocated = false
        #expect(s.validated().problems == [InputError(field: "arms", value: "1 allocated", expected: "at least two arms in the allocation sequence (allocated: true)")])
    }

    @Test func designRulesForSingleArmStudies() {
        var s = Self.valid()
        s.design = .singleArm
        s.stratification = [StratificationFactor(id: "site", label: "Site", levels: ["north"])]
        let fields = s.validated().problems.map(\.field)
        #expect(fields == ["arms", "randomisation", "stratification", "stratification[0].levels"])
    }

    @Test func optionalListsMayBeLeftOutWhenDecoding() throws {
        let json = #"{"id": "t", "title": "T", "publicTitle": "P", "design": "single-arm", "arms": [{"id": "a", "name": "A", "role": "active", "ratio": 1}]}"#
        let s = try JSONDecoder().decode(StudyDefinition.self, from: Data(json.utf8))
        #expect(s.riskItems.isEmpty && s.blindedRoles.isEmpty && s.randomisation == nil && s.eligibility.rules.isEmpty)
        #expect(s.validated().problems.map(\.field) == ["arms[0].programme", "consentForms", "schedule"])
    }

    @Test func definitionsSurviveACodableRoundTrip() throws {
        let s = Self.valid()
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(StudyDefinition.self, from: data) == s)
    }
}
