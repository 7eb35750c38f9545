import Foundation
import Testing
@testable import TendCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A screening log shaped like seed 000's flow (statistics.md §11.1): 103 approached, 69 agreed,
/// 47 at baseline (CFT 19, relaxation 13, waitlist 15 as a sequential cohort), 38 completed
/// (CFT 15 with 4 discontinuing, relaxation 12 with 1, waitlist 11 with 4 lost).
enum SeedLog {
    static let day = LocalDate(year: 2026, month: 1, day: 5)!

    static func records() -> [ScreeningRecord] {
        var out: [ScreeningRecord] = []
        var n = 0
        func code() -> String { n += 1; return String(format: "P%03d", n) }
        for i in 0..<10 {
            out.append(ScreeningRecord(personCode: code(), approachedOn: day, eligible: false,
                                       ineligibilityReasons: [i < 6 ? "under 18" : "no persistent pain"]))
        }
        for i in 0..<24 {
            out.append(ScreeningRecord(personCode: code(), approachedOn: day, eligible: true, agreed: false,
                                       notEnrolledReason: i < 14 ? "no time" : "not interested"))
        }
        for _ in 0..<22 {
            out.append(ScreeningRecord(personCode: code(), approachedOn: day, eligible: true, agreed: true, consented: true,
                                       notEnrolledReason: "did not come to baseline"))
        }
        func arm(_ name: String, _ total: Int, completed: Int, exit: ScreeningRecord.Exit.Kind, reason: String) {
            for i in 0..<total {
                let done = i < completed
                out.append(ScreeningRecord(personCode: code(), approachedOn: day, eligible: true, agreed: true, consented: true,
                                           allocatedArm: name, receivedAllocatedIntervention: done || exit == .discontinuedIntervention && i < total - 1,
                                           notReceivedReason: done || exit == .discontinuedIntervention && i < total - 1 ? nil : "never started",
                                           attendedBaseline: true, completedPost: done,
                                           exit: done ? nil : ScreeningRecord.Exit(kind: exit, reason: reason, stage: "before post")))
            }
        }
        arm("CFT", 19, completed: 15, exit: .discontinuedIntervention, reason: "found sessions upsetting")
        arm("relaxation", 13, completed: 12, exit: .discontinuedIntervention, reason: "moved away")
        arm("waitlist", 15, completed: 11, exit: .lostToFollowUp, reason: "no reply")
        return out
    }
}

@Suite("Study reports: CONSORT flow, diagram and attrition")
struct StudyReportsConsortFlowTests {
    @Test("Counts of every CONSORT box add up and match the log")
    func counts() throws {
        let flow = try ConsortFlow.count(SeedLog.records(), nonRandomisedArms: ["waitlist"])
        #expect(flow.assessedForEligibility == 103)
        #expect(flow.notMeetingCriteria == 10)
        #expect(flow.notMeetingCriteriaReasons == [ReasonCount(reason: "under 18", count: 6), ReasonCount(reason: "no persistent pain", count: 4)])
        #expect(flow.declined == 24)
        #expect(flow.declinedReasons == [ReasonCount(reason: "no time", count: 14), ReasonCount(reason: "not interested", count: 10)])
        #expect(flow.otherReasons == 22)
        #expect(flow.excluded == 56)
        #expect(flow.randomised == 32)
        #expect(flow.arms.map(\.arm) == ["CFT", "relaxation", "waitlist"])
        #expect(flow.arms.map(\.allocated) == [19, 13, 15])
        #expect(flow.arms.map(\.randomised) == [true, true, false])
        let cft = flow.arms[0]
        // CFT: 4 discontinued, the last of whom never started.
        #expect(cft.received == 18 && cft.notReceived == 1)
        #expect(cft.notReceivedReasons == [ReasonCount(reason: "never started", count: 1)])
        #expect(cft.discontinued == 4 && cft.lostToFollowUp == 0)
        #expect(flow.arms[2].lostToFollowUp == 4 && flow.arms[2].discontinued == 0)
        #expect(flow.arms[2].lostToFollowUpReasons == [ReasonCount(reason: "no reply", count: 4)])
        for arm in flow.arms {
            #expect(arm.received + arm.notReceived == arm.allocated)
            #expect(arm.analysed + arm.excludedFromAnalysis == arm.allocated)
            #expect(arm.analysed == arm.allocated) // intention to treat, no exclusions
        }
        #expect(flow.excluded + flow.arms.reduce(0) { $0 + $1.allocated } == flow.assessedForEligibility)
    }

