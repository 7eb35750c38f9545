import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Helpers for the study tests: a study made through the pages, people screened, invited, consented.
enum StudyFixtures {
    static let trial = "mindful-recovery-trial"
    static let evaluation = "compassionate-living-pain-evaluation"
    static let trialAnswers = ["q-age": "40", "q-buprenorphine": "yes", "q-weekly-group": "yes"]

    static func path(_ study: UUID) -> String { "/studies/" + study.uuidString.lowercased() }

    /// Creates a study from `template` as `staff`; returns its id.
    static func create(_ staff: Browser, template: String = trial, title: String = "Recovery trial",
                       publicTitle: String = "Weekly recovery group study") async throws -> UUID {
        try await staff.get("/studies/new")
        let response = try await staff.post("/studies", ["template": template, "title": title, "publicTitle": publicTitle])
        #expect(response.status == .seeOther, "study not created: \(response.status)")
        let location = try #require(response.location)
        return try #require(UUID(uuidString: String(location.dropFirst("/studies/".count))))
    }

    static func open(_ staff: Browser, _ study: UUID) async throws {
        try await staff.get(path(study))
        let response = try await staff.post(path(study) + "/open", [:])
        #expect(response.status == .seeOther)
    }

    static func definition(_ study: UUID, on app: Application) async throws -> StudyDefinition {
        try #require(try await StudyModel.find(study, on: app.db)?.definition)
    }

    /// Posts a changed definition through the editor.
    static func edit(_ staff: Browser, _ study: UUID, _ change: (inout StudyDefinition) -> Void, on app: Application) async throws -> TestingHTTPResponse {
        var definition = try await definition(study, on: app)
        change(&definition)
        try await staff.get(path(study))
        return try await staff.post(path(study) + "/definition", ["definition": try StudyModel.encode(definition)])
    }

    /// Adds a person approached; returns their study code.
    static func approach(_ staff: Browser, _ study: UUID, on date: String = "2026-03-01") async throws -> String {
        try await staff.get(path(study) + "/screening")
        let response = try await staff.post(path(study) + "/screening", ["approachedOn": date])
        #expect(response.status == .seeOther, "person not added: \(response.status)")
        let location = try #require(response.location)
        return String(location.split(separator: "/").last!)
    }

    static func person(_ study: UUID, _ code: String) -> String { path(study) + "/participants/" + code }

    /// Screens a person eligible and records that they agreed.
    static func eligibleAndAgreed(_ staff: Browser, _ study: UUID, _ code: String, answers: [String: String] = trialAnswers) async throws {
        try await staff.get(person(study, code))
        let screened = try await staff.post(person(study, code) + "/eligibility", answers)
        #expect(screened.status == .seeOther, "screening answers refused: \(screened.status)")
        let agreed = try await staff.post(person(study, code) + "/agreement", ["agreed": "yes"])
        #expect(agreed.status == .seeOther)
    }

    /// Issues an invitation link and returns its path.
    static func invite(_ staff: Browser, _ study: UUID, _ code: String) async throws -> String {
        try await staff.get(person(study, code))
        let response = try await staff.post(person(study, code) + "/invitation", [:])
        #expect(response.status == .created)
        let start = try #require(response.text.range(of: "/study-invitations/"))
        let rest = response.text[start.lowerBound...]
        return String(rest[..<rest.firstIndex(of: "\"")!])
    }

    /// Approaches a person, records them eligible and agreeing, and invites them: their code and link.
    static func invited(_ staff: Browser, _ study: UUID) async throws -> (code: String, link: String) {
        let code = try await approach(staff, study)
        try await eligibleAndAgreed(staff, study, code)
        return (code, try await invite(staff, study, code))
    }

    /// Accepts an invitation; returns the participant's signed-in browser (on the consent page).
    static func join(_ app: Application, _ path: String, email: String, name: String? = nil) async throws -> Browser {
        let browser = Browser(app)
        let page = try await browser.get(path)
        #expect(page.status == .ok)
        var fields = ["email": email, "password": Fixtures.password, "confirm": Fixtures.password]
        if let name { fields["name"] = name }
        let response = try await browser.post(path, fields)
        #expect(response.status == .seeOther, "join failed: \(response.status)")
        #expect(response.location == "/my/consent")
        try await browser.get("/my/consent")
        return browser
    }

    /// Ticks every item of the consent form in force and consents.
    static func consentToAll(_ participant: Browser, _ definition: StudyDefinition, version: String = "v1") async throws {
        let form = try #require(definition.consentForms.first { $0.version == version })
        var fields: [String: String] = [:]
        for item in form.items { fields["item-" + item.id] = "yes" }
        try await participant.get("/my/consent")
        let response = try await participant.post("/my/consent", fields)
        #expect(response.status == .seeOther, "consent refused: \(response.status)")
    }

    /// A researcher's open trial with one person screened, agreed and signed in as a participant.
    static func consentingParticipant(_ app: Application, staff: Browser, template: String = trial,
                                      answers: [String: String] = trialAnswers, open: Bool = true) async throws -> (study: UUID, code: String, participant: Browser) {
        let study = try await create(staff, template: template)
        if open { try await self.open(staff, study) }
        let code = try await approach(staff, study)
        try await eligibleAndAgreed(staff, study, code, answers: answers)
        let link = try await invite(staff, study, code)
        let participant = try await join(app, link, email: "\(code.lowercased())@example.org")
        return (study, code, participant)
    }

    /// Adds `user` to the study's staff with `role`, as `manager`.
    static func addStaff(_ manager: Browser, _ study: UUID, _ user: UserModel, role: BlindedRole) async throws {
        try await manager.get(path(study))
        let response = try await manager.post(path(study) + "/staff", ["user": user.id!.uuidString.lowercased(), "studyRole": role.rawValue])
        #expect(response.status == .seeOther, "staff not added: \(response.status)")
    }
}
