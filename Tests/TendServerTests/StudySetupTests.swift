import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Setting up a study: from a template or blank, the definition validated by TendCore with each problem
/// named by its field path, staff and their blinding, opening for recruitment with a recorded seed, and
/// who may reach which study page.
@Suite("Study set-up")
struct StudySetupTests {
    typealias S = StudyFixtures

    @Test("A researcher starts a study from a template: the definition is stored, they are its staff, and the page shows it")
    func createFromTemplate() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, title: "Recovery trial 2026", publicTitle: "Weekly recovery group study")
            let row = try #require(try await StudyModel.find(study, on: app.db))
            #expect(row.status == .setup)
            #expect(row.allocationSeed == nil)
            let definition = try #require(row.definition)
            #expect(definition.title == "Recovery trial 2026")
            #expect(definition.id == "recovery-trial-2026")
            #expect(definition.arms.map(\.id) == ["mindful-recovery", "recovery-support"])
            let staff = try await StudyStaffModel.query(on: app.db).filter(\.$study.$id == study).all()
            #expect(staff.map(\.studyRole) == [.researcher])

            let page = try await researcher.get(S.path(study))
            #expect(page.status == .ok)
            #expect(page.text.contains("Recovery trial 2026"))
            #expect(page.text.contains("Mindful recovery group"))
            #expect(page.text.contains("Include: aged 18 or over"))
            #expect(page.text.contains("Version v1, from 2026-01-01"))
            #expect(!page.text.contains("The definition is not ready to run"))
            let list = try await researcher.get("/studies")
            #expect(list.text.contains("Recovery trial 2026"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .studyCreated).count() == 1)
        }
    }

    @Test("Leaving out the template, title and public title names each field and keeps what was typed")
    func createErrors() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            try await researcher.get("/studies/new")
            let response = try await researcher.post("/studies", ["title": "Pain study", "publicTitle": ""])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Choose a template to start from, or a blank study"))
            #expect(response.text.contains("Enter the public title participants will see"))
            #expect(response.text.contains("value=\"Pain study\""))
            let arm = try await researcher.post("/studies", ["template": S.trial, "title": "Pain study", "publicTitle": "The mindful recovery group study"])
            #expect(arm.status == .unprocessableEntity)
            #expect(arm.text.contains("Public title must not name an arm"))
            #expect(try await StudyModel.query(on: app.db).count() == 0)
        }
    }

    @Test("A blank study lists its problems by field path and cannot open until they are fixed")
    func blankStudyProblems() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher, template: StudyPages.blankTemplate, title: "New pain study", publicTitle: "Pain skills study")
            let page = try await researcher.get(S.path(study))
            #expect(page.text.contains("The definition is not ready to run"))
            #expect(page.text.contains("<code>arms</code>: found 0 arms; expected exactly one arm for a single-arm study"))
            #expect(page.text.contains("<code>consentForms</code>"))
            let open = try await researcher.post(S.path(study) + "/open", [:])
            #expect(open.status == .unprocessableEntity)
            #expect(open.text.contains("Fix the definition&#39;s problems before opening"))
            #expect(try await StudyModel.find(study, on: app.db)?.status == .setup)
        }
    }

    @Test("Editing the definition: bad JSON and invalid values are refused with the field named and the text kept; a valid change is saved")
    func editDefinition() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            try await researcher.get(S.path(study))
            let broken = try await researcher.post(S.path(study) + "/definition", ["definition": "{\"id\": \"x\", "])
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.text.contains("Definition must be valid JSON"))
            #expect(broken.text.contains("{&quot;id&quot;: &quot;x&quot;, </textarea>") || broken.text.contains("{\"id\": \"x\", </textarea>"))

            let missing = try await researcher.post(S.path(study) + "/definition", ["definition": "{\"id\": \"x\", \"title\": \"T\", \"publicTitle\": \"P\", \"design\": \"randomised\"}"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains("Definition is missing arms"))

            let invalid = try await S.edit(researcher, study, { $0.arms[1].ratio = 0 }, on: app)
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.text.contains("<code>arms[1].ratio</code>: found 0; expected a whole number ≥ 1"))
            #expect(invalid.text.contains("&quot;ratio&quot; : 0") || invalid.text.contains("\"ratio\" : 0"), "the typed definition is kept")
            #expect(try await S.definition(study, on: app).arms[1].ratio == 1, "nothing saved")

            let valid = try await S.edit(researcher, study, { $0.arms[1].ratio = 2 }, on: app)
            #expect(valid.status == .seeOther)
            #expect(try await S.definition(study, on: app).arms[1].ratio == 2)
        }
    }

    @Test("Opening draws and records a seed that is never shown; then arms are fixed but a new consent version can be added")
    func openRecordsSeed() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            try await S.open(researcher, study)
            let row = try #require(try await StudyModel.find(study, on: app.db))
            #expect(row.status == .recruiting)
            let seed = try #require(row.allocationSeed)
            #expect(UInt64(seed) != nil)
            #expect(row.allocationMethod == AllocationSequence.methodVersion)
            #expect(row.openedAt == F.instant("2026-03-01T10:00:00Z"))
            let page = try await researcher.get(S.path(study))
            #expect(page.text.contains("Open for recruitment since 1 Mar 2026, 10:00 UTC"))
            let shown = page.text.replacingOccurrences(of: row.definitionJSON, with: "")
            #expect(!shown.contains(seed), "the seed is not on the page")

            let again = try await researcher.post(S.path(study) + "/open", [:])
            #expect(again.status == .seeOther)
            #expect(try await StudyModel.find(study, on: app.db)?.allocationSeed == seed, "opening twice keeps the first seed")

            let arms = try await S.edit(researcher, study, { $0.arms[1].ratio = 2 }, on: app)
            #expect(arms.status == .unprocessableEntity)
            #expect(arms.text.contains("Arms, design, randomisation and stratification cannot change once the study is recruiting"))

            let consent = try await S.edit(researcher, study, { d in
                var v2 = d.consentForms[0]
                v2.version = "v2"
                v2.effective = LocalDate("2026-04-01")!
                d.consentForms.append(v2)
            }, on: app)
            #expect(consent.status == .seeOther)
            #expect(try await S.definition(study, on: app).consentForms.map(\.version) == ["v1", "v2"])
        }
    }

    @Test("Blinded staff see no arm names on the study page, and no allocation on a person's record")
    func blindedStaffSeeNoArms() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-01T10:00:00Z")
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let study = try await S.create(admin)
            #expect(try await S.edit(admin, study, { $0.blindedRoles = [.outcomeAssessor] }, on: app).status == .seeOther)
            let assessorUser = try await Fixtures.user(.researcher, email: "assessor@example.org", name: "Alex Assessor", on: app)
            try await S.addStaff(admin, study, assessorUser, role: .outcomeAssessor)
            try await S.open(admin, study)
            let code = try await S.approach(admin, study)
            try await S.eligibleAndAgreed(admin, study, code)
            let link = try await S.invite(admin, study, code)
            let participant = try await S.join(app, link, email: "p@example.org")
            try await S.consentToAll(participant, try await S.definition(study, on: app))
            let allocation = try #require(try await StudyAllocationModel.query(on: app.db).first())
            let armName = try #require(try await S.definition(study, on: app).arm(allocation.arm)?.name)

            let unblinded = try await admin.get(S.person(study, code))
            #expect(unblinded.text.contains(armName))

            let assessor = try await F.signIn(assessorUser, on: app)
            let page = try await assessor.get(S.path(study))
            #expect(page.status == .ok)
            #expect(page.text.contains("(blinded to allocation)"))
            #expect(page.text.contains("its arms are not shown"))
            let person = try await assessor.get(S.person(study, code))
            #expect(person.status == .ok)
            #expect(person.text.contains("Allocated"))
            let log = try await assessor.get(S.path(study) + "/screening")
            for text in [page.text, person.text, log.text] {
                for arm in try await S.definition(study, on: app).arms {
                    #expect(!text.contains(arm.name), "blinded staff never see \(arm.name)")
                    #expect(!text.contains(arm.id), "blinded staff never see the arm id \(arm.id)")
                }
            }
            #expect(!page.text.contains("name=\"definition\""), "blinded staff cannot open the definition editor")
            let csv = try await assessor.get(S.path(study) + "/allocations.csv")
            #expect(csv.status == .forbidden)
            let edit = try await assessor.post(S.path(study) + "/definition", ["definition": "{}"])
            #expect(edit.status == .forbidden)
        }
    }

    @Test("Staff roles must fit the account: a facilitator account only as facilitator, each person once")
    func staffRoles() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let facilitator = try await Fixtures.user(.facilitator, on: app)
            try await researcher.get(S.path(study))
            let wrong = try await researcher.post(S.path(study) + "/staff", ["user": facilitator.id!.uuidString.lowercased(), "studyRole": "statistician"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("A facilitator account can only have the facilitator role on a study"))
            let none = try await researcher.post(S.path(study) + "/staff", [:])
            #expect(none.text.contains("Choose the member of staff to add"))
            #expect(none.text.contains("Choose their role on this study"))
            try await S.addStaff(researcher, study, facilitator, role: .facilitator)
            let page = try await researcher.get(S.path(study))
            #expect(page.text.contains("Test Facilitator"))
        }
    }

    typealias F = ParticipantFixtures

    @Test("Route × role: participants never reach studies; staff not on a study get 404; facilitators cannot create studies")
    func routeByRole() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study)
            let paths = [S.path(study), S.path(study) + "/screening", S.person(study, code), S.path(study) + "/allocations.csv",
                         S.person(study, code) + "/consent.pdf"]

            let anonymous = Browser(app)
            for path in paths + ["/studies", "/studies/new"] {
                let response = try await anonymous.get(path)
                #expect(response.status == .found && response.location?.hasPrefix("/login") == true, "\(path) sends visitors to sign in")
            }
            let participant = try await Fixtures.signedIn(.participant, on: app)
            for path in paths + ["/studies", "/studies/new"] {
                #expect(try await participant.get(path).status == .forbidden, "participant: \(path)")
            }
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            #expect(try await facilitator.get("/studies").status == .ok)
            #expect(try await facilitator.get("/studies/new").status == .forbidden)
            for path in paths {
                #expect(try await facilitator.get(path).status == .notFound, "facilitator not on the study: \(path)")
            }
            let other = try await F.signIn(try await Fixtures.user(.researcher, email: "other@example.org", on: app), on: app)
            for path in paths {
                #expect(try await other.get(path).status == .notFound, "researcher not on the study: \(path)")
            }
            #expect(try await other.post(S.path(study) + "/open", [:]).status == .notFound)
            #expect(try await StudyModel.find(study, on: app.db)?.status == .setup)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            #expect(try await admin.get(S.path(study)).status == .ok)
            #expect(try await admin.get(S.path(study) + "/allocations.csv").status == .forbidden, "only the study's statistician downloads the list")
        }
    }
}