    @Test("Complete-case analysis excludes those without a post assessment, with the reason")
    func completeCases() throws {
        let flow = try ConsortFlow.count(SeedLog.records(), population: .completeCases)
        #expect(flow.arms.map(\.analysed) == [15, 12, 11])
        #expect(flow.arms[0].excludedFromAnalysisReasons == [ReasonCount(reason: "no post-treatment assessment", count: 4)])
        #expect(flow.randomised == 47)
    }

    @Test("Withdrawals count as lost to follow-up with their reason; arm order follows the caller")
    func withdrawals() throws {
        let records = [
            ScreeningRecord(personCode: "A", approachedOn: SeedLog.day, eligible: true, agreed: true, consented: true,
                            allocatedArm: "B", receivedAllocatedIntervention: true, attendedBaseline: true,
                            exit: .init(kind: .withdrew, reason: "too busy", stage: "week 2")),
            ScreeningRecord(personCode: "B", approachedOn: SeedLog.day, eligible: true, agreed: true, consented: true,
                            allocatedArm: "A", receivedAllocatedIntervention: true, attendedBaseline: true, completedPost: true,
                            completedFollowUp: true, excludedFromAnalysisReason: "withdrew consent for data use"),
        ]
        let flow = try ConsortFlow.count(records, armOrder: ["A", "B"])
        #expect(flow.arms.map(\.arm) == ["A", "B"])
        #expect(flow.arms[1].lostToFollowUpReasons == [ReasonCount(reason: "withdrew: too busy", count: 1)])
        #expect(flow.arms[0].analysed == 0 && flow.arms[0].excludedFromAnalysis == 1)
        #expect(flow.arms.map(\.completedFollowUp) == [1, 0])
    }

