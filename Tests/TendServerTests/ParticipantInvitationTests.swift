import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Inviting a roster member by a single-use link that expires: issuing it on the group page, accepting it
/// (with the programme's neutral welcome), and the pages for links that are used, expired or replaced.
@Suite("Participant invitations")
struct ParticipantInvitationTests {
    typealias F = ParticipantFixtures

    @Test("The invitee sees the neutral welcome, creates an account linked to their roster entry and is signed in")
    func acceptLinksAccount() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let group = try await F.createGroup(facilitator, F.meetingGroup)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Sam", code: "PAIN-001")
            #expect(path.count > "/join/".count + 40)

            let invitee = Browser(app)
            let page = try await invitee.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("Welcome, Sam"))
            #expect(page.text.contains("Compassionate living with pain"))
            #expect(page.text.contains("How the group works"), "the programme's welcome is shown")
            #expect(page.text.contains("Your group meets on Tuesdays at 18:30"))
            #expect(!page.text.lowercased().contains("intervention"))
            #expect(!page.text.lowercased().contains("control"))
            #expect(!page.text.contains("name=\"weekday\""), "a group that meets asks no weekday")

            let response = try await invitee.post(path, ["email": " Sam@Example.org ", "password": F.password, "confirm": F.password])
            #expect(response.status == .seeOther)
            #expect(response.location == "/")
            let home = try await invitee.get("/")
            #expect(home.text.contains("Hello, Sam"))

            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first())
            #expect(user.role == .participant)
            let member = try #require(try await RosterMemberModel.query(on: app.db).filter(\.$studyCode == "PAIN-001").first())
            #expect(member.$user.id == user.id)
            #expect(member.joinedAt == F.instant("2026-03-01T10:00:00Z"))
            #expect(member.memberPlan == nil, "members of a group that meets follow the group's plan")
            let invitation = try #require(try await ParticipantInvitationModel.query(on: app.db).first())
            #expect(invitation.acceptedAt != nil)
            #expect(invitation.tokenHash == SecretToken.digest(String(path.dropFirst("/join/".count))), "only the digest is stored")
            #expect(invitation.expiresAt == F.instant("2026-03-08T10:00:00Z"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .participantInvited).count() == 1)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .participantJoined).count() == 1)

            // The group page now says they joined and offers no new invitation, only a password reset link.
            let groupPage = try await facilitator.get("/groups/" + group.uuidString.lowercased())
            #expect(groupPage.text.contains("Joined 1 Mar 2026, 10:00 UTC"))
            #expect(!groupPage.text.contains("invitation link<span class=\"visually-hidden\"> for Sam</span>"))
            #expect(!groupPage.text.contains("Create a new link<span class=\"visually-hidden\"> for Sam</span>"))
            #expect(groupPage.text.contains("Create password reset link<span class=\"visually-hidden\"> for Sam</span>"))
        }
    }

    @Test("A used link answers 410 with its own page, and creates nobody")
    func usedLink() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let group = try await F.createGroup(facilitator, F.meetingGroup)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Sam", code: "PAIN-001")
            _ = try await F.join(app, path, email: "sam@example.org")

            let other = Browser(app)
            try await other.get("/login")  // a session with a CSRF token, so the refusal below is the link's
            let again = try await other.get(path)
            #expect(again.status == .gone)
            #expect(again.text.contains("This invitation has already been used"))
            let post = try await other.post(path, ["email": "someone@example.org", "password": F.password, "confirm": F.password])
            #expect(post.status == .gone)
            #expect(try await UserModel.query(on: app.db).filter(\.$role == .participant).count() == 1)

            // A facilitator cannot issue a new link for someone who has joined.
            let member = try #require(try await RosterMemberModel.query(on: app.db).first())
            let reissue = try await facilitator.post(
                "/groups/\(group.uuidString.lowercased())/members/\(member.id!.uuidString.lowercased())/invitation", [:])
            #expect(reissue.status == .conflict)
            #expect(reissue.text.contains("Sam already has an account"))
        }
    }

    @Test("A link expires after 7 days: 410 with a page that says so")
    func expiredLink() async throws {
        try await withTendApp { app in
            let hand = F.clock(app, at: "2026-03-01T10:00:00Z")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let group = try await F.createGroup(facilitator, F.meetingGroup)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Sam", code: "PAIN-001")

            try await F.travel(hand, to: "2026-03-08T09:59:00Z", facilitator)
            let invitee = Browser(app)
            #expect(try await invitee.get(path).status == .ok, "still open a minute before")

            try await F.travel(hand, to: "2026-03-08T10:00:00Z", facilitator)
            let page = try await invitee.get(path)
            #expect(page.status == .gone)
            #expect(page.text.contains("This invitation has expired"))
            let post = try await invitee.post(path, ["email": "sam@example.org", "password": F.password, "confirm": F.password])
            #expect(post.status == .gone)
            #expect(try await UserModel.query(on: app.db).filter(\.$role == .participant).count() == 0)

            let groupPage = try await facilitator.get("/groups/" + group.uuidString.lowercased())
            #expect(groupPage.text.contains("Invitation link expired"))
            #expect(groupPage.text.contains("Create a new link"))
        }
    }

    @Test("Issuing a new link revokes the earlier one, which then has its own page")
    func reissueRevokes() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let group = try await F.createGroup(facilitator, F.meetingGroup)
            let first = try await F.addAndInvite(facilitator, group: group, name: "Sam", code: "PAIN-001")
            let member = try #require(try await RosterMemberModel.query(on: app.db).first())
            let issuePath = "/groups/\(group.uuidString.lowercased())/members/\(member.id!.uuidString.lowercased())/invitation"
            let reissued = try await facilitator.post(issuePath, [:])
            #expect(reissued.status == .created)
            let second = try F.joinPath(in: reissued.text)
            #expect(second != first)

            let old = try await Browser(app).get(first)
            #expect(old.status == .gone)
            #expect(old.text.contains("This invitation link has been replaced"))
            let invitations = try await ParticipantInvitationModel.query(on: app.db).sort(\.$createdAt).all()
            #expect(invitations.count == 2)
            #expect(invitations.filter { $0.revokedAt != nil }.count == 1)

            _ = try await F.join(app, second, email: "sam@example.org")
            #expect(try await RosterMemberModel.find(member.id, on: app.db)?.$user.id != nil)
        }
    }

    @Test("An unknown link answers 404 with its own page")
    func unknownLink() async throws {
        try await withTendApp { app in
            let page = try await Browser(app).get("/join/" + SecretToken.generate())
            #expect(page.status == .notFound)
            #expect(page.text.contains("Invitation not found"))
        }
    }

    @Test("Errors name each field and keep what was typed, never the password")
    func validationKeepsInput() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-04T09:00:00Z")
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let group = try await F.createGroup(facilitator, F.selfHelpGroup)
            let path = try await F.addAndInvite(facilitator, group: group, name: "Ana", code: "SH-001")
            let invitee = Browser(app)
            let page = try await invitee.get(path)
            #expect(page.text.contains("Which day would you like each new module to open?"))
            #expect(page.text.contains("value=\"Europe/London\""), "the group's zone is offered")

            let bad = try await invitee.post(path, ["email": "ana@example", "password": "short-pw1", "confirm": "short-pw1",
                                                    "timeZone": "Mars/Olympus"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Enter an e-mail address in the right format"))
            #expect(bad.text.contains("Your password must be at least 10 characters"))
            #expect(bad.text.contains("Choose the day you would like each new module to open"))
            #expect(bad.text.contains("Time zone must be a place name from the time zone database"))
            #expect(bad.text.contains("value=\"ana@example\""))
            #expect(bad.text.contains("value=\"Mars/Olympus\""))
            #expect(!bad.text.contains("short-pw1"), "the password is never sent back")

            let mismatch = try await invitee.post(path, ["email": "ana@example.org", "password": F.password,
                                                         "confirm": "something else entirely", "weekday": "3", "timeZone": "Europe/Paris"])
            #expect(mismatch.status == .unprocessableEntity)
            #expect(mismatch.text.contains("The two passwords are different"))
            #expect(mismatch.text.contains("value=\"3\" checked=\"checked\""), "the chosen weekday is kept")
            #expect(mismatch.text.contains("value=\"Europe/Paris\""))
            #expect(!mismatch.text.contains(F.password))

            _ = try await Fixtures.user(.facilitator, email: "taken@example.org", on: app)
            let taken = try await invitee.post(path, ["email": "taken@example.org", "password": F.password, "confirm": F.password,
                                                      "weekday": "3", "timeZone": "Europe/Paris"])
            #expect(taken.status == .unprocessableEntity)
            #expect(taken.text.contains("There is already an account with this e-mail address"))
            #expect(try await UserModel.query(on: app.db).filter(\.$role == .participant).count() == 0)
            #expect(try await Browser(app).get(path).status == .ok, "a failed attempt does not use the link")
        }
    }

    @Test("A self-paced participant's weekday and zone are kept on their roster entry and set their release dates")
    func selfPacedWeekdayChoice() async throws {
        try await withTendApp { app in
            // Wednesday 4 March 2026, 03:00 UTC: still Tuesday 3 March in New York.
            let (facilitator, group, participant, _) = try await F.enrolled(
                app, group: F.selfHelpGroup, joinedAt: "2026-03-04T03:00:00Z",
                extra: ["weekday": "5", "timeZone": "America/New_York"])
            let member = try #require(try await RosterMemberModel.query(on: app.db).first())
            #expect(member.planWeekday == 5)
            #expect(member.planTimeZone == "America/New_York")
            #expect(member.planStartDate == "2026-03-03", "enrolment is today in their own zone")
            #expect(member.planFirstModule == "on-enrolment")

            let home = try await participant.get("/")
            #expect(home.text.contains("Module 1: Foundations of self-compassion"))
            // The second module opens on the first Friday at least a week after enrolment.
            #expect(home.text.contains("Module 2: Building your compassionate self opens on Friday 13 March 2026."))

            let groupPage = try await facilitator.get("/groups/" + group.uuidString.lowercased())
            #expect(groupPage.text.contains("From 2026-03-03, new modules on Fridays (America/New_York time)"))
        }
    }

    @Test("Nobody joins a self-paced cohort before it opens: their plan starts on the opening day")
    func planNotBeforeOpening() async throws {
        try await withTendApp { app in
            _ = try await F.enrolled(app, group: F.dailyGroup, joinedAt: "2026-02-20T12:00:00Z",
                                     extra: ["timeZone": "Europe/London", "weekday": "4"])
            let member = try #require(try await RosterMemberModel.query(on: app.db).first())
            #expect(member.planStartDate == "2026-03-02")
            #expect(member.planWeekday == nil, "daily practice has no release weekday")
        }
    }
}
