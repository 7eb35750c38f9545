import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// A participant's home at fixed instants: this week's session or module, what is open, what comes next
/// and when (in their zone), the next meeting and its link for a group, and everything earlier.
@Suite("Participant home")
struct ParticipantHomeTests {
    typealias F = ParticipantFixtures

    /// Words participants must never see on their pages.
    static func expectNoStudyWords(_ page: String) {
        let lower = page.lowercased()
        for word in ["control", "intervention", "arm", "study code", "randomis"] {
            #expect(!lower.contains(word == "arm" ? " arm" : word), "participant page mentions \(word)")
        }
    }

    @Test("Group: before the first meeting, during a meeting, and between meetings")
    func groupHome() async throws {
        try await withTendApp { app in
            let (_, _, participant, hand) = try await F.enrolled(app, group: F.meetingGroup, joinedAt: "2026-03-01T10:00:00Z")

            let before = try await participant.get("/")
            #expect(before.status == .ok)
            #expect(before.text.contains("Your first group meeting is on Tuesday 3 March 2026 at 18:30 GMT."))
            #expect(before.text.contains("Your next group meeting"))
            #expect(before.text.contains("https://meet.example.org/room-7"))
            #expect(before.text.contains("Your sessions will appear here as they open."))
            Self.expectNoStudyWords(before.text)

            try await F.travel(hand, to: "2026-03-10T18:45:00Z", participant)
            let during = try await participant.get("/")
            #expect(during.text.contains("Your group is meeting now"))
            #expect(during.text.contains("Session 2: The tricky brain"))
            #expect(during.text.contains("Join the video call"))
            #expect(during.text.contains("Next meeting: Session 3: The three systems, Tuesday 17 March 2026 at 18:30 GMT."))

            try await F.travel(hand, to: "2026-03-11T12:00:00Z", participant)
            let between = try await participant.get("/")
            #expect(between.text.contains("This week&#39;s session") || between.text.contains("This week's session"))
            #expect(between.text.contains("Session 2: The tricky brain"))
            #expect(between.text.contains("What to practise"))
            #expect(between.text.contains("Your next group meeting"))
            #expect(between.text.contains("Tuesday 17 March 2026 at 18:30 GMT"))
            #expect(between.text.contains("href=\"/my/sessions/1\""), "earlier sessions stay open")
            #expect(between.text.contains("href=\"/my/sessions/2\""))
            #expect(!between.text.contains("href=\"/my/sessions/3\""))
            #expect(between.text.contains("href=\"/my/handouts/practice-log\""))
            Self.expectNoStudyWords(between.text)

            // After the clocks change (29 March) the meeting keeps its wall-clock time.
            try await F.travel(hand, to: "2026-03-29T12:00:00Z", participant)
            let summer = try await participant.get("/")
            #expect(summer.text.contains("Tuesday 31 March 2026 at 18:30 BST"))

            // The eight-session version skips content session 5: its sixth meeting is content session 7.
            try await F.travel(hand, to: "2026-04-08T12:00:00Z", participant)
            let later = try await participant.get("/")
            #expect(later.text.contains("Session 6: "))
            #expect(later.text.contains("href=\"/my/sessions/7\""))
            #expect(!later.text.contains("href=\"/my/sessions/5\""))

            try await F.travel(hand, to: "2026-05-01T12:00:00Z", participant)
            let finished = try await participant.get("/")
            #expect(finished.text.contains("You have reached the end of the course"))
            #expect(finished.text.contains("href=\"/my/sessions/1\""), "nothing is hidden again")
            #expect(!finished.text.contains("Your next group meeting"))
        }
    }

    @Test("Weekly self-help: this week's module, the next on the chosen weekday, every earlier module open")
    func selfHelpHome() async throws {
        try await withTendApp { app in
            // Joined on Wednesday 4 March (London), chose Mondays.
            let (_, _, participant, hand) = try await F.enrolled(
                app, group: F.selfHelpGroup, joinedAt: "2026-03-04T09:00:00Z",
                extra: ["weekday": "1", "timeZone": "Europe/London"])

            let first = try await participant.get("/")
            #expect(first.text.contains("This week&#39;s module") || first.text.contains("This week's module"))
            #expect(first.text.contains("Module 1: Foundations of self-compassion"))
            #expect(first.text.contains("Module 2: Building your compassionate self opens on Monday 16 March 2026."))
            #expect(!first.text.contains("Your next group meeting"), "no meetings in self-help")
            Self.expectNoStudyWords(first.text)

            try await F.travel(hand, to: "2026-03-16T00:30:00Z", participant)
            let second = try await participant.get("/")
            #expect(second.text.contains("Module 2: Building your compassionate self"))
            #expect(second.text.contains("Module 3: Compassion as a relationship opens on Monday 23 March 2026."))
            #expect(second.text.contains("href=\"/my/sessions/1\""))
            #expect(second.text.contains("href=\"/my/handouts/week-1-foundations\""))
            #expect(second.text.contains("href=\"/my/handouts/week-2-compassionate-self\""))
            #expect(!second.text.contains("href=\"/my/sessions/3\""))
        }
    }

    @Test("Daily practice: today's practice by day, from the participant's own start date")
    func dailyHome() async throws {
        try await withTendApp { app in
            let (_, _, participant, hand) = try await F.enrolled(
                app, group: F.dailyGroup, joinedAt: "2026-03-04T09:00:00Z", extra: ["timeZone": "Europe/London"])

            let day1 = try await participant.get("/")
            #expect(day1.text.contains("Today&#39;s practice") || day1.text.contains("Today's practice"))
            #expect(day1.text.contains("Day 1 of 21"))
            #expect(day1.text.contains("Module 1: Pain, painkillers and a kinder mind"))
            #expect(day1.text.contains("Day 2 opens on Thursday 5 March 2026: more practice with Module 1"))
            Self.expectNoStudyWords(day1.text)

            try await F.travel(hand, to: "2026-03-06T10:00:00Z", participant)
            let day3 = try await participant.get("/")
            #expect(day3.text.contains("Day 3 of 21"))
            #expect(day3.text.contains("Module 2: Three systems, pain and painkillers"))
            #expect(day3.text.contains("Day 4 opens on Saturday 7 March 2026: more practice with Module 2"))
            #expect(day3.text.contains("href=\"/my/sessions/1\""))

            try await F.travel(hand, to: "2026-03-13T10:00:00Z", participant)
            let day10 = try await participant.get("/")
            #expect(day10.text.contains("Day 10 of 21"))
            #expect(day10.text.contains("Day 11 opens on Saturday 14 March 2026: Module 6: Combined practice."))
        }
    }

    @Test("A participant on no roster gets the calm welcome")
    func noEnrolment() async throws {
        try await withTendApp { app in
            let participant = try await Fixtures.signedIn(.participant, on: app)
            let home = try await participant.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("Welcome. Thank you for joining."))
            #expect(try await participant.get("/my/sessions/1").status == .notFound)
        }
    }
}
