import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// A small randomised study built straight into the database (screening log, consents, allocations,
/// submitted PHQ-9 scores), for the dashboard and outcome pages.
enum DashboardFixtures {
    static let template = "compassionate-mind-painkillers-trial"
    static let arms = ["compassionate-mind": "Compassionate mind training for pain and painkillers", "relaxing-music": "Relaxing music"]
    static let armOrder = ["Compassionate mind training for pain and painkillers", "Relaxing music"]

    /// One person in the log: how far they got, and their PHQ-9 scores.
    struct Person {
        var eligible: Bool
        var agreed: Bool?
        var consented: Bool
        var arm: String?
        var milestone: ScreeningStage?
        var baseline: Double?
        var post: Double?
    }

    /// Twelve people: two ineligible, one declined, one agreed and waiting, eight allocated four to each arm;
    /// of those, seven at baseline and five completed. S-0005 falls from 22 to 4 (a reliable improvement);
    /// S-0006 moves from 14 to 13 (no reliable change).
    static let people: [Person] = [
        Person(eligible: false, agreed: nil, consented: false, arm: nil, milestone: nil),
        Person(eligible: false, agreed: nil, consented: false, arm: nil, milestone: nil),
        Person(eligible: true, agreed: false, consented: false, arm: nil, milestone: nil),
        Person(eligible: true, agreed: true, consented: false, arm: nil, milestone: nil),
        Person(eligible: true, agreed: true, consented: true, arm: "compassionate-mind", milestone: .completed, baseline: 22, post: 4),
        Person(eligible: true, agreed: true, consented: true, arm: "relaxing-music", milestone: .completed, baseline: 14, post: 13),
        Person(eligible: true, agreed: true, consented: true, arm: "compassionate-mind", milestone: .completed, baseline: 18, post: 9),
        Person(eligible: true, agreed: true, consented: true, arm: "relaxing-music", milestone: .completed, baseline: 16, post: 17),
        Person(eligible: true, agreed: true, consented: true, arm: "compassionate-mind", milestone: .completed, baseline: 12, post: 6),
        Person(eligible: true, agreed: true, consented: true, arm: "relaxing-music", milestone: .baseline, baseline: 19, post: nil),
        Person(eligible: true, agreed: true, consented: true, arm: "compassionate-mind", milestone: .baseline, baseline: 10, post: nil),
        Person(eligible: true, agreed: true, consented: true, arm: "relaxing-music", milestone: nil),
    ]

    /// Creates the study through the pages (PHQ-9 at baseline and post, a feasibility criterion, outcome
    /// assessors blinded) and opens it; returns its id.
    static func study(_ staff: Browser, on app: Application) async throws -> UUID {
        let study = try await StudyFixtures.create(staff, template: template, title: "Painkillers trial", publicTitle: "Online course for living with pain")
        let edited = try await StudyFixtures.edit(staff, study, { d in
            d.schedule = [ScheduledMeasure(instrument: "phq9", timepoints: ["baseline", "post"])]
            d.feasibilityCriteria = [FeasibilityCriterion(numerator: "agreed", denominator: "approached", threshold: 0.6)]
            d.blindedRoles = [.outcomeAssessor]
        }, on: app)
        #expect(edited.status == .seeOther, "definition not saved: \(edited.status)")
        try await StudyFixtures.open(staff, study)
        return study
    }

    static func sheet(_ score: Double) -> QuestionnaireScoreSheet {
        QuestionnaireScoreSheet(scores: [.init(measure: "phq9.total", score: score, band: nil, proratedItems: [])], missing: [])
    }

    /// Stores a submitted PHQ-9 at `timepoint`.
    static func submit(_ user: UUID, study: UUID, timepoint: String, score: Double, at now: Date, on db: any Database) async throws {
        let row = QuestionnaireAssignmentModel()
        row.$user.id = user
        row.studyID = study
        row.instrumentID = "phq9"
        row.timepointID = timepoint
        row.timeZone = "UTC"
        row.opensOn = "2026-03-01"; row.dueOn = "2026-03-05"; row.closesOn = "2026-03-10"
        row.status = MeasurementStatus.completedOnTime.rawValue
        row.answersJSON = "[]"
        row.setScoreSheet(sheet(score))
        row.submittedAt = now
        row.createdAt = now
        row.updatedAt = now
        try await row.create(on: db)
    }

