import Foundation
import Testing
import TendCore

@Suite struct StudiesMeasurementScheduleTests {
    static func date(_ s: String) -> LocalDate { LocalDate(s)! }

    static let study = StudyDefinition(
        id: "s", title: "S", publicTitle: "P", design: .singleArm,
        arms: [StudyArm(id: "a", name: "A", role: .active, programme: ProgrammeReference(id: "p", version: "v"))],
        timepoints: [
            Timepoint(id: "baseline", kind: .baseline, anchor: .consent, daysBefore: 0, daysAfter: 7),
            Timepoint(id: "after-2", kind: .afterSession, session: 2, anchor: .session, daysBefore: 0, daysAfter: 2),
            Timepoint(id: "post", kind: .post, anchor: .programmeEnd, daysBefore: 3, daysAfter: 14),
            Timepoint(id: "week-12", kind: .followUp, weeks: 12, anchor: .groupStart, daysBefore: 3, daysAfter: 3),
        ],
        schedule: [ScheduledMeasure(instrument: "dass21", timepoints: ["baseline", "post", "week-12"]),
                   ScheduledMeasure(instrument: "craving", timepoints: ["after-2"])])

    static let anchors = ParticipantAnchors(consent: date("2026-02-24"), groupStart: date("2026-03-02"),
                                            sessionDates: [1: date("2026-03-02"), 2: date("2026-03-09")], programmeEnd: date("2026-03-16"))

    static func key(_ m: String, _ t: String) -> MeasurementKey { MeasurementKey(measure: m, timepoint: t) }

