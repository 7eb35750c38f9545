import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

/// When a group's start date moves, the questionnaires of study participants in the group, and of those in
/// no group measured alongside it, are planned again: a window nobody touched moves, one already reminded
/// about or submitted stays; reminders not yet sent are planned again.
@Suite("Moving anchors")
struct AnchorMoveTests {
    typealias F = ParticipantFixtures
    typealias S = StudyFixtures

    struct Setting {
        var study: StudyModel
        var group: GroupModel
        var facilitator: UserModel
        /// A participant allocated to the arm with the group.
        var member: UserModel
        /// A participant allocated to the arm without one.
        var other: UserModel
    }

    /// The 24-week recovery trial, its group (first meeting Monday 16 March 2026, 18:30 London) chosen for
    /// the active arm, and four participants allocated on 5 March.
    static func setting(_ app: Application) async throws -> Setting {
        F.clock(app, at: "2026-03-05T10:00:00Z")
        let definition = try #require(StudyController.templates().first { $0.id == S.trial })
        let facilitator = try await Fixtures.user(.facilitator, email: "fac@example.org", name: "Fran", on: app)
        let programme = try #require(definition.arm("mindful-recovery")?.programme)
        let group = GroupModel(name: "Monday recovery group", programmeID: programme.id, versionID: programme.version,
                               plan: GroupPlan(startDate: LocalDate("2026-03-16")!, weekday: .monday, time: LocalTime("18:30")!,
                                               timeZone: TimeZone(identifier: "Europe/London")!),
                               callLink: "https://example.org/call", facilitatorID: try facilitator.requireID())
        try await group.create(on: app.db)
        let owner = try await Fixtures.user(.researcher, email: "owner@example.org", on: app)
        let study = try StudyModel(definition: definition, createdByID: try owner.requireID())
        study.status = .recruiting
        study.allocationSeed = "1234567890123"
        study.allocationMethod = AllocationSequence.methodVersion
        study.armGroups = ["mindful-recovery": try group.requireID()]
        try await study.create(on: app.db)
        var users: [UserModel] = []
        for number in 1...4 {
            let user = try await Fixtures.user(.participant, email: "p\(number)@example.org", name: "P\(number)", on: app)
            let row = StudyScreeningModel(studyID: try study.requireID(), number: number, approachedOn: LocalDate("2026-03-01")!)
            row.eligibility = .eligible
            row.agreed = true
            row.$user.id = try user.requireID()
            try await row.create(on: app.db)
            _ = try await StudyEnrolment.allocate(screening: row, study: study, definition: definition, by: nil, note: nil,
                                                  now: app.clock.now, on: app.db)
            users.append(user)
        }
        let allocations = try await StudyAllocationModel.query(on: app.db).with(\.$screening).all()
        func user(in arm: String) throws -> UserModel {
            let screening = try #require(allocations.first { $0.arm == arm }?.screening)
            return try #require(users.first { $0.id == screening.$user.id })
        }
        return Setting(study: study, group: group, facilitator: facilitator, member: try user(in: "mindful-recovery"),
                       other: try user(in: "recovery-support"))
    }