    /// Writes `people` into the study's log; returns each person's account id (allocated people only).
    @discardableResult
    static func populate(_ study: UUID, people: [Person] = people, on app: Application) async throws -> [String: UUID] {
        let db = app.db
        let now = Date(timeIntervalSince1970: 1_772_400_000)
        var users: [String: UUID] = [:]
        for (i, p) in people.enumerated() {
            let row = StudyScreeningModel(studyID: study, number: i + 1, approachedOn: LocalDate("2026-03-01")!)
            row.eligibility = p.eligible ? .eligible : .ineligible
            row.eligibilityReason = p.eligible ? "meets every criterion" : "under 18"
            row.agreed = p.agreed
            row.milestone = p.milestone
            var userID: UUID?
            if p.consented {
                let user = UserModel(email: "\(row.code.lowercased())@example.org", name: row.code, role: .participant, passwordHash: "x")
                try await user.create(on: db)
                userID = try user.requireID()
                row.$user.id = userID
                users[row.code] = userID
            }
            try await row.create(on: db)
            let screeningID = try row.requireID()
            if let userID {
                try await StudyConsentModel(studyID: study, screeningID: screeningID, userID: userID, version: "v1", items: ["a"], signedAt: now).create(on: db)
            }
            if let arm = p.arm {
                let allocation = StudyAllocationModel()
                allocation.$study.id = study
                allocation.$screening.id = screeningID
                allocation.stratum = "all"
                allocation.sequenceIndex = i
                allocation.arm = arm
                allocation.block = 0
                allocation.blockSize = 2
                allocation.allocatedAt = now
                allocation.offerAfterFollowUp = false
                try await allocation.create(on: db)
            }
            if let userID, let baseline = p.baseline { try await submit(userID, study: study, timepoint: "baseline", score: baseline, at: now, on: db) }
            if let userID, let post = p.post { try await submit(userID, study: study, timepoint: "post", score: post, at: now, on: db) }
        }
        return users
    }

    static func code(_ i: Int) -> String { StudyScreeningModel.code(i + 1) }

    /// The same log as CONSORT records, written out by hand.
    static func records(_ people: [Person] = people) -> [ScreeningRecord] {
        people.enumerated().map { i, p in
            ScreeningRecord(personCode: code(i), approachedOn: LocalDate("2026-03-01")!, eligible: p.eligible,
                            ineligibilityReasons: p.eligible ? [] : ["under 18"], agreed: p.agreed, consented: p.consented,
                            allocatedArm: p.arm.map { arms[$0]! }, receivedAllocatedIntervention: p.arm != nil,
                            attendedBaseline: p.milestone == .baseline || p.milestone == .completed, completedPost: p.milestone == .completed)
        }
    }

    /// The scores as the tidy CSV `tend analyse` reads, and its analysis run directly.
    static func expectedAnalysis(_ people: [Person] = people) throws -> OutcomeAnalysisResult {
        var csv = "participant,arm,timepoint,measure,score\n"
        for (i, p) in people.enumerated() {
            guard let arm = p.arm else { continue }
            if let b = p.baseline { csv += "\(code(i)),\(arms[arm]!),baseline,phq9.total,\(b)\n" }
            if let post = p.post { csv += "\(code(i)),\(arms[arm]!),post,phq9.total,\(post)\n" }
        }
        let table = try ScoreTable.parse(csv)
        var options = OutcomeAnalysisOptions()
        options.pre = "baseline"
        options.post = "post"
        let library = try QuestionnaireScoring.library()
        var defaults: [String: MeasureDefaults] = [:]
        for id in table.measures { defaults[id] = library.analysisDefaults(for: id) }
        return try OutcomeAnalysis.run(table: table, options: options, defaults: defaults)
    }
}

