import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The soothing-rhythm breathing pacer page, `/my/pacer`.
@Suite("Breathing pacer")
struct PacerPageTests {
    @Test("The pacer renders at the default pace with its own files, a paced screen-reader cue and no inline script or style")
    func renders() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.participant, on: app)
            let page = try await browser.get("/my/pacer")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<link rel=\"stylesheet\" href=\"/pacer.css\"/>"))
            #expect(html.contains("<script src=\"/pacer.js\" defer=\"defer\"></script>"))
            #expect(html.contains("class=\"pacer pacer--bpm-6\" data-pacer=\"\" data-bpm=\"6\""))
            // Without JavaScript the page still says how to breathe at this pace.
            #expect(html.contains("6 breaths a minute: breathe in for about 5 seconds, then out for about 5 seconds."))
            // The moving shape and its words are hidden from screen readers, which get the live region instead.
            #expect(html.contains("class=\"pacer-stage\" aria-hidden=\"true\""))
            #expect(html.contains("class=\"visually-hidden\" data-pacer-announce=\"\" aria-live=\"polite\""))
            // Start/Pause is a real button (keyboard reachable), shown by the script.
            #expect(html.contains("<button type=\"button\" class=\"button\" data-pacer-toggle=\"\" hidden=\"hidden\">Start</button>"))
            #expect(html.contains("<label class=\"label\" for=\"bpm\">Breaths per minute</label>"))
            #expect(html.contains("<option value=\"6\" selected=\"selected\">"))
            // CSP: no inline script, no inline style.
            #expect(html.components(separatedBy: "<script").count == html.components(separatedBy: "<script src=").count)
            #expect(!html.contains("<style"))
            #expect(!html.contains(" style="))
            #expect(!html.contains("audio"))
        }
    }

    @Test("The pace can be chosen from 4 to 8 breaths a minute; anything else is explained and the default kept")
    func pace() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.participant, on: app)
            let slow = try await browser.get("/my/pacer?bpm=4")
            #expect(slow.status == .ok)
            #expect(slow.text.contains("pacer--bpm-4"))
            #expect(slow.text.contains("breathe in for about 7.5 seconds"))

            let fast = try await browser.get("/my/pacer?bpm=12")
            #expect(fast.status == .unprocessableEntity)
            #expect(fast.text.contains("<title>Error: "))
            #expect(fast.text.contains("Choose a pace from 4 to 8 breaths a minute (you gave &quot;12&quot;)."))
            #expect(fast.text.contains("href=\"#bpm\""))
            #expect(fast.text.contains("pacer--bpm-6"))
        }
    }

    @Test("Reduced motion: the stylesheet stops the circle scaling and keeps a slow colour and word cue")
    func reducedMotion() async throws {
        try await withTendApp { app in
            let css = try await app.testing().sendRequest(.GET, "/pacer.css").body.string
            let block = try #require(css.range(of: "@media (prefers-reduced-motion: reduce)")).upperBound
            let reduced = String(css[block...])
            #expect(reduced.contains(".pacer .pacer-circle { transform: none !important; animation: pacer-glow"))
            #expect(!reduced.contains("pacer-breathe"))
            #expect(reduced.contains("pacer-first-half"))
            #expect(css.contains("@keyframes pacer-glow"))
            let js = try await app.testing().sendRequest(.GET, "/pacer.js").body.string
            #expect(js.contains("\"Breathe in\""))
            #expect(!js.contains("Audio"))
        }
    }

    @Test("Participants reach the pacer and their data from home; staff can preview the pacer")
    func linked() async throws {
        try await withTendApp { app in
            let participant = try await Fixtures.signedIn(.participant, on: app)
            let home = try await participant.get("/")
            #expect(home.text.contains("<a href=\"/my/pacer\">Breathing pacer</a>"))
            #expect(home.text.contains("<a href=\"/my/data\">My data</a>"))

            let enrolled = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup, joinedAt: "2026-03-01T10:00:00Z")
            let enrolledHome = try await enrolled.participant.get("/")
            #expect(enrolledHome.text.contains("<a href=\"/my/pacer\">Breathing pacer</a>"))

            #expect(try await enrolled.facilitator.get("/my/pacer").status == .ok)
        }
    }
}
