import Fluent
import Foundation
import Testing
import TendCore
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Questionnaires: due by the schedule, one question per screen, scored on submit")
struct QuestionnaireTests {
    @Test("The home page lists the questionnaires due now with their closing date, and not those still to come")
    func dueListing() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("Questionnaires to fill in"))
            let baseline = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let post = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            #expect(home.text.contains(QuestionnaireFixtures.path(baseline)))
            #expect(home.text.contains("open until Monday 9 March 2026"))
            #expect(!home.text.contains(QuestionnaireFixtures.path(post)))
            #expect(baseline.measurementStatus == .due)
            let refreshed = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            #expect(refreshed.measurementStatus == .upcoming)
        }
    }

    @Test("A participant in a group sees the questionnaires due on their programme home page too")
    func dueListingOnProgrammeHome() async throws {
        try await withTendApp { app in
            let (_, _, participant, _) = try await ParticipantFixtures.enrolled(
                app, group: ParticipantFixtures.meetingGroup, joinedAt: "2026-03-02T09:00:00Z")
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first())
            try await QuestionnaireAssignments.plan(for: try user.requireID(), study: QuestionnaireFixtures.studyID,
                                                    definition: QuestionnaireFixtures.study(), anchors: QuestionnaireFixtures.anchors,
                                                    timeZone: QuestionnaireFixtures.london, on: app.db, now: app.clock.now)
            let home = try await participant.get("/")
            #expect(home.text.contains("Hello, Sam"))
            #expect(!home.text.contains("What will appear here"))
            #expect(home.text.contains("Questionnaires to fill in"))
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(home.text.contains(QuestionnaireFixtures.path(row)))
        }
    }

    @Test("Nothing is listed when no questionnaire is due")
    func nothingDue() async throws {
        try await withTendApp { app in
            ParticipantFixtures.clock(app, at: "2026-03-02T09:00:00Z")
            let user = try await Fixtures.user(.participant, email: "none@example.org", on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(!home.text.contains("Questionnaires to fill in"))
        }
    }

    @Test("One question per screen: wording notice, answer labels, progress, Next and Back save each answer")
    func oneScreenFlow() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(row)
            let first = try await browser.get(path)
            #expect(first.status == .ok)
            #expect(first.text.contains("Question 1 of 9"))
            #expect(first.text.contains("<progress value=\"1\" max=\"9\""))
            #expect(first.text.contains("official wording of this questionnaire is not installed"))
            #expect(first.text.contains("Question 1: anhedonia"))
            #expect(first.text.contains("0 – not at all"))
            #expect(first.text.contains("3 – nearly every day"))
            #expect(first.text.contains("type=\"radio\""))
            #expect(first.text.contains("Think about the past 2 weeks."))

            let next = try await browser.post(path, ["item": "1", "answer": "2", "move": "next"])
            #expect(next.status == .seeOther)
            #expect(next.location == path + "?item=2")
            let second = try await browser.get(path + "?item=2")
            #expect(second.text.contains("Question 2 of 9"))
            let back = try await browser.post(path, ["item": "2", "answer": "1", "move": "back"])
            #expect(back.location == path + "?item=1")
            let again = try await browser.get(path + "?item=1")
            #expect(again.text.contains("value=\"2\" checked=\"checked\""))
            let stored = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(stored.answers(count: 9) == [2, 1, nil, nil, nil, nil, nil, nil, nil])
        }
    }

    @Test("Answers are kept on the server: a new sign-in (another device) resumes at the first unanswered question")
    func resume() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(row)
            try await browser.get(path)
            for item in 1...3 { try await browser.post(path, ["item": String(item), "answer": "1", "move": "next"]) }
            let phone = try await ParticipantFixtures.signIn(user, on: app)
            let page = try await phone.get(path)
            #expect(page.text.contains("Question 4 of 9"))
            let home = try await phone.get("/")
            #expect(home.text.contains("(started)"))
        }
    }

    @Test("An answer outside the item's range is refused, naming the question, and the other answers are kept")
    func outOfRange() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(row)
            try await browser.get(path)
            try await browser.post(path, ["item": "1", "answer": "3", "move": "next"])
            try await browser.post(path, ["item": "2", "answer": "0", "move": "next"])
            for bad in ["7", "-1", "two", "1.5"] {
                let response = try await browser.post(path, ["item": "3", "answer": bad, "move": "next"])
                #expect(response.status == .unprocessableEntity, "\(bad)")
                #expect(response.text.contains("Question 3: choose one of the answers, a whole number from 0 to 3"))
                #expect(response.text.contains("Error: "))
                #expect(response.text.contains("Question 3 of 9"))
            }
            let stored = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(stored.answers(count: 9) == [3, 0, nil, nil, nil, nil, nil, nil, nil])
        }
    }

    @Test("Submitting scores with InstrumentScorer, stores the definition's version, and shows a thank-you")
    func scoringOnSubmit() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let answers = [1, 2, 0, 3, 1, 2, 1, 0, 0]
            let path = QuestionnaireFixtures.path(row)
            try await browser.get(path)
            for (index, value) in answers.enumerated() {
                try await browser.post(path, ["item": String(index + 1), "answer": String(value), "move": "next"])
            }
            let review = try await browser.get(path)
            #expect(review.text.contains("check your answers"))
            #expect(review.text.contains("You have answered every question"))
            #expect(review.text.contains("Submit your answers"))
            let submitted = try await browser.post(path + "/submit", [:])
            #expect(submitted.status == .seeOther)
            let done = try await browser.get(path)
            #expect(done.text.contains("Thank you"))
            #expect(!done.text.contains("If you need help now"))

            let definition = try QuestionnaireFixtures.definition("phq9")
            let stored = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let expected = try QuestionnaireFixtures.scorerScore(answers, definition: definition, measure: "phq9.total")
            #expect(expected == 10)
            #expect(stored.scoreSheet?.score("phq9.total") == expected)
            #expect(stored.scoreSheet?.scores.first?.band == "moderate")
            #expect(stored.scoredWith == definition.version)
            #expect(stored.definitionHash == InstrumentFingerprint.of(definition))
            #expect(stored.measurementStatus == .completedOnTime)
            let home = try await browser.get("/")
            #expect(!home.text.contains(path))
        }
    }

    @Test("A questionnaire with a question left out is scored by the missing-item rule (PHQ-9 requires all)")
    func missingItemRule() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(row)
            try await browser.get(path)
            for item in 1...8 { try await browser.post(path, ["item": String(item), "answer": "1", "move": "next"]) }
            let review = try await browser.get(path + "?item=10")
            #expect(review.text.contains("1 question is not answered"))
            try await browser.post(path + "/submit", [:])
            let stored = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(stored.scoreSheet?.scores.isEmpty == true)
            #expect(stored.scoreSheet?.missing.first?.measure == "phq9.total")
            #expect(stored.isSubmitted)
        }
    }

    @Test("After its window closes an unanswered questionnaire is recorded as missed, kept, and a late submission is accepted and marked late")
    func lateAndMissed() async throws {
        try await withTendApp { app in
            let (user, browser, hand) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            try await ParticipantFixtures.travel(hand, to: "2026-03-10T09:00:00Z", browser)
            let home = try await browser.get("/")
            #expect(!home.text.contains(QuestionnaireFixtures.path(row)))
            let missed = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(missed.measurementStatus == .missed)

            // The periodic sweep records it too, without anyone reading a page.
            try await ParticipantFixtures.travel(hand, to: "2026-05-05T09:00:00Z", browser)
            try await QuestionnaireAssignments.sweepMissed(now: app.clock.now, on: app.db)
            let post = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            #expect(post.measurementStatus == .missed)

            try await QuestionnaireFixtures.answerAndSubmit(browser, row, answers: [0, 0, 0, 0, 0, 0, 0, 0, 0])
            let late = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(late.measurementStatus == .completedLate)
            #expect(late.scoreSheet?.score("phq9.total") == 0)
            let done = try await browser.get(QuestionnaireFixtures.path(row))
            #expect(done.text.contains("after the closing date"))
            let count = try await QuestionnaireAssignmentModel.query(on: app.db).count()
            #expect(count == 2)
        }
    }

    @Test("Submitting with no question answered records nothing and goes back to the first question")
    func emptySubmission() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let row = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(row)
            try await browser.get(path)
            let response = try await browser.post(path + "/submit", [:])
            #expect(response.status == .seeOther)
            let page = try await browser.get(response.location ?? path)
            #expect(page.text.contains("Question 1 of 9"))
            let stored = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(!stored.isSubmitted && stored.measurementStatus == .due)
        }
    }

    @Test("A questionnaire not yet open says when it opens and takes no answers")
    func notYetOpen() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let post = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            let path = QuestionnaireFixtures.path(post)
            let page = try await browser.get(path)
            #expect(page.text.contains("opens on Monday 27 April 2026"))
            let response = try await browser.post(path, ["item": "1", "answer": "1", "move": "next"])
            #expect(response.status == .seeOther)
            let stored = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            #expect(!stored.hasAnswers)
        }
    }

    @Test("A participant reaches only their own questionnaires: another's is a 404 to read, answer or submit")
    func othersAreNotFound() async throws {
        try await withTendApp { app in
            let (owner, _, _) = try await QuestionnaireFixtures.participant(app)
            let other = try await Fixtures.user(.participant, email: "other@example.org", on: app)
            let browser = try await ParticipantFixtures.signIn(other, on: app)
            let row = try await QuestionnaireFixtures.assignment(owner, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(row)
            #expect(try await browser.get(path).status == .notFound)
            #expect(try await browser.post(path, ["item": "1", "answer": "1", "move": "next"]).status == .notFound)
            #expect(try await browser.post(path + "/submit", [:]).status == .notFound)
            #expect(try await browser.get("/my/questionnaires/not-a-uuid").status == .notFound)
            let stored = try await QuestionnaireFixtures.assignment(owner, at: "baseline", on: app)
            #expect(!stored.hasAnswers && !stored.isSubmitted)
        }
    }

    @Test("When an anchor moves, unanswered windows are recomputed and a started one stays as it was")
    func planReconciles() async throws {
        try await withTendApp { app in
            let (user, browser, _) = try await QuestionnaireFixtures.participant(app)
            let baseline = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            let path = QuestionnaireFixtures.path(baseline)
            try await browser.get(path)
            try await browser.post(path, ["item": "1", "answer": "1", "move": "next"])
            let moved = ParticipantAnchors(consent: LocalDate("2026-03-04")!, programmeEnd: LocalDate("2026-05-04")!)
            let result = try await QuestionnaireAssignments.plan(
                for: try user.requireID(), study: QuestionnaireFixtures.studyID, definition: QuestionnaireFixtures.study(),
                anchors: moved, timeZone: QuestionnaireFixtures.london, on: app.db, now: app.clock.now)
            #expect(result.kept == [MeasurementKey(measure: "phq9", timepoint: "baseline")])
            let keptRow = try await QuestionnaireFixtures.assignment(user, at: "baseline", on: app)
            #expect(keptRow.dueOn == "2026-03-02")
            #expect(keptRow.answers(count: 9).first == 1)
            let post = try await QuestionnaireFixtures.assignment(user, at: "post", on: app)
            #expect(post.dueOn == "2026-05-04")
            #expect(post.closesOn == "2026-05-11")
            #expect(try await QuestionnaireAssignmentModel.query(on: app.db).count() == 2)
        }
    }
}
