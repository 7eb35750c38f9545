import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// e-Consent: a screened person accepts their study invitation, sees the consent form with the study's
/// public title only, must tick each required item (named when missing, ticks kept), and the signed record
/// is stored and downloadable as PDF; a newer version makes their home ask again.
@Suite("Study consent")
struct ConsentTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    @Test("The consent form shows the public title and no arm; a required item left unticked is named and the ticks are kept")
    func requiredItemsNamed() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, _, participant) = try await S.consentingParticipant(app, staff: researcher)
            let definition = try await S.definition(study, on: app)
            let page = try await participant.get("/my/consent")
            #expect(page.status == .ok)
            #expect(page.text.contains("Weekly recovery group study"))
            #expect(!page.text.contains("Recovery trial"), "the staff title is not shown")
            for arm in definition.arms { #expect(!page.text.contains(arm.name)) }
            #expect(page.text.contains("I agree to give a urine sample"))
            #expect(page.text.contains("type=\"checkbox\" id=\"item-urine-tests\""))

            let partial = try await participant.post("/my/consent", ["item-weekly-group": "yes", "item-questionnaires": "yes"])
            #expect(partial.status == .unprocessableEntity)
            #expect(partial.text.contains("Tick “I agree to give a urine sample for drug testing every two weeks while the study runs.” to take part"))
            #expect(partial.text.contains("Tick “The study team may see my prescription records"))
            #expect(partial.text.contains("id=\"item-weekly-group\" name=\"item-weekly-group\" value=\"yes\" checked=\"checked\""))
            #expect(!partial.text.contains("id=\"item-urine-tests\" name=\"item-urine-tests\" value=\"yes\" checked=\"checked\""))
            #expect(try await StudyConsentModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Consenting stores study, version, items ticked, the time and the account; both the participant and staff download the PDF")
    func signedRecordAndPDF() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, code, participant) = try await S.consentingParticipant(app, staff: researcher, open: false)
            try await S.consentToAll(participant, try await S.definition(study, on: app))
            let consent = try #require(try await StudyConsentModel.query(on: app.db).first())
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$role == .participant).first())
            #expect(consent.$study.id == study)
            #expect(consent.version == "v1")
            #expect(consent.items == ["weekly-group", "urine-tests", "questionnaires", "records"])
            #expect(consent.signedAt == F.instant("2026-03-05T10:00:00Z"))
            #expect(consent.$user.id == user.id)
            #expect(user.name == code, "the account carries the study code, never a name")

            let page = try await participant.get("/my/consent")
            #expect(page.text.contains("You signed version v1 of the consent form on 5 Mar 2026, 10:00 UTC"))
            #expect(!page.text.contains("I consent</button>"))
            let pdf = try await participant.get("/my/consent/pdf")
            #expect(pdf.status == .ok)
            #expect(pdf.headers.contentType?.description == "application/pdf")
            #expect(pdf.body.readableBytes > 500)
            #expect(pdf.body.getString(at: 0, length: 5) == "%PDF-")
            let staffPDF = try await researcher.get(S.person(study, code) + "/consent.pdf")
            #expect(staffPDF.status == .ok)
            #expect(staffPDF.body.getString(at: 0, length: 5) == "%PDF-")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .consentDownloaded).count() == 2)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .consentSigned).count() == 1)
            #expect(try await researcher.get(S.person(study, code)).text.contains("Version v1, signed 5 Mar 2026, 10:00 UTC (4 statements agreed)"))
        }
    }

    @Test("A newer consent version makes the participant's home ask for re-consent, until they sign it")
    func newVersionAsksAgain() async throws {
        try await withTendApp { app in
            let hand = F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, _, participant) = try await S.consentingParticipant(app, staff: researcher, open: false)
            let home = try await participant.get("/")
            #expect(home.text.contains("Please read the consent form"), "before consenting, home asks for consent")
            try await S.consentToAll(participant, try await S.definition(study, on: app))
            #expect(!(try await participant.get("/")).text.contains("consent form"))

            let edited = try await S.edit(researcher, study, { d in
                var v2 = d.consentForms[0]
                v2.version = "v2"
                v2.effective = LocalDate("2026-04-01")!
                v2.items.append(ConsentItem(id: "contact", statement: "The team may phone me about the study.", required: false))
                d.consentForms.append(v2)
            }, on: app)
            #expect(edited.status == .seeOther)
            #expect(!(try await participant.get("/")).text.contains("The consent form has changed"), "v2 is not in force yet")

            try await F.travel(hand, to: "2026-04-02T09:00:00Z", participant)
            let asked = try await participant.get("/")
            #expect(asked.text.contains("The consent form has changed"))
            let form = try await participant.get("/my/consent")
            #expect(form.text.contains("The team may phone me about the study."))
            try await S.consentToAll(participant, try await S.definition(study, on: app), version: "v2")
            #expect(!(try await participant.get("/")).text.contains("The consent form has changed"))
            let versions = try await StudyConsentModel.query(on: app.db).sort(\.$signedAt).all().map(\.version)
            #expect(versions == ["v1", "v2"])
        }
    }

    @Test("A study invitation works once; the second use answers 410")
    func invitationSingleUse() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let (code, link) = try await S.invited(researcher, study)
            let invitation = try #require(try await StudyInvitationModel.query(on: app.db).first())
            #expect(invitation.tokenHash == SecretToken.digest(String(link.dropFirst("/study-invitations/".count))))
            let page = try await Browser(app).get(link)
            #expect(page.text.contains("Join Weekly recovery group study"))
            _ = try await S.join(app, link, email: "first@example.org")
            let again = try await Browser(app).get(link)
            #expect(again.status == .gone)
            let repeatInvite = try await researcher.post(S.person(study, code) + "/invitation", [:])
            #expect(repeatInvite.status == .conflict)
            #expect(try await StudyScreeningModel.query(on: app.db).first()?.$user.id != nil)
        }
    }

    @Test("Joining asks what to call the participant: too long a name is named with everything typed kept; the name greets them, and without one their study code does")
    func joinAsksForAName() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let (_, link) = try await S.invited(researcher, study)
            let browser = Browser(app)
            let page = try await browser.get(link)
            #expect(page.text.contains("What should we call you? (optional)"))
            let long = String(repeating: "K", count: FieldRules.maximumNameLength + 1)
            let refused = try await browser.post(link, ["name": long, "email": "kim@example.org", "password": Fixtures.password,
                                                        "confirm": Fixtures.password])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("The name needs to be at most 100 characters. You entered 101."))
            #expect(refused.text.contains("value=\"\(long)\"") && refused.text.contains("value=\"kim@example.org\""))
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "kim@example.org").count() == 0)
            let joined = try await browser.post(link, ["name": "  Kim  ", "email": "kim@example.org", "password": Fixtures.password,
                                                       "confirm": Fixtures.password])
            #expect(joined.status == .seeOther)
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "kim@example.org").first()?.name == "Kim")
            #expect(try await browser.get("/my/consent").text.contains("Kim · Participant"))

            let other = try await S.invited(researcher, study)
            _ = try await S.join(app, other.link, email: "nameless@example.org")
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "nameless@example.org").first()?.name == other.code)
        }
    }

    @Test("A participant linked to no study has no consent page")
    func noStudyNoConsent() async throws {
        try await withTendApp { app in
            let participant = try await Fixtures.signedIn(.participant, on: app)
            #expect(try await participant.get("/my/consent").status == .notFound)
            #expect(try await participant.get("/my/consent/pdf").status == .notFound)
            let staff = try await Fixtures.signedIn(.researcher, on: app)
            #expect(try await staff.get("/my/consent").status == .forbidden)
        }
    }
}
