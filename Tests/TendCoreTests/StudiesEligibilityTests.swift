import Testing
import TendCore

@Suite struct StudiesEligibilityTests {
    static let eligibility = Eligibility(
        questions: [
            EligibilityQuestion(id: "age", label: "Age in years", answer: .number(0...120)),
            EligibilityQuestion(id: "on-substitute", label: "Takes a prescribed substitute daily", answer: .yesNo),
            EligibilityQuestion(id: "medication", label: "Which substitute", answer: .choice(["methadone", "buprenorphine", "other"])),
            EligibilityQuestion(id: "neuro", label: "Learning disability or neurological condition", answer: .yesNo),
        ],
        rules: [
            EligibilityRule(id: "adult", kind: .inclusion, label: "aged 18 or over", question: "age", condition: .init(minimum: 18)),
            EligibilityRule(id: "on-substitute", kind: .inclusion, label: "on a daily substitute", question: "on-substitute", condition: .init(yes: true)),
            EligibilityRule(id: "substitute-type", kind: .inclusion, label: "methadone or buprenorphine", question: "medication",
                            condition: .init(anyOf: ["methadone", "buprenorphine"])),
            EligibilityRule(id: "neuro", kind: .exclusion, label: "learning or neurological condition", question: "neuro", condition: .init(yes: true)),
        ])

    @Test func someoneMeetingEveryRuleIsEligible() {
        let d = Self.eligibility.evaluate(["age": .number(18), "on-substitute": .yesNo(true), "medication": .choice("buprenorphine"), "neuro": .yesNo(false)])
        #expect(d.status == .eligible)
        #expect(d.failed.isEmpty && d.unanswered.isEmpty)
        #expect(d.reason == "eligible: every rule met")
    }

    @Test func everyFailedRuleIsNamedInOrder() {
        let d = Self.eligibility.evaluate(["age": .number(17), "on-substitute": .yesNo(true), "medication": .choice("other"), "neuro": .yesNo(true)])
        #expect(d.status == .ineligible)
        #expect(d.failed.map(\.rule) == ["adult", "substitute-type", "neuro"])
        #expect(d.failed.map(\.kind) == [.inclusion, .inclusion, .exclusion])
        #expect(d.reason == "ineligible: inclusion rule adult (aged 18 or over; answer 17) not met; "
                + "inclusion rule substitute-type (methadone or buprenorphine; answer other) not met; "
                + "exclusion rule neuro (learning or neurological condition; answer yes) applies")
    }

    @Test func missingOrMistypedAnswersLeaveTheDecisionIncomplete() {
        let d = Self.eligibility.evaluate(["age": .number(40), "on-substitute": .choice("yes"), "medication": .choice("methadone")])
        #expect(d.status == .incomplete)
        #expect(d.unanswered == ["on-substitute", "neuro"])
        // An out-of-range number never passes as an answer.
        let e = Self.eligibility.evaluate(["age": .number(400), "on-substitute": .yesNo(true), "medication": .choice("methadone"), "neuro": .yesNo(false)])
        #expect(e.status == .incomplete && e.unanswered == ["age"])
        // A failure outranks a missing answer.
        let f = Self.eligibility.evaluate(["age": .number(16)])
        #expect(f.status == .ineligible && f.failed.map(\.rule) == ["adult"])
    }

    @Test func numberBoundsAreInclusiveOnBothSides() {
        let e = Eligibility(questions: [EligibilityQuestion(id: "age", label: "Age", answer: .number(0...120))],
                            rules: [EligibilityRule(id: "age-band", kind: .inclusion, label: "18 to 65", question: "age", condition: .init(minimum: 18, maximum: 65))])
        #expect([17.9, 18, 65, 65.5].map { e.evaluate(["age": .number($0)]).status } == [.ineligible, .eligible, .eligible, .ineligible])
    }
}
