import Foundation
import Testing
import TendCore
@testable import TendResources

@Suite struct StudiesTemplateTests {
    @Test func everyBuiltInTemplateLoadsAndValidatesAgainstBothCatalogues() throws {
        let studies = try StudyTemplateCatalog.builtIn()
        #expect(studies.map(\.id).sorted() == ["compassionate-living-pain-evaluation", "compassionate-mind-painkillers-trial",
                                               "mindful-recovery-trial", "ost-compassion-feasibility"])
        let instruments = try InstrumentCatalog.builtIn()
        let programmes = try ProgrammeCatalog.builtIn()
        for study in studies {
            let problems = study.validated(instruments: instruments, programmes: programmes)
            #expect(problems.isEmpty, "\(study.id): \(problems)")
            for measure in study.schedule where measure.instrument != nil {
                #expect(instruments.instrument(measure.instrument!) != nil)
            }
            for arm in study.arms {
                if let ref = arm.programme {
                    #expect(programmes.first { $0.id == ref.id }?.version(ref.version) != nil, "\(study.id) \(arm.id)")
                }
            }
        }
    }

    /// Seed 000: three arms, neutral title, the paper's three success criteria, strata by medicine.
    @Test func seed000TemplateHasTheTrialsDesign() throws {
        let s = try #require(try StudyTemplateCatalog.builtIn().first { $0.id == "ost-compassion-feasibility" })
        #expect(s.design == .randomised)
        #expect(s.publicTitle.lowercased() == "stress reduction skills course")
        #expect(s.arms.map(\.role) == [.active, .activeControl, .waitlist])
        #expect(s.arms.map(\.id) == ["compassion", "relaxation", "waitlist"])
        #expect(s.arms[2].programme == nil)
        #expect(s.feasibilityCriteria == [FeasibilityCriterion(numerator: "agreed", denominator: "approached", threshold: 0.60),
                                          FeasibilityCriterion(numerator: "baseline", denominator: "agreed", threshold: 0.70),
                                          FeasibilityCriterion(numerator: "completed", denominator: "baseline", threshold: 0.50)])
        #expect(Set(s.schedule.compactMap(\.instrument)) == ["ocdus", "dass21", "fscrs"])
        #expect(s.timepoints.map(\.id) == ["baseline", "follow-up"])
        #expect(s.stratification.first?.levels == ["methadone", "buprenorphine"])
        // Only the two course arms were randomised; the waitlist was a later cohort (statistics.md §9).
        #expect(s.arms.map(\.allocated) == [true, true, false])
        let sequence = try AllocationSequence(seed: 1, study: s)
        #expect(sequence.arms == ["compassion", "relaxation"])
        #expect(sequence.blockSizes == [2, 4])
        // Screening: an adult on methadone who reads unaided and has no listed condition is eligible.
        let answers: [String: EligibilityAnswer] = ["age": .number(39), "english": .yesNo(true), "substitute-prescribed": .yesNo(true),
                                                    "medication": .choice("methadone"), "learning-or-neurological": .yesNo(false),
                                                    "reads-unaided": .yesNo(true)]
        #expect(s.eligibility.evaluate(answers).status == .eligible)
        var illiterate = answers
        illiterate["reads-unaided"] = .yesNo(false)
        #expect(s.eligibility.evaluate(illiterate).failed.map(\.rule) == ["reads"])
    }

    @Test func seedTemplatesHaveTheirDesigns() throws {
        let all = try StudyTemplateCatalog.builtIn()
        let s001 = try #require(all.first { $0.id == "compassionate-living-pain-evaluation" })
        #expect(s001.design == .singleArm && s001.arms.count == 1 && s001.randomisation == nil)
        #expect(s001.timepoints.map(\.id) == ["pre", "post"])
        #expect(Set(s001.schedule.compactMap(\.instrument)) == ["scs-sf", "fscrs", "pseq"])
        let s002 = try #require(all.first { $0.id == "compassionate-mind-painkillers-trial" })
        #expect(s002.arms.map(\.programme?.id) == ["compassionate-mind-pain-online", "relaxing-music-control"])
        #expect(s002.schedule.contains { $0.instrument == "ldq" } && s002.schedule.contains { $0.observation == "painkiller-use" })
        let s003 = try #require(all.first { $0.id == "mindful-recovery-trial" })
        #expect(s003.arms.count == 2 && s003.arms[1].programme == nil)
        let urine = try #require(s003.schedule.first { $0.observation == "urine-drug-screen" })
        #expect(urine.timepoints.count == 12)
        #expect(urine.timepoints.compactMap { s003.timepoint($0)?.weeks } == Array(stride(from: 2, through: 24, by: 2)))
    }

    @Test func aBrokenTemplateNamesFileLineAndField() throws {
        let text = """
        id: broken
        title: Broken
        publicTitle: Course
        design: randomised
        arms:
          - id: a
            name: A
            role: active
            programme: {id: brief-compassion-ost, version: three-session}
            ratio: 1
          - id: b
            name: B
            role: waitlist
            ratio: 0
        eligibility: {questions: [], rules: []}
        consentForms: [{version: v1, effective: 2026-01-01, items: [{id: ok, statement: I agree., required: true}]}]
        timepoints: [{id: baseline, kind: baseline, anchor: consent, daysBefore: 0, daysAfter: 7}]
        schedule: [{instrument: nope, timepoints: [baseline]}]
        feasibilityCriteria: []
        blindedRoles: []
        randomisation: {blockMultiples: [1, 2]}
        stratification: []
        riskItems: []
        """
        let result = StudyTemplateCatalog.parse(text, file: "broken.yaml", instruments: try InstrumentCatalog.builtIn(), programmes: try ProgrammeCatalog.builtIn())
        guard case .failure(let error) = result else { Issue.record("expected problems"); return }
        #expect(error.issues.map(\.line) == [14, 18])
        #expect(error.issues.first?.description == "broken.yaml:14: arms[1].ratio is 0; expected a whole number ≥ 1")
        #expect(error.issues.last?.description.hasPrefix("broken.yaml:18: schedule[0].instrument is \"nope\"; expected an instrument in the library: craving, dass21") == true)
        let bad = StudyTemplateCatalog.parse(text.replacingOccurrences(of: "role: waitlist", with: "role: sideline"), file: "b.yaml", instruments: nil, programmes: nil)
        guard case .failure(let decoding) = bad else { Issue.record("expected a decoding problem"); return }
        #expect(decoding.issues.first?.field == "arms[1].role")
        #expect(decoding.issues.first?.line == 13)
    }
}