@Suite("Study dashboard")
struct StudyDashboardTests {
    @Test("The dashboard's flow, funnel, attrition and outcome report equal TendCore's on the same records")
    func dashboardNumbersEqualTendCore() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            try await DashboardFixtures.populate(study, on: app)
            let page = try await staff.get(StudyFixtures.path(study) + "/dashboard")
            #expect(page.status == .ok)
            let html = page.text

            let flow = try ConsortFlow.count(DashboardFixtures.records(), armOrder: DashboardFixtures.armOrder)
            #expect(flow.assessedForEligibility == 12 && flow.randomised == 8)
            #expect(html.contains(ConsortDiagram.svg(flow)))
            #expect(html.contains(Escape.text(ConsortDiagram.description(flow))))

            let attrition = StudyAttrition.byArm(flow)
            let chi = try #require(attrition.chiSquare)
            #expect(html.contains("Pearson χ²(1, N = 7) = \(String(format: "%.3f", chi.statistic))"))

            let funnel = StudyAttrition.funnel(DashboardFixtures.records())
            #expect(funnel == FunnelCounts(approached: 12, agreed: 9, baseline: 7, completed: 5))
            let feasibility = try StudyAttrition.feasibility(funnel, criteria: [FeasibilityCriterion(numerator: "agreed", denominator: "approached", threshold: 0.6)])
            let rate = try #require(feasibility.rates.first { $0.threshold != nil })
            #expect(rate.met == true && rate.metByLowerBound == false)
            // The rates' table names each row's step, not a second "Rate", and the page may use a wide screen.
            #expect(html.contains("<th scope=\"col\">Step</th><th scope=\"col\">Count</th><th scope=\"col\">Rate</th>"))
            #expect(html.contains("<body class=\"page--wide\">"))
            #expect(!(try await staff.get(StudyFixtures.path(study)).text.contains("page--wide")))
            #expect(html.contains("<td>9 of 12</td><td>75.0%</td><td>\(StudyDashboardPages.percent(rate.interval.lower)) to \(StudyDashboardPages.percent(rate.interval.upper))</td><td>At least 60.0%</td><td>Met</td><td>Not met</td>"))

