import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

/// A waitlist arm gets its follow-up and then the offer of the programme: on the participant's home with
/// accept and decline; accepting joins the study's waitlist group; staff who see arms see the answers.
@Suite("Waitlist offer")
struct WaitlistOfferTests {
    typealias F = ParticipantFixtures
    typealias S = StudyFixtures

    struct Setting {
        var study: StudyModel
        var definition: StudyDefinition
        var waitlistGroup: GroupModel
        /// Two participants allocated to the waitlist arm.
        var first: UserModel
        var second: UserModel
    }

    /// The three-arm feasibility trial with every arm allocated, six people consented and allocated on 5 March, the
    /// compassion arm's group chosen and a second compassion group (not yet chosen for the waitlist). The
    /// waitlisted participants' questionnaires: baseline 9–16 March, follow-up 6–13 April (UTC).
    static func setting(_ app: Application) async throws -> Setting {
        F.clock(app, at: "2026-03-05T10:00:00Z")
        var definition = try #require(StudyController.templates().first { $0.id == "ost-compassion-feasibility" })
        definition.arms = definition.arms.map { arm in var a = arm; a.allocated = true; return a }
        let facilitator = try await Fixtures.user(.facilitator, email: "fac@example.org", on: app)
        let programme = try #require(definition.arm("compassion")?.programme)
        func group(_ name: String, starts: String) async throws -> GroupModel {
            let group = GroupModel(name: name, programmeID: programme.id, versionID: programme.version,
                                   plan: GroupPlan(startDate: LocalDate(starts)!, weekday: .tuesday, time: LocalTime("18:30")!,
                                                   timeZone: TimeZone(identifier: "Europe/London")!),
                                   callLink: "https://example.org/call", facilitatorID: try facilitator.requireID())
            try await group.create(on: app.db)
            return group
        }
        let compassionGroup = try await group("Spring compassion course", starts: "2026-03-16")
        let waitlistGroup = try await group("Summer compassion course", starts: "2026-04-20")
        let owner = try await Fixtures.user(.researcher, email: "owner@example.org", on: app)
        let study = try StudyModel(definition: definition, createdByID: try owner.requireID())
        study.status = .recruiting
        study.allocationSeed = "1234567890123"
        study.allocationMethod = AllocationSequence.methodVersion
        study.armGroups = ["compassion": try compassionGroup.requireID()]
        try await study.create(on: app.db)
        let form = try #require(definition.consentForms.first)
        var waitlisted: [UserModel] = []
        for number in 1...6 {
            let user = try await Fixtures.user(.participant, email: "p\(number)@example.org", name: "P\(number)", on: app)
            let row = StudyScreeningModel(studyID: try study.requireID(), number: number, approachedOn: LocalDate("2026-03-01")!)
            row.eligibility = .eligible
            row.agreed = true
            row.strataJSON = #"{"medication":"methadone"}"#
            row.$user.id = try user.requireID()
            try await row.create(on: app.db)
            try await StudyConsentModel(studyID: try study.requireID(), screeningID: try row.requireID(), userID: try user.requireID(),
                                        version: form.version, items: form.items.map(\.id), signedAt: app.clock.now).create(on: app.db)
            let allocation = try await StudyEnrolment.allocate(screening: row, study: study, definition: definition, by: nil, note: nil,
                                                               now: app.clock.now, on: app.db)
            if allocation.arm == "waitlist" {
                waitlisted.append(user)
                try await QuestionnaireAssignments.plan(
                    for: try user.requireID(), study: try study.requireID(), definition: definition,
                    anchors: ParticipantAnchors(consent: LocalDate("2026-03-05")!, groupStart: LocalDate("2026-03-16")!,
                                                programmeEnd: LocalDate("2026-04-06")!),
                    timeZone: StudyDates.utc, on: app.db, now: app.clock.now)
            }
        }
        #expect(waitlisted.count == 2, "a complete block of six puts two on the waitlist")
        return Setting(study: study, definition: definition, waitlistGroup: waitlistGroup, first: waitlisted[0], second: waitlisted[1])
    }