    @Test("A person code used twice is an error naming the record")
    func duplicateCode() {
        let r = ScreeningRecord(personCode: "X", approachedOn: SeedLog.day, eligible: false)
        #expect(throws: InputError(field: "records[1].personCode", value: "X", expected: "a code used once in the screening log")) {
            try ConsortFlow.count([r, r])
        }
    }

    @Test("An allocation of someone not consented is an error naming the record")
    func allocationWithoutConsent() {
        let r = ScreeningRecord(personCode: "Q", approachedOn: SeedLog.day, eligible: true, agreed: true, consented: false, allocatedArm: "CFT")
        #expect(throws: InputError(field: "records[0].allocatedArm", value: "CFT for Q, who is not consented",
                                   expected: "allocation only of eligible people who agreed and consented")) {
            try ConsortFlow.count([r])
        }
    }

    @Test("The SVG is well-formed, titled, described and carries every count as text")
    func diagram() throws {
        let flow = try ConsortFlow.count(SeedLog.records(), nonRandomisedArms: ["waitlist"])
        let svg = ConsortDiagram.svg(flow)
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("<title id=\"consort-title\">CONSORT 2010 flow diagram</title>"))
        #expect(svg.contains("<desc id=\"consort-desc\">103 assessed for eligibility; 56 excluded"))
        for text in ["Assessed for eligibility (n = 103)", "Excluded (n = 56)", "Randomised (n = 32)",
                     "Allocated to CFT (n = 19)", "Allocated to relaxation (n = 13)",
                     "Assigned to waitlist (n = 15)", "Not randomised (sequential cohort)", "Lost to follow-up (n = 4)",
                     "Discontinued intervention (n = 4)", "Analysed (n = 19)", "Enrolment", "Allocation", "Follow-up", "Analysis"] {
            #expect(svg.contains(text), "missing \(text)")
        }
        // 1 + 1 + 3 branch arrows + 2 × 3 arrows between rows; the non-randomised arm's arrow is dashed.
        #expect(svg.components(separatedBy: "marker-end=").count - 1 == 11)
        #expect(svg.components(separatedBy: "stroke-dasharray=\"6 4\"").count - 1 == 1)
        // Wrapped lines never split a count.
        #expect(svg.contains("(n = 18)</text>"))
        #expect(!svg.contains("(n</text>") && !svg.contains("(n =</text>"))
        #if canImport(FoundationXML) || canImport(Darwin)
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        #endif
    }

    @Test("A single-arm evaluation draws one column headed Enrolled")
    func singleArm() throws {
        let records = SeedLog.records().filter { $0.allocatedArm == nil || $0.allocatedArm == "CFT" }
        let svg = ConsortDiagram.svg(try ConsortFlow.count(records))
        #expect(svg.contains("Enrolled (n = 19)"))
        #expect(svg.contains("Started CFT (n = 19)"))
        #expect(!svg.contains("Randomised"))
        #expect(svg.contains("single-arm evaluation"))
    }

    @Test("Attrition by arm: rates and Pearson χ² on the flow's table (scipy chi2_contingency)")
    func attrition() throws {
        let flow = try ConsortFlow.count(SeedLog.records(), nonRandomisedArms: ["waitlist"])
        let dropout = StudyAttrition.byArm(flow)
        #expect(dropout.arms.map(\.droppedOut) == [4, 1, 4])
        #expect(abs(dropout.arms[0].rate - 4.0 / 19.0) < 1e-15)
        #expect(abs(dropout.total.rate - 9.0 / 47.0) < 1e-15)
        let chi = try #require(dropout.chiSquare)
        // scipy 1.17.1: chi2_contingency([[4,15],[1,12],[4,11]], correction=False)
        #expect(abs(chi.statistic - 1.6941528359810907) < 1e-12)
        #expect(abs(chi.p - 0.4286663429643581) < 1e-12)
        #expect(chi.df == 2)
        // Expected counts below 5 (9 drop-outs over 3 arms), so the exact test runs too: 0.522106 (§11.1).
        let exact = try #require(dropout.exact)
        #expect(abs(exact.p - 0.522106) < 5e-7)
    }

    @Test("Funnel rates from the log, judged against criteria (statsmodels Wilson intervals)")
    func feasibility() throws {
        let funnel = StudyAttrition.funnel(SeedLog.records())
        #expect(funnel == FunnelCounts(approached: 103, agreed: 69, baseline: 47, completed: 38))
        let result = try StudyAttrition.feasibility(funnel, criteria: [
            FeasibilityCriterion(numerator: "agreed", denominator: "approached", threshold: 0.6),
            FeasibilityCriterion(numerator: "baseline", denominator: "agreed", threshold: 0.7),
            FeasibilityCriterion(numerator: "completed", denominator: "baseline", threshold: 0.5),
        ])
        let agreed = try #require(result.rates.first { $0.numerator == "agreed" })
        #expect(abs(agreed.interval.lower - 0.5744179163258331) < 1e-12 && abs(agreed.interval.upper - 0.7531702726255972) < 1e-12)
        #expect(agreed.met == true && agreed.metByLowerBound == false)
        let baseline = try #require(result.rates.first { $0.numerator == "baseline" && $0.denominator == "agreed" })
        #expect(abs(baseline.interval.lower - 0.5641587428411312) < 1e-12)
        #expect(baseline.met == false)
        let completed = try #require(result.rates.first { $0.numerator == "completed" })
        #expect(abs(completed.interval.lower - 0.6745599542033822) < 1e-12)
        #expect(completed.met == true && completed.metByLowerBound == true)
        let unjudged = try #require(result.rates.first { $0.numerator == "baseline" && $0.denominator == "approached" })
        #expect(unjudged.threshold == nil && abs(unjudged.interval.upper - 0.5523406536744683) < 1e-12)
    }

    @Test("A criterion naming an unknown stage is an error naming it")
    func unknownStage() {
        #expect(throws: InputError.self) {
            try StudyAttrition.feasibility(FunnelCounts(approached: 10), criteria: [FeasibilityCriterion(numerator: "consented", denominator: "approached", threshold: 0.5)])
        }
    }
}