    static func row(_ user: UserModel, _ instrument: String, _ timepoint: String, on app: Application) async throws -> QuestionnaireAssignmentModel {
        try #require(try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == user.requireID())
            .filter(\.$instrumentID == instrument).filter(\.$timepointID == timepoint).first())
    }

    static func groupPath(_ group: GroupModel) -> String { "/groups/" + group.id!.uuidString.lowercased() }

    @Test("Moving a group's start two weeks later moves an untouched window; a reminded one and a submitted one stay as they were")
    func groupStartMoves() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            let member = setting.member
            // Before: baseline 9–16 March, week 12 due 8 June (5–11 June).
            #expect(try await Self.row(member, "craving", "week-12", on: app).dueOn == "2026-06-08")
            let reminded = try await Self.row(member, "craving", "baseline", on: app)
            #expect(reminded.dueOn == "2026-03-16")
            reminded.remindedAt = F.instant("2026-03-09T09:00:00Z")
            try await reminded.save(on: app.db)
            let submitted = try await Self.row(member, "gad7", "baseline", on: app)
            submitted.setAnswers(Array(repeating: 1, count: 7))
            submitted.submittedAt = F.instant("2026-03-10T09:00:00Z")
            submitted.status = MeasurementStatus.completedOnTime.rawValue
            try await submitted.save(on: app.db)
            let otherBefore = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == setting.other.requireID()).all()

            F.clock(app, at: "2026-03-12T10:00:00Z")
            let facilitator = try await F.signIn(setting.facilitator, on: app)
            let form = try await facilitator.get(Self.groupPath(setting.group) + "/start")
            #expect(form.status == .ok)
            #expect(form.text.contains("value=\"2026-03-16\""))
            let moved = try await facilitator.post(Self.groupPath(setting.group) + "/start", ["startDate": "2026-03-30"])
            #expect(moved.status == .seeOther)
            #expect(try await GroupModel.find(setting.group.id, on: app.db)?.startDate == "2026-03-30")

            let untouched = try await Self.row(member, "craving", "week-12", on: app)
            #expect(untouched.dueOn == "2026-06-22", "two weeks later")
            #expect(untouched.opensOn == "2026-06-19" && untouched.closesOn == "2026-06-25")
            #expect(try await Self.row(member, "gad7", "week-24", on: app).dueOn == "2026-09-14")
            let keptReminded = try await Self.row(member, "craving", "baseline", on: app)
            #expect(keptReminded.dueOn == "2026-03-16" && keptReminded.opensOn == "2026-03-09" && keptReminded.closesOn == "2026-03-16")
            let keptSubmitted = try await Self.row(member, "gad7", "baseline", on: app)
            #expect(keptSubmitted.dueOn == "2026-03-16")
            #expect(keptSubmitted.submittedAt == F.instant("2026-03-10T09:00:00Z"))
            #expect(keptSubmitted.answers(count: 7) == Array(repeating: 1, count: 7))
            // Someone in the other arm is in no group but measured alongside this one: their windows moved with it.
            let otherAfter = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == setting.other.requireID()).all()
            #expect(otherAfter.count == otherBefore.count)
            #expect(otherBefore.first { $0.key == untouched.key }?.dueOn == "2026-06-08")
            #expect(otherAfter.first { $0.key == untouched.key }?.dueOn == "2026-06-22", "the other arm is measured at the same times")
            let memberRows = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == member.requireID()).all()
            let keptByMember = [reminded.key, submitted.key]
            for row in otherAfter where !keptByMember.contains(row.key) {
                #expect(memberRows.first { $0.key == row.key }?.dueOn == row.dueOn, "\(row.key)")
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .groupStartMoved).count() == 1)
        }
    }

    @Test("A meeting reminder planned for the old first meeting is withdrawn when the start moves, and the new one is planned")
    func remindersReplanned() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            let id = try setting.member.requireID()
            try await ReminderPlanner.run(on: app.db, now: F.instant("2026-03-15T20:00:00Z"), baseURL: app.tend.baseURL)
            let before = try await NotificationModel.query(on: app.db).filter(\.$user.$id == id).all()
            #expect(before.contains { $0.dedupeKey.hasPrefix("meeting:") && $0.createdAt == F.instant("2026-03-16T17:30:00Z") },
                    "an hour before the first meeting")

            F.clock(app, at: "2026-03-15T20:00:00Z")
            let facilitator = try await F.signIn(setting.facilitator, on: app)
            try await facilitator.get(Self.groupPath(setting.group) + "/start")
            let moved = try await facilitator.post(Self.groupPath(setting.group) + "/start", ["startDate": "2026-03-17"])
            #expect(moved.status == .seeOther)
            let after = try await NotificationModel.query(on: app.db).filter(\.$user.$id == id).all()
            #expect(!after.contains { $0.createdAt == F.instant("2026-03-16T17:30:00Z") }, "the old meeting's reminder is gone")
            // The first Monday on or after 17 March is the 23rd: outside the planner's 36 hours, so nothing yet.
            #expect(!after.contains { $0.dedupeKey.hasPrefix("meeting:") })
            try await ReminderPlanner.run(on: app.db, now: F.instant("2026-03-22T20:00:00Z"), baseURL: app.tend.baseURL)
            let later = try await NotificationModel.query(on: app.db).filter(\.$user.$id == id).all()
            #expect(later.contains { $0.dedupeKey.hasPrefix("meeting:") && $0.createdAt == F.instant("2026-03-23T17:30:00Z") })
        }
    }

    @Test("A start date that is not a real date is refused, naming the field and keeping what was typed; other facilitators cannot move it")
    func badDateAndAccess() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            let facilitator = try await F.signIn(setting.facilitator, on: app)
            try await facilitator.get(Self.groupPath(setting.group) + "/start")
            let bad = try await facilitator.post(Self.groupPath(setting.group) + "/start", ["startDate": "2026-02-30"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Start date must be a real date written as year-month-day, like 2026-03-02"))
            #expect(bad.text.contains("href=\"#startDate\""))
            #expect(bad.text.contains("value=\"2026-02-30\""))
            let empty = try await facilitator.post(Self.groupPath(setting.group) + "/start", ["startDate": " "])
            #expect(empty.text.contains("Enter the date the group starts"))
            #expect(try await GroupModel.find(setting.group.id, on: app.db)?.startDate == "2026-03-16")
            let stranger = try await Fixtures.signedIn(.facilitator, on: app)
            #expect(try await stranger.get(Self.groupPath(setting.group) + "/start").status == .forbidden)
            #expect(try await stranger.post(Self.groupPath(setting.group) + "/start", ["startDate": "2026-04-01"]).status == .forbidden)
            #expect(try await GroupModel.find(setting.group.id, on: app.db)?.startDate == "2026-03-16")
        }
    }
}