    static func submitFollowUp(_ user: UserModel, at iso: String, on app: Application) async throws {
        let rows = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == user.requireID())
            .filter(\.$timepointID == "follow-up").all()
        #expect(rows.count == 3)
        for row in rows {
            row.submittedAt = F.instant(iso)
            row.status = MeasurementStatus.completedOnTime.rawValue
            try await row.save(on: app.db)
        }
    }

    static func offer(_ user: UserModel, on app: Application) async throws -> WaitlistOfferModel? {
        try await WaitlistOfferModel.query(on: app.db).filter(\.$user.$id == user.requireID()).first()
    }

    @Test("The offer comes once the last follow-up is submitted, or once its window has closed; not before")
    func offerTiming() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            let baseURL = app.tend.baseURL
            #expect(try await WaitlistOffers.sweep(now: F.instant("2026-04-07T09:00:00Z"), baseURL: baseURL, on: app.db) == 0)
            try await Self.submitFollowUp(setting.first, at: "2026-04-07T10:00:00Z", on: app)
            #expect(try await WaitlistOffers.sweep(now: F.instant("2026-04-07T11:00:00Z"), baseURL: baseURL, on: app.db) == 1)
            #expect(try await Self.offer(setting.first, on: app)?.offeredAt == F.instant("2026-04-07T11:00:00Z"))
            #expect(try await Self.offer(setting.second, on: app) == nil, "the second is still in their follow-up window")
            let note = try #require(try await NotificationModel.query(on: app.db).filter(\.$user.$id == setting.first.requireID())
                .filter(\.$dedupeKey =~ "waitlist-offer:").first())
            #expect(note.link == "/")

            // The second participant's home shows nothing on the last day of the window, and the offer the day after.
            F.clock(app, at: "2026-04-13T12:00:00Z")
            let second = try await F.signIn(setting.second, on: app)
            #expect(!(try await second.get("/")).text.contains("An offer for you"))
            F.clock(app, at: "2026-04-14T09:00:00Z")
            let later = try await F.signIn(setting.second, on: app)
            let home = try await later.get("/")
            #expect(home.text.contains("An offer for you"))
            #expect(home.text.contains("Thank you for answering the study"))
            #expect(!home.text.contains("Waiting list"), "the arm is never named")
            #expect(try await Self.offer(setting.second, on: app) != nil)
            #expect(try await WaitlistOffers.sweep(now: F.instant("2026-04-14T10:00:00Z"), baseURL: baseURL, on: app.db) == 0, "one offer each")
            #expect(try await WaitlistOfferModel.query(on: app.db).count() == 2)
        }
    }

    @Test("Accepting before a waitlist group is chosen is recorded and joins the group once staff choose it; staff see who accepted")
    func acceptThenGroupChosen() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            try await Self.submitFollowUp(setting.first, at: "2026-04-07T10:00:00Z", on: app)
            F.clock(app, at: "2026-04-08T09:00:00Z")
            let participant = try await F.signIn(setting.first, on: app)
            #expect((try await participant.get("/")).text.contains("Yes, I would like to take part"))
            let accepted = try await participant.post("/my/programme-offer", ["decision": "accept"])
            #expect(accepted.status == .seeOther)
            let offer = try #require(try await Self.offer(setting.first, on: app))
            #expect(offer.decision == .accepted && offer.decidedAt == F.instant("2026-04-08T09:00:00Z") && offer.groupID == nil)
            #expect((try await participant.get("/")).text.contains("The study team will add you to the next group"))

            let admin = try await Fixtures.signedIn(.admin, on: app)
            let studyPath = S.path(try setting.study.requireID())
            let list = try await admin.get(studyPath + "/waitlist")
            #expect(list.status == .ok)
            #expect(list.text.contains("Accepted; waiting for a group"))
            #expect(list.text.contains("No waitlist group is chosen yet"))
            let page = try await admin.get(studyPath)
            #expect(page.text.contains("Group for Waiting list (course offered after the last questionnaires) (after follow-up, if they accept the offer)"))
            let wrong = try await admin.post(studyPath + "/arm-groups", ["arm-waitlist": UUID().uuidString.lowercased()])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Choose a group running Brief compassion course&#39;s programme, or none"))
            let chosen = try await admin.post(studyPath + "/arm-groups", [
                "arm-compassion": try #require(setting.study.armGroups["compassion"]).uuidString.lowercased(),
                "arm-waitlist": try setting.waitlistGroup.requireID().uuidString.lowercased(),
            ])
            #expect(chosen.status == .seeOther)
            let enrolled = try #require(try await Self.offer(setting.first, on: app))
            #expect(enrolled.groupID == setting.waitlistGroup.id)
            #expect(enrolled.enrolledAt != nil)
            let member = try #require(try await RosterMemberModel.query(on: app.db).filter(\.$user.$id == setting.first.requireID()).first())
            #expect(member.$group.id == setting.waitlistGroup.id)
            let programme = try #require(GroupController.programme(setting.waitlistGroup.programmeID))
            let home = try await participant.get("/")
            #expect(home.text.contains(programme.title), "their home now shows the course")
            let after = try await admin.get(studyPath + "/waitlist")
            #expect(after.text.contains("Accepted; joined Summer compassion course"))
            #expect(after.text.contains("2026-04-08"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .waitlistOfferAccepted).count() == 1)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .waitlistOffersViewed).count() == 2)
        }
    }

    @Test("Accepting once the waitlist group is chosen joins it at once; declining is recorded; an answer cannot be given twice")
    func acceptAndDecline() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            setting.study.armGroups = ["waitlist": try setting.waitlistGroup.requireID()]
            try await setting.study.save(on: app.db)
            try await Self.submitFollowUp(setting.first, at: "2026-04-07T10:00:00Z", on: app)
            try await Self.submitFollowUp(setting.second, at: "2026-04-07T10:00:00Z", on: app)
            F.clock(app, at: "2026-04-08T09:00:00Z")
            let first = try await F.signIn(setting.first, on: app)
            try await first.get("/")
            #expect(try await first.post("/my/programme-offer", ["decision": "accept"]).status == .seeOther)
            #expect(try await Self.offer(setting.first, on: app)?.groupID == setting.waitlistGroup.id)
            let twice = try await first.post("/my/programme-offer", ["decision": "decline"])
            #expect(twice.status == .conflict)
            #expect(twice.text.contains("You have already answered this offer"))
            #expect(try await Self.offer(setting.first, on: app)?.decision == .accepted)

            let second = try await F.signIn(setting.second, on: app)
            try await second.get("/")
            let unknown = try await second.post("/my/programme-offer", ["decision": "maybe"])
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("Nothing has been saved"))
            #expect(try await Self.offer(setting.second, on: app)?.decision == nil)
            #expect(try await second.post("/my/programme-offer", ["decision": "decline"]).status == .seeOther)
            let declined = try #require(try await Self.offer(setting.second, on: app))
            #expect(declined.decision == .declined && declined.groupID == nil)
            #expect(try await RosterMemberModel.query(on: app.db).filter(\.$user.$id == setting.second.requireID()).count() == 0)
            #expect((try await second.get("/")).text.contains("You said no to the offer of the course on 8 April 2026"))
        }
    }

    @Test("Blinded staff never reach the waitlist offers; someone with no offer cannot answer one")
    func access() async throws {
        try await withTendApp { app in
            let setting = try await Self.setting(app)
            var definition = setting.definition
            definition.blindedRoles = [.outcomeAssessor]
            setting.study.definitionJSON = try StudyModel.encode(definition)
            try await setting.study.save(on: app.db)
            let assessorUser = try await Fixtures.user(.researcher, email: "assessor@example.org", on: app)
            try await StudyStaffModel(studyID: try setting.study.requireID(), userID: try assessorUser.requireID(), role: .outcomeAssessor)
                .create(on: app.db)
            let assessor = try await F.signIn(assessorUser, on: app)
            let studyPath = S.path(try setting.study.requireID())
            #expect(try await assessor.get(studyPath + "/waitlist").status == .forbidden)
            #expect(!(try await assessor.get(studyPath)).text.contains("Waitlist offers"))

            let participant = try await F.signIn(setting.first, on: app)
            try await participant.get("/")
            #expect(try await participant.post("/my/programme-offer", ["decision": "accept"]).status == .notFound)
            #expect(try await Self.offer(setting.first, on: app) == nil)
        }
    }
}
