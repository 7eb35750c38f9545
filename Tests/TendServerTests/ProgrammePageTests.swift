import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Session, module and handout pages: open ones render their content with every exercise's script in
/// full, locked ones say when they open, handouts print cleanly, and staff can preview any page.
@Suite("Session, module and handout pages")
struct ProgrammePageTests {
    typealias F = ParticipantFixtures

    @Test("An open session renders its Markdown, each exercise's whole script and its handouts")
    func openSession() async throws {
        try await withTendApp { app in
            let (_, _, participant, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-11T12:00:00Z")
            let page = try await participant.get("/my/sessions/2")
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Session 2: The tricky brain</h1>"))
            #expect(page.text.contains("Your group met on Tuesday 10 March 2026 at 18:30 GMT."))
            #expect(!page.text.contains("Join the video call"), "no call link for a meeting that has ended")
            let programme = try #require(ProgrammeLibrary.programme("compassionate-living-pain")).programme
            let session = try #require(programme.session(number: 2))
            let renderer = try #require(ProgrammeLibrary.programme("compassionate-living-pain"))
            #expect(page.text.contains(try #require(renderer.sessionHTML[2])), "the body's Markdown is rendered")
            #expect(page.text.contains("<h2>"), "Markdown headings became HTML")
            let exercises = renderer.exercises(of: session)
            #expect(!exercises.isEmpty)
            for exercise in exercises {
                #expect(page.text.contains("id=\"exercise-\(exercise.id)\""))
                #expect(page.text.contains(try #require(renderer.scriptHTML[exercise.id])), "script of \(exercise.id) in full")
            }
            #expect(page.text.contains("You can stop this exercise at any time."))
            #expect(page.text.contains("href=\"/my/handouts/practice-log\""))
            #expect(page.text.contains("rel=\"prev\""))
            #expect(!page.text.contains("rel=\"next\""), "no link to a session that has not opened")
            #expect(!page.text.lowercased().contains("intervention"))
        }
    }

    @Test("A session still to come shows the call link")
    func upcomingMeetingLink() async throws {
        try await withTendApp { app in
            let (_, _, participant, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-03T18:31:00Z")
            let page = try await participant.get("/my/sessions/1")
            #expect(page.text.contains("Your group meets on Tuesday 3 March 2026 at 18:30 GMT."))
            #expect(page.text.contains("href=\"https://meet.example.org/room-7\""))
            try await F.travel(hand, to: "2026-03-03T20:01:00Z", participant)
            #expect(!(try await participant.get("/my/sessions/1")).text.contains("href=\"https://meet.example.org/room-7\""))
        }
    }

    @Test("A locked module is a friendly page that says when it opens; unknown numbers are not found")
    func lockedModule() async throws {
        try await withTendApp { app in
            let (_, _, participant, hand) = try await F.enrolled(
                app, group: F.selfHelpGroup, joinedAt: "2026-03-04T09:00:00Z", extra: ["weekday": "1", "timeZone": "Europe/London"])
            let locked = try await participant.get("/my/sessions/2")
            #expect(locked.status == .ok)
            #expect(locked.text.contains("Module 2: Building your compassionate self"))
            #expect(locked.text.contains("This is not open yet. It opens on Monday 16 March 2026."))
            let programme = try #require(ProgrammeLibrary.programme("self-compassion-four-week"))
            #expect(!locked.text.contains(try #require(programme.sessionHTML[2])), "no content of a locked module")

            let handout = try await participant.get("/my/handouts/week-2-compassionate-self")
            #expect(handout.status == .ok)
            #expect(handout.text.contains("This is not open yet. It opens on Monday 16 March 2026."))

            #expect(try await participant.get("/my/sessions/9").status == .notFound)
            #expect(try await participant.get("/my/sessions/x").status == .notFound)
            #expect(try await participant.get("/my/handouts/no-such-handout").status == .notFound)

            try await F.travel(hand, to: "2026-03-16T00:00:00Z", participant)
            let open = try await participant.get("/my/sessions/2")
            #expect(open.text.contains(try #require(programme.sessionHTML[2])))
            #expect(open.text.contains("Opened on Monday 16 March 2026."))
        }
    }

    @Test("A handout has its own page that prints without the menus")
    func printableHandout() async throws {
        try await withTendApp { app in
            let (_, _, participant, _) = try await F.enrolled(
                app, group: F.selfHelpGroup, joinedAt: "2026-03-04T09:00:00Z", extra: ["weekday": "1", "timeZone": "Europe/London"])
            let page = try await participant.get("/my/handouts/week-1-foundations")
            #expect(page.status == .ok)
            #expect(page.text.contains("<article class=\"handout content\">"))
            let programme = try #require(ProgrammeLibrary.programme("self-compassion-four-week"))
            #expect(page.text.contains(try #require(programme.handoutHTML["week-1-foundations"])))
            #expect(page.text.components(separatedBy: "<h1").count == 2, "exactly one top-level heading")
            #expect(page.text.contains("class=\"no-print\""))

            let css = try await participant.get("/tend.css")
            #expect(css.status == .ok)
            let print = try #require(css.text.range(of: "@media print")).upperBound
            let rules = css.text[print...]
            #expect(rules.contains(".site-header"))
            #expect(rules.contains(".site-footer"))
            #expect(rules.contains(".no-print"))
            #expect(rules.contains("display: none"))
            #expect(rules.contains("break-after: avoid"))
        }
    }

    @Test("The facilitator previews any session of the group's programme, open or not")
    func staffPreview() async throws {
        try await withTendApp { app in
            let (facilitator, group, _, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-01T10:00:00Z")
            let base = "/groups/" + group.uuidString.lowercased()
            let groupPage = try await facilitator.get(base)
            #expect(groupPage.text.contains("href=\"\(base)/sessions/10\""))
            let page = try await facilitator.get(base + "/sessions/10")
            #expect(page.status == .ok)
            #expect(page.text.contains("Preview: this is the page participants in Tuesday evening group see once it opens."))
            #expect(page.text.contains("Session 8: "))
            #expect(page.text.contains("rel=\"prev\""))
            let handout = try await facilitator.get(base + "/handouts/practice-log")
            #expect(handout.status == .ok)
            #expect(handout.text.contains("Practice log"))
            #expect(try await facilitator.get(base + "/sessions/5").status == .notFound, "not in the eight-session version")
            #expect(try await facilitator.get(base + "/handouts/week-1-foundations").status == .notFound, "another programme's handout")

            let admin = try await Fixtures.signedIn(.admin, on: app)
            #expect(try await admin.get(base + "/sessions/1").status == .ok)
        }
    }

    @Test("A recording uploaded for an exercise plays above its script on the session page")
    func recordingAboveScript() async throws {
        try await withTendApp { app in
            let (_, _, participant, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-11T12:00:00Z")
            let renderer = try #require(ProgrammeLibrary.programme("compassionate-living-pain"))
            let sessionTwo = try #require(renderer.programme.session(number: 2))
            let exercise = try #require(renderer.exercises(of: sessionTwo).first)
            let id = UUID()
            try await MediaItemModel(id: id, title: "Soothing rhythm, read slowly", format: .mp3, byteCount: 1000, sha256: String(repeating: "a", count: 64),
                                     storageKey: id.uuidString.lowercased() + ".mp3", programmeID: "compassionate-living-pain",
                                     exerciseID: exercise.id, transcript: nil, uploadedByID: nil).create(on: app.db)
            let page = try await participant.get("/my/sessions/2").text
            let section = try #require(page.range(of: "id=\"exercise-\(exercise.id)\""))
            let after = page[section.upperBound...]
            let player = try #require(after.range(of: "<audio"))
            let script = try #require(after.range(of: "The words of the exercise"))
            #expect(player.lowerBound < script.lowerBound, "the player comes before the script")
            #expect(after.contains("src=\"/media/\(id.uuidString.lowercased())/file\""))
            #expect(page.contains("Soothing rhythm, read slowly"))
            // Session 1's exercises have no recording: no player there.
            #expect(!(try await participant.get("/my/sessions/1").text.contains("<audio")))
        }
    }

    @Test("An open handout downloads as a PDF with its title; a locked one does not; staff preview it too")
    func handoutPDF() async throws {
        try await withTendApp { app in
            let (facilitator, group, participant, _) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-11T12:00:00Z")
            let page = try await participant.get("/my/handouts/practice-log")
            #expect(page.text.contains("href=\"/my/handouts/practice-log/pdf\""))
            let pdf = try await participant.get("/my/handouts/practice-log/pdf")
            #expect(pdf.status == .ok)
            #expect(pdf.headers.first(name: .contentType) == "application/pdf")
            #expect(pdf.headers.first(name: .contentDisposition) == "attachment; filename=\"compassionate-living-pain-practice-log.pdf\"")
            #expect(pdf.text.hasPrefix("%PDF-1.7"))
            #expect(pdf.text.hasSuffix("%%EOF\n"))
            let title = try #require(ProgrammeLibrary.programme("compassionate-living-pain")?.programme.handout("practice-log")?.title)
            #expect(pdf.text.contains("/Title (\(title))"))

            // A handout first given out in a session that has not met yet stays locked, as a PDF too.
            let renderer = try #require(ProgrammeLibrary.programme("compassionate-living-pain"))
            let later = try #require(renderer.programme.sessions.last?.handouts.first(where: { id in
                !renderer.programme.sessions.prefix(2).contains { $0.handouts.contains(id) }
            }))
            let locked = try await participant.get("/my/handouts/\(later)/pdf")
            #expect(locked.status == .ok)
            #expect(locked.text.contains("This is not open yet."))
            #expect(!locked.text.hasPrefix("%PDF"))

            let preview = try await facilitator.get("/groups/\(group.uuidString.lowercased())/handouts/\(later)/pdf")
            #expect(preview.status == .ok && preview.text.hasPrefix("%PDF-1.7"))
            #expect(try await participant.get("/groups/\(group.uuidString.lowercased())/handouts/\(later)/pdf").status == .forbidden)
        }
    }
}
