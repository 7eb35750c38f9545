import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Who reaches which participant page: a participant only their own home, programme and invitation; a
/// facilitator only their own groups; changed ids in a URL never show someone else's material; staff
/// reads of participants' records are in the audit trail.
@Suite("Participant pages: access")
struct ParticipantAccessTests {
    typealias F = ParticipantFixtures

    /// Two facilitators, each with a group and one participant who has joined.
    struct World {
        var facilitatorA: Browser
        var groupA: UUID
        var participantA: Browser
        var facilitatorB: Browser
        var groupB: UUID
        var participantB: Browser
        var memberB: UUID
    }

    static func world(_ app: Application) async throws -> World {
        let (facilitatorA, groupA, participantA, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-20T12:00:00Z")
        let userB = try await Fixtures.user(.facilitator, email: "other-facilitator@example.org", on: app)
        let facilitatorB = try await F.signIn(userB, on: app)
        let groupB = try await F.createGroup(facilitatorB, F.selfHelpGroup)
        let path = try await F.addAndInvite(facilitatorB, group: groupB, name: "Bea", code: "SH-002")
        let participantB = try await F.join(app, path, email: "bea@example.org", extra: ["weekday": "5", "timeZone": "Europe/London"])
        let memberB = try #require(try await RosterMemberModel.query(on: app.db).filter(\.$studyCode == "SH-002").first()?.id)
        return World(facilitatorA: facilitatorA, groupA: groupA, participantA: participantA, facilitatorB: facilitatorB,
                     groupB: groupB, participantB: participantB, memberB: memberB)
    }

    static func path(_ group: UUID) -> String { "/groups/" + group.uuidString.lowercased() }

    @Test("A participant sees only their own programme, whatever number or id they put in the URL")
    func participantOwnMaterialOnly() async throws {
        try await withTendApp { app in
            let w = try await Self.world(app)
            let selfHelp = try #require(ProgrammeLibrary.programme("self-compassion-four-week"))
            let group = try #require(ProgrammeLibrary.programme("compassionate-living-pain"))

            // The same URL shows each participant their own programme's module 1.
            let a1 = try await w.participantA.get("/my/sessions/1")
            let b1 = try await w.participantB.get("/my/sessions/1")
            #expect(a1.text.contains(try #require(group.sessionHTML[1])))
            #expect(!a1.text.contains(try #require(selfHelp.sessionHTML[1])))
            #expect(b1.text.contains(try #require(selfHelp.sessionHTML[1])))
            #expect(!b1.text.contains(try #require(group.sessionHTML[1])))

            // Another programme's handout is not found; B's home does not show A's group.
            #expect(try await w.participantA.get("/my/handouts/week-1-foundations").status == .notFound)
            #expect(try await w.participantB.get("/my/handouts/practice-log").status == .notFound)
            let homeB = try await w.participantB.get("/")
            #expect(!homeB.text.contains("meet.example.org"))
            #expect(!homeB.text.contains("Compassionate living with pain"))

            // Staff pages of either group, by id, are closed to participants.
            for browser in [w.participantA, w.participantB] {
                for group in [w.groupA, w.groupB] {
                    #expect(try await browser.get(Self.path(group)).status == .forbidden)
                    #expect(try await browser.get(Self.path(group) + "/sessions/1").status == .forbidden)
                    #expect(try await browser.get(Self.path(group) + "/handouts/practice-log").status == .forbidden)
                    #expect(try await browser.post(Self.path(group) + "/members/\(w.memberB.uuidString.lowercased())/invitation", [:])
                        .status == .forbidden)
                }
                #expect(try await browser.get("/groups").status == .forbidden)
            }
            #expect(try await RosterMemberModel.query(on: app.db).count() == 2)
            #expect(try await ParticipantInvitationModel.query(on: app.db).count() == 2, "no link issued by a participant")
        }
    }

    @Test("A facilitator reaches only their own groups' previews and members, even with another group's ids")
    func facilitatorOwnGroupsOnly() async throws {
        try await withTendApp { app in
            let w = try await Self.world(app)
            #expect(try await w.facilitatorA.get(Self.path(w.groupB) + "/sessions/1").status == .forbidden)
            #expect(try await w.facilitatorA.get(Self.path(w.groupB) + "/handouts/week-1-foundations").status == .forbidden)
            #expect(try await w.facilitatorA.post(Self.path(w.groupB) + "/members/\(w.memberB.uuidString.lowercased())/invitation", [:])
                .status == .forbidden)
            // Their own group id with a member of another group: not found, and nothing issued.
            let before = try await ParticipantInvitationModel.query(on: app.db).count()
            #expect(try await w.facilitatorA.post(Self.path(w.groupA) + "/members/\(w.memberB.uuidString.lowercased())/invitation", [:])
                .status == .notFound)
            #expect(try await w.facilitatorA.post(Self.path(w.groupA) + "/members/not-an-id/invitation", [:]).status == .notFound)
            #expect(try await ParticipantInvitationModel.query(on: app.db).count() == before)
            #expect(try await w.facilitatorB.get(Self.path(w.groupB) + "/sessions/1").status == .ok)
            // A facilitator is not a participant: the participant pages are closed to them.
            #expect(try await w.facilitatorA.get("/my/sessions/1").status == .forbidden)

            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            #expect(try await researcher.get(Self.path(w.groupA) + "/sessions/1").status == .forbidden)
            #expect(try await researcher.get("/my/sessions/1").status == .forbidden)

            let anonymous = Browser(app)
            #expect(try await anonymous.get("/my/sessions/1").location?.hasPrefix("/login") == true)
            #expect(try await anonymous.get(Self.path(w.groupA) + "/sessions/1").location?.hasPrefix("/login") == true)
        }
    }

    @Test("A participant's used invitation link shows nothing to anyone, including the participant")
    func invitationNotReusable() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let group = try await F.createGroup(facilitator, F.meetingGroup)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Sam", code: "PAIN-001")
            let sam = try await F.join(app, path, email: "sam@example.org")
            let page = try await sam.get(path)
            #expect(page.status == .gone)
            #expect(!page.text.contains("How the group works"))
        }
    }

    @Test("Opening a self-paced group's page audits a read of each member's record")
    func staffReadsAudited() async throws {
        try await withTendApp { app in
            let w = try await Self.world(app)
            func reads() async throws -> [AuditEventModel] {
                try await AuditEventModel.query(on: app.db).filter(\.$action == .participantRecordViewed).all()
            }
            let before = try await reads()
            let page = try await w.facilitatorB.get(Self.path(w.groupB))
            #expect(page.status == .ok)
            #expect(page.text.contains("Bea"))
            let after = try await reads()
            #expect(after.count == before.count + 1)
            #expect(after.filter { $0.subjectID == w.memberB }.count == before.filter { $0.subjectID == w.memberB }.count + 1)
            #expect(after.allSatisfy { $0.subjectKind == .rosterMember })
        }
    }
}
