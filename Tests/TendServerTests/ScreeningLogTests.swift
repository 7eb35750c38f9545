import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// The screening log: people approached get generated study codes, eligibility answers are judged by
/// TendCore with reasons, agreement and declining are recorded, withdrawal and loss close a record with the
/// stage reached, the log filters by stage, and every staff read is audited.
@Suite("Screening log")
struct ScreeningLogTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    @Test("People approached get codes S-0001, S-0002 in order; a bad or future date is refused with the field named")
    func approachAssignsCodes() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            #expect(try await S.approach(researcher, study, on: "2026-03-01") == "S-0001")
            #expect(try await S.approach(researcher, study, on: "2026-03-02") == "S-0002")
            let bad = try await researcher.post(S.path(study) + "/screening", ["approachedOn": "2026-02-30"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Date approached must be a real date written as year-month-day"))
            #expect(bad.text.contains("value=\"2026-02-30\""))
            let future = try await researcher.post(S.path(study) + "/screening", ["approachedOn": "2026-03-06"])
            #expect(future.text.contains("Date approached cannot be in the future (today is 2026-03-05)"))
            let log = try await researcher.get(S.path(study) + "/screening")
            #expect(log.text.contains("S-0001"))
            #expect(log.text.contains("2026-03-02"))
            #expect(log.text.contains("Approached"))
            let rows = try await StudyScreeningModel.query(on: app.db).sort(\.$number).all()
            #expect(rows.map(\.code) == ["S-0001", "S-0002"])
        }
    }

    @Test("Eligibility answers give TendCore's decision with its reasons; a missing answer names the question and keeps the rest")
    func eligibilityDecision() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study)
            try await researcher.get(S.person(study, code))
            let missing = try await researcher.post(S.person(study, code) + "/eligibility", ["q-age": "40", "q-buprenorphine": "yes"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains("Answer “Could you come to a group once a week for six months?”"))
            #expect(missing.text.contains("value=\"40\""))
            let outOfRange = try await researcher.post(S.person(study, code) + "/eligibility", ["q-age": "130", "q-buprenorphine": "yes", "q-weekly-group": "yes"])
            #expect(outOfRange.text.contains("must be a number from 0 to 120"))

            let young = try await researcher.post(S.person(study, code) + "/eligibility", ["q-age": "16", "q-buprenorphine": "yes", "q-weekly-group": "yes"])
            #expect(young.status == .seeOther)
            let row = try #require(try await StudyScreeningModel.query(on: app.db).first())
            #expect(row.eligibility == .ineligible)
            #expect(row.eligibilityReason == "ineligible: inclusion rule adult (aged 18 or over; answer 16) not met")
            let page = try await researcher.get(S.person(study, code))
            #expect(page.text.contains("Not eligible"))
            #expect(!page.text.contains("Did they agree to take part?"), "only an eligible person is asked")
            let refused = try await researcher.post(S.person(study, code) + "/agreement", ["agreed": "yes"])
            #expect(refused.text.contains("Record eligibility first"))

            try await S.eligibleAndAgreed(researcher, study, code)
            let updated = try #require(try await StudyScreeningModel.query(on: app.db).first())
            #expect(updated.eligibility == .eligible)
            #expect(updated.eligibilityReason == "eligible: every rule met")
            #expect(updated.agreed == true)
            #expect(try await researcher.get(S.person(study, code)).text.contains("Agreed"))
        }
    }

    @Test("Declining needs a reason; withdrawal records the stage reached and the reason and closes the record; the log filters by stage")
    func declineWithdrawAndFilter() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let first = try await S.approach(researcher, study)
            let second = try await S.approach(researcher, study)
            let third = try await S.approach(researcher, study)
            try await researcher.get(S.person(study, first))
            _ = try await researcher.post(S.person(study, first) + "/eligibility", S.trialAnswers)
            let noReason = try await researcher.post(S.person(study, first) + "/agreement", ["agreed": "no"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains("Enter the reason they gave for declining"))
            #expect(try await researcher.post(S.person(study, first) + "/agreement", ["agreed": "no", "reason": "Too far to travel"]).status == .seeOther)

            try await S.eligibleAndAgreed(researcher, study, second)
            try await researcher.get(S.person(study, second))
            let noKind = try await researcher.post(S.person(study, second) + "/exit", ["exitReason": "Moved away"])
            #expect(noKind.text.contains("Choose whether they withdrew or were lost to follow-up"))
            #expect(noKind.text.contains("value=\"Moved away\""))
            #expect(try await researcher.post(S.person(study, second) + "/exit", ["kind": "withdrawn", "exitReason": "Moved away"]).status == .seeOther)
            let row = try #require(try await StudyScreeningModel.query(on: app.db).filter(\.$code == second).first())
            #expect(row.exitKind == .withdrawn)
            #expect(row.exitStage == .agreed)
            #expect(row.exitReason == "Moved away")
            #expect(row.exitedOn == "2026-03-05")
            let closed = try await researcher.post(S.person(study, second) + "/agreement", ["agreed": "no", "reason": "x"])
            #expect(closed.status == .conflict)

            let all = try await researcher.get(S.path(study) + "/screening")
            #expect(all.text.contains("Withdrawn (after agreed)"))
            #expect(all.text.contains("Too far to travel"))
            let declined = try await researcher.get(S.path(study) + "/screening?stage=declined")
            #expect(declined.text.contains(first))
            #expect(!declined.text.contains(">\(second)<"))
            #expect(!declined.text.contains(">\(third)<"))
            let approached = try await researcher.get(S.path(study) + "/screening?stage=approached")
            #expect(approached.text.contains(">\(third)<"))
            #expect(!approached.text.contains(">\(first)<"))
        }
    }

    @Test("Every staff read of the log and of a person's record is audited, with ids only")
    func readsAreAudited() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study)
            let row = try #require(try await StudyScreeningModel.query(on: app.db).first())
            let before = try await AuditEventModel.query(on: app.db).filter(\.$action == .studyRecordViewed).count()
            try await researcher.get(S.person(study, code))
            try await researcher.get(S.path(study) + "/screening")
            let views = try await AuditEventModel.query(on: app.db).filter(\.$action == .studyRecordViewed).all()
            #expect(views.count == before + 1)
            #expect(views.last?.subjectKind == .screening)
            #expect(views.last?.subjectID == row.id)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .screeningLogViewed).count() >= 1)
        }
    }

    @Test("A facilitator on the study's staff may read the log but not change it")
    func facilitatorReadsOnly() async throws {
        try await withTendApp { app in
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study)
            let user = try await Fixtures.user(.facilitator, on: app)
            try await S.addStaff(researcher, study, user, role: .facilitator)
            let facilitator = try await F.signIn(user, on: app)
            let log = try await facilitator.get(S.path(study) + "/screening")
            #expect(log.status == .ok)
            #expect(!log.text.contains("Add a person approached"))
            #expect(try await facilitator.post(S.path(study) + "/screening", ["approachedOn": "2026-03-01"]).status == .forbidden)
            #expect(try await facilitator.post(S.person(study, code) + "/eligibility", S.trialAnswers).status == .forbidden)
        }
    }
}