    /// By hand: 2026-03-02 + 84 days = 2026-05-25 (29 days to 31 March, 30 in April, 25 in May).
    @Test func windowsFollowTheirAnchors() {
        let plan = MeasurementPlan.plan(for: Self.study, anchors: Self.anchors)
        #expect(plan.unplaced.isEmpty)
        #expect(plan.windows == [
            MeasurementWindow(key: Self.key("dass21", "baseline"), opens: Self.date("2026-02-24"), due: Self.date("2026-02-24"), closes: Self.date("2026-03-03")),
            MeasurementWindow(key: Self.key("dass21", "post"), opens: Self.date("2026-03-13"), due: Self.date("2026-03-16"), closes: Self.date("2026-03-30")),
            MeasurementWindow(key: Self.key("dass21", "week-12"), opens: Self.date("2026-05-22"), due: Self.date("2026-05-25"), closes: Self.date("2026-05-28")),
            MeasurementWindow(key: Self.key("craving", "after-2"), opens: Self.date("2026-03-09"), due: Self.date("2026-03-09"), closes: Self.date("2026-03-11")),
        ])
    }

    @Test func measurementsWithoutAnAnchorAreKeptAsUnplaced() {
        var anchors = Self.anchors
        anchors.programmeEnd = nil
        anchors.sessionDates = [1: Self.date("2026-03-02")]
        let plan = MeasurementPlan.plan(for: Self.study, anchors: anchors)
        #expect(plan.windows.map(\.key) == [Self.key("dass21", "baseline"), Self.key("dass21", "week-12")])
        #expect(plan.unplaced == [Self.key("dass21", "post"), Self.key("craving", "after-2")])
    }

    @Test func statusesOnAGivenDay() {
        let plan = MeasurementPlan.plan(for: Self.study, anchors: Self.anchors)
        let completions = [
            MeasurementCompletion(key: Self.key("dass21", "baseline"), completedOn: Self.date("2026-03-03")),  // last day: on time
            MeasurementCompletion(key: Self.key("craving", "after-2"), completedOn: Self.date("2026-03-12")),  // a day late
            MeasurementCompletion(key: Self.key("phq9", "baseline"), completedOn: Self.date("2026-03-01")),    // not in the plan
        ]
        let report = plan.statuses(completions: completions, today: Self.date("2026-03-31"))
        #expect(report.status(Self.key("dass21", "baseline")) == .completedOnTime)
        #expect(report.status(Self.key("craving", "after-2")) == .completedLate)
        #expect(report.status(Self.key("dass21", "post")) == .missed)      // closed 30 March
        #expect(report.status(Self.key("dass21", "week-12")) == .upcoming)
        #expect(report.unmatched == [completions[2]])
        let onLastDay = plan.statuses(completions: [], today: Self.date("2026-03-30"))
        #expect(onLastDay.status(Self.key("dass21", "post")) == .due)
        #expect(onLastDay.status(Self.key("dass21", "baseline")) == .missed)
        let early = plan.statuses(completions: [MeasurementCompletion(key: Self.key("dass21", "post"), completedOn: Self.date("2026-03-12"))], today: Self.date("2026-03-12"))
        #expect(early.status(Self.key("dass21", "post")) == .completedEarly)
    }

    /// 23:30 UTC on 2026-03-28 is 10:30 on the 29th in Sydney (UTC+11 until 5 April): the participant's day counts.
    @Test func completionInstantsAreDatedInTheParticipantsZone() {
        let instant = Date(timeIntervalSince1970: TimeInterval(LocalDate("2026-03-28")!.daysSinceEpoch * 86_400 + 23 * 3600 + 1800))
        let c = MeasurementCompletion(key: Self.key("m", "t"), at: instant, in: TimeZone(identifier: "Australia/Sydney")!)
        #expect(c.completedOn == Self.date("2026-03-29"))
        let london = MeasurementCompletion(key: Self.key("m", "t"), at: instant, in: TimeZone(identifier: "Europe/London")!)
        #expect(london.completedOn == Self.date("2026-03-28"))
    }

    @Test func reconcileKeepsSentWindowsAndRecomputesTheRest() {
        let old = MeasurementPlan.plan(for: Self.study, anchors: Self.anchors)
        var moved = Self.anchors
        moved.groupStart = Self.date("2026-03-09")   // the group starts a week late
        moved.programmeEnd = Self.date("2026-03-23")
        let new = MeasurementPlan.plan(for: Self.study, anchors: moved)
        // The post questionnaire was already sent: it keeps its old window; week-12 moves a week.
        let result = MeasurementPlan.reconcile(old: old, new: new, sentOrAnswered: [Self.key("dass21", "baseline"), Self.key("dass21", "post")])
        #expect(result.plan.window(Self.key("dass21", "post")) == old.window(Self.key("dass21", "post")))
        #expect(result.plan.window(Self.key("dass21", "post"))?.due == Self.date("2026-03-16"))
        #expect(result.plan.window(Self.key("dass21", "week-12"))?.due == Self.date("2026-06-01"))
        #expect(result.kept == [Self.key("dass21", "baseline"), Self.key("dass21", "post")])
        #expect(result.recomputed == [Self.key("dass21", "week-12")])
        // Nothing sent: everything follows the new anchors.
        let free = MeasurementPlan.reconcile(old: old, new: new, sentOrAnswered: [])
        #expect(free.plan == new)
        #expect(free.kept.isEmpty)
    }

    @Test func reconcileNeverDropsAnAnsweredWindowTheNewPlanLacks() {
        let old = MeasurementPlan.plan(for: Self.study, anchors: Self.anchors)
        var lost = Self.anchors
        lost.sessionDates = [:]   // session dates cleared, so after-2 cannot be placed any more
        let new = MeasurementPlan.plan(for: Self.study, anchors: lost)
        #expect(new.unplaced == [Self.key("craving", "after-2")])
        let result = MeasurementPlan.reconcile(old: old, new: new, sentOrAnswered: [Self.key("craving", "after-2")])
        #expect(result.plan.window(Self.key("craving", "after-2"))?.due == Self.date("2026-03-09"))
        #expect(result.plan.unplaced.isEmpty)
    }
}