            let expected = try DashboardFixtures.expectedAnalysis()
            #expect(html.contains(HTMLReport.embeddedSections(expected)))
            let rc = try #require(expected.measures.first?.reliableChange)
            #expect(rc.result.improved >= 1)
        }
    }

    @Test("A newly submitted score shows on the next view of the dashboard")
    func newSubmissionShowsAtOnce() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            let users = try await DashboardFixtures.populate(study, on: app)
            let before = try await staff.get(StudyFixtures.path(study) + "/dashboard")
            #expect(before.text.contains(HTMLReport.embeddedSections(try DashboardFixtures.expectedAnalysis())))
            // S-0010 (index 9) now completes post.
            var people = DashboardFixtures.people
            people[9].post = 5
            try await DashboardFixtures.submit(try #require(users["S-0010"]), study: study, timepoint: "post", score: 5,
                                               at: Date(timeIntervalSince1970: 1_772_500_000), on: app.db)
            let after = try await staff.get(StudyFixtures.path(study) + "/dashboard")
            #expect(after.text.contains(HTMLReport.embeddedSections(try DashboardFixtures.expectedAnalysis(people))))
        }
    }

    @Test("A re-scored or removed questionnaire shows on the next view, after the dashboard has read the study's scores")
    func rescoredAndRemovedScoresShow() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            let users = try await DashboardFixtures.populate(study, on: app)
            let first = try await staff.get(StudyFixtures.path(study) + "/dashboard")
            #expect(first.headers.first(name: "Server-Timing")?.contains("outcomes;dur=") == true)
            // S-0005 (index 4) has post 4: re-scored as 9, a minute after everything else was written.
            let code5 = try #require(users["S-0005"])
            let post = try #require(try await QuestionnaireAssignmentModel.query(on: app.db)
                .filter(\.$user.$id == code5).filter(\.$timepointID == "post").first())
            post.setScoreSheet(DashboardFixtures.sheet(9))
            post.updatedAt = Date(timeIntervalSince1970: 1_772_600_000)
            try await post.save(on: app.db)
            var people = DashboardFixtures.people
            people[4].post = 9
            let rescored = try await staff.get(StudyFixtures.path(study) + "/dashboard")
            #expect(rescored.text.contains(HTMLReport.embeddedSections(try DashboardFixtures.expectedAnalysis(people))))
            // Then the post questionnaire is removed: the study's scores are read again.
            try await post.delete(on: app.db)
            people[4].post = nil
            let removed = try await staff.get(StudyFixtures.path(study) + "/dashboard")
            #expect(removed.text.contains(HTMLReport.embeddedSections(try DashboardFixtures.expectedAnalysis(people))))
        }
    }

    @Test("The outcomes page shows a reliable improvement once the post score crossed the RCI, and no change where it did not")
    func outcomesShowReliableImprovement() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            try await DashboardFixtures.populate(study, on: app)
            let expected = try DashboardFixtures.expectedAnalysis()
            let rows = try #require(expected.measures.first?.participants)
            #expect(rows.first { $0.participant == "S-0005" }?.reliableChange == .improved)
            #expect(rows.first { $0.participant == "S-0006" }?.reliableChange == .unchanged)

            let improved = try await staff.get(StudyFixtures.person(study, "S-0005") + "/outcomes")
            #expect(improved.status == .ok)
            #expect(improved.text.contains("<strong>Reliable improvement</strong>"))
            #expect(improved.text.contains("22.00 to 4.00 (-18.00)"))
            let unchanged = try await staff.get(StudyFixtures.person(study, "S-0006") + "/outcomes")
            #expect(unchanged.text.contains("<strong>No reliable change</strong>"))
            // Baseline only: scores shown, change waits for the post score.
            let waiting = try await staff.get(StudyFixtures.person(study, "S-0011") + "/outcomes")
            #expect(waiting.text.contains("Reliable change is worked out once a post score exists."))
            #expect(!waiting.text.contains("Reliable improvement"))
            // The read is audited.
            let audited = try await AuditEventModel.query(on: app.db).filter(\.$action == .studyRecordViewed).count()
            #expect(audited >= 3)
            // Linked from the person record and the study page.
            let record = try await staff.get(StudyFixtures.person(study, "S-0005"))
            #expect(record.text.contains(StudyFixtures.person(study, "S-0005") + "/outcomes"))
            let studyPage = try await staff.get(StudyFixtures.path(study))
            #expect(studyPage.text.contains(StudyFixtures.path(study) + "/dashboard"))
        }
    }

    @Test("Blinded staff see neither page, and nothing on them names an arm or a score")
    func blindedStaffSeeNoArms() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            try await DashboardFixtures.populate(study, on: app)
            let assessor = try await Fixtures.user(.researcher, email: "assessor@example.org", on: app)
            try await StudyFixtures.addStaff(staff, study, assessor, role: .outcomeAssessor)
            let blinded = Browser(app)
            try await blinded.get("/login")
            _ = try await blinded.post("/login", ["email": "assessor@example.org", "password": Fixtures.password])

            let studyPage = try await blinded.get(StudyFixtures.path(study))
            #expect(studyPage.status == .ok)
            #expect(!studyPage.text.contains("/dashboard"))
            for path in [StudyFixtures.path(study) + "/dashboard", StudyFixtures.person(study, "S-0005") + "/outcomes"] {
                let page = try await blinded.get(path)
                #expect(page.status == .forbidden, "\(path): \(page.status)")
                #expect(page.text.contains("blinded"))
                for arm in DashboardFixtures.arms.values { #expect(!page.text.contains(arm), "\(path) names \(arm)") }
                #expect(!page.text.contains("Reliable improvement") && !page.text.contains("22.00"))
            }
        }
    }

    @Test("A researcher of another study gets 404 on both pages")
    func otherStudysResearcherGetsNotFound() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            try await DashboardFixtures.populate(study, on: app)
            let other = Browser(app)
            let user = try await Fixtures.user(.researcher, email: "other@example.org", on: app)
            try await other.get("/login")
            _ = try await other.post("/login", ["email": user.email, "password": Fixtures.password])
            _ = try await StudyFixtures.create(other, template: DashboardFixtures.template, title: "Their own study", publicTitle: "Another course")
            for path in [StudyFixtures.path(study) + "/dashboard", StudyFixtures.person(study, "S-0005") + "/outcomes"] {
                let page = try await other.get(path)
                #expect(page.status == .notFound, "\(path): \(page.status)")
                #expect(!page.text.contains("Relaxing music"))
            }
        }
    }

    @Test("Attendance per session and practice since allocation are shown by arm, from the arm's group register and the practice log")
    func attendanceAndPracticeByArm() async throws {
        try await withTendApp { app in
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await DashboardFixtures.study(staff, on: app)
            let users = try await DashboardFixtures.populate(study, on: app)
            let facilitator = try await Fixtures.user(.facilitator, on: app)
            let group = GroupModel()
            group.name = "Compassionate mind, spring"
            group.programmeID = "compassionate-mind-pain-online"
            group.versionID = "three-week"
            group.startDate = "2026-03-02"; group.weekday = 1; group.startTime = "18:00"; group.timeZone = "UTC"
            group.callLink = "https://meet.example.org/a"
            group.$facilitator.id = try facilitator.requireID()
            try await group.create(on: app.db)
            let groupID = try group.requireID()
            let model = try #require(try await StudyModel.find(study, on: app.db))
            model.armGroups = ["compassionate-mind": groupID]
            try await model.save(on: app.db)
            // Compassionate mind: S-0005 and S-0007 attended session 1, S-0009 missed it; S-0011 has no mark.
            for (code, mark) in [("S-0005", AttendanceMark.attended), ("S-0007", .attended), ("S-0009", .missed), ("S-0011", nil)] {
                let member = RosterMemberModel(displayName: code, studyCode: code, groupID: groupID)
                member.$user.id = users[code]
                try await member.create(on: app.db)
                if let mark {
                    try await AttendanceMarkModel(groupID: groupID, memberID: try member.requireID(), sessionPosition: 1, mark: mark,
                                                  recordedByID: try facilitator.requireID()).create(on: app.db)
                }
            }
            // S-0005 practised 10 and 20 minutes on two days after allocation (1 March), and once before it.
            for (date, minutes) in [("2026-03-02", 10), ("2026-03-03", 20), ("2026-02-01", 5)] {
                try await PracticeEntryModel(userID: try #require(users["S-0005"]), entry: PracticeEntry(date: LocalDate(date)!, minutes: minutes)).create(on: app.db)
            }
            let html = try await staff.get(StudyFixtures.path(study) + "/dashboard").text
            #expect(html.contains("Compassionate mind training for pain and painkillers (4 allocated)"))
            #expect(html.contains("<th scope=\"row\">Session 1</th><td>2</td><td>1</td><td>0</td><td>1</td><td>50.0%</td>"))
            // Minutes 30, 0, 0, 0: mean 7.5 (SD 15.0), median 0; days 2, 0, 0, 0: mean 0.5 (SD 1.0).
            #expect(html.contains("<th scope=\"row\">Compassionate mind training for pain and painkillers</th><td>4</td><td>1</td><td>7.5 (15.0)</td><td>0.0</td><td>0.5 (1.0)</td><td>0.0</td>"))
            #expect(html.contains("<th scope=\"row\">Relaxing music</th><td>4</td><td>0</td><td>0.0 (0.0)</td><td>0.0</td><td>0.0 (0.0)</td><td>0.0</td>"))
        }
    }
}
