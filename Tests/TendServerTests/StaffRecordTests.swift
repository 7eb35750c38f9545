import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Records staff keep on a person's study record: biochemical tests (a visit, one row per substance),
/// medication and dose, reimbursements. Each form names the field at fault and keeps what was typed;
/// corrections and deletions are audited by record id; other studies' staff cannot reach them.
@Suite("Staff records on a person's study record")
struct StaffRecordTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    static func records(_ study: UUID, _ code: String, _ kind: String) -> String { S.person(study, code) + "/records/" + kind }

    @Test("A visit's tests: bad input names each field and keeps what was typed; a good visit saves one row per substance")
    func visitForm() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study, on: "2026-03-01")
            try await researcher.get(S.person(study, code))
            let path = Self.records(study, code, "tests")

            let nothing = try await researcher.post(path, ["test-date": "2026-02-30", "test-note": "sample cold on arrival"])
            #expect(nothing.status == .unprocessableEntity)
            #expect(nothing.text.contains("Test date must be a real date written as year-month-day"))
            #expect(nothing.text.contains("Choose the specimen: urine or saliva"))
            #expect(nothing.text.contains("Choose a result for at least one substance tested at this visit"))
            #expect(nothing.text.contains("value=\"2026-02-30\""))
            #expect(nothing.text.contains("value=\"sample cold on arrival\""))
            #expect(nothing.text.contains("<title>Error: "))

            let early = try await researcher.post(path, ["test-date": "2026-02-27", "test-specimen": "urine", "test-result-opioids": "negative",
                                                         "test-result-other": "positive"])
            #expect(early.status == .unprocessableEntity)
            #expect(early.text.contains("Test date cannot be before they were approached for the study (2026-03-01)"))
            #expect(early.text.contains("Enter the name of the other substance tested"))
            #expect(early.text.contains("<option value=\"negative\" selected=\"selected\">"), "the opioid result is kept")

            let future = try await researcher.post(path, ["test-date": "2026-03-06", "test-specimen": "saliva", "test-result-cannabis": "maybe"])
            #expect(future.text.contains("Test date cannot be in the future (today is 2026-03-05)"))
            #expect(future.text.contains("Choose a result for cannabis: negative, positive, not done or invalid"))
            #expect(try await BiochemicalTestModel.query(on: app.db).count() == 0)

            let saved = try await researcher.post(path, ["test-date": "2026-03-04", "test-specimen": "urine", "test-result-opioids": "negative",
                                                         "test-result-cocaine": "positive", "test-other-name": "Ketamine",
                                                         "test-result-other": "not-done", "test-note": "observed sample"])
            #expect(saved.status == .seeOther)
            #expect(saved.location == S.person(study, code) + "#staff-tests")
            let rows = try await BiochemicalTestModel.query(on: app.db).all()
            #expect(Set(rows.map(\.substanceLabel)) == ["Opioids", "Cocaine", "Ketamine"])
            #expect(rows.allSatisfy { $0.date == "2026-03-04" && $0.specimen == .urine && $0.note == "observed sample" })
            #expect(rows.first { $0.substance == .cocaine }?.result == .positive)
            let added = try await AuditEventModel.query(on: app.db).filter(\.$action == .staffRecordAdded).all()
            #expect(Set(added.compactMap(\.subjectID)) == Set(rows.compactMap(\.id)))
            #expect(added.allSatisfy { $0.subjectKind == .biochemicalTest })
            let page = try await researcher.get(S.person(study, code))
            #expect(page.text.contains("Ketamine"))
            #expect(page.text.contains("observed sample"))
        }
    }

    @Test("Medication and reimbursement forms: dose ranges, dates and amounts refused with the field named and the input kept")
    func medicationAndReimbursementForms() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study, on: "2026-03-01")
            try await researcher.get(S.person(study, code))

            let high = try await researcher.post(Self.records(study, code, "medications"),
                                                 ["med-medicine": "buprenorphine", "med-dose": "320", "med-unit": "mg-per-day",
                                                  "med-from": "2026-03-01", "med-to": "2026-02-01"])
            #expect(high.status == .unprocessableEntity)
            #expect(high.text.contains("Dose of buprenorphine must be from 0.4 to 32 mg (mg a day); you entered 320"))
            #expect(high.text.contains("Date to cannot be before the date from (2026-03-01)"))
            #expect(high.text.contains("value=\"320\""))
            #expect(high.text.contains("value=\"2026-02-01\""))
            let methadoneDepot = try await researcher.post(Self.records(study, code, "medications"),
                                                           ["med-medicine": "methadone", "med-dose": "60", "med-unit": "mg-per-injection", "med-from": "2026-03-01"])
            #expect(methadoneDepot.text.contains("Methadone is not given as a depot injection; choose mg a day"))
            let other = try await researcher.post(Self.records(study, code, "medications"),
                                                  ["med-medicine": "other", "med-dose": "1,5", "med-unit": "mg-per-day", "med-from": "2026-03-01"])
            #expect(other.text.contains("Enter the name of the other medicine"))
            #expect(other.text.contains("Dose must be a number of mg, like 16 or 2.5 (a point for decimals)"))
            let dose = try await researcher.post(Self.records(study, code, "medications"),
                                                 ["med-medicine": "buprenorphine", "med-dose": "16", "med-unit": "mg-per-day", "med-from": "2026-02-20"])
            #expect(dose.status == .seeOther)
            let stored = try #require(try await MedicationDoseModel.query(on: app.db).first())
            #expect(stored.dose == 16 && stored.medicine == .buprenorphine && stored.toDate == nil && stored.fromDate == "2026-02-20")

            let pay = Self.records(study, code, "reimbursements")
            let bad = try await researcher.post(pay, ["pay-date": "2026-03-04", "pay-amount": "12.345", "pay-currency": "pounds",
                                                      "pay-purpose": "baseline visit", "pay-given-by": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Amount must be a number like 20 or 12.50 (a point for decimals, at most two decimal places) (you entered 12.345)"))
            #expect(bad.text.contains("Currency must be a three-letter code, like GBP, EUR or USD"))
            #expect(bad.text.contains("Enter who gave it"))
            #expect(bad.text.contains("value=\"baseline visit\""))
            #expect(bad.text.contains("value=\"12.345\""))
            let tooMuch = try await researcher.post(pay, ["pay-date": "2026-03-04", "pay-amount": "0", "pay-currency": "GBP",
                                                          "pay-purpose": "baseline visit", "pay-given-by": "Research nurse"])
            #expect(tooMuch.text.contains("Amount must be more than 0 (you entered 0)"))
            let good = try await researcher.post(pay, ["pay-date": "2026-03-04", "pay-amount": "20", "pay-currency": "gbp",
                                                       "pay-purpose": "baseline visit", "pay-given-by": "Research nurse"])
            #expect(good.status == .seeOther)
            let payment = try #require(try await ReimbursementModel.query(on: app.db).first())
            #expect(payment.amountMinor == 2000 && payment.currency == "GBP")
            let page = try await researcher.get(S.person(study, code))
            #expect(page.text.contains("GBP 20.00"))
            #expect(page.text.contains("16 mg a day"))
        }
    }

    @Test("Correcting and deleting a record: bad input is kept on the edit page; each change leaves an audit entry without the values")
    func correctAndDelete() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let study = try await S.create(researcher)
            let code = try await S.approach(researcher, study, on: "2026-03-01")
            try await researcher.get(S.person(study, code))
            _ = try await researcher.post(Self.records(study, code, "tests"),
                                          ["test-date": "2026-03-04", "test-specimen": "urine", "test-result-opioids": "positive"])
            let test = try #require(try await BiochemicalTestModel.query(on: app.db).first())
            let path = Self.records(study, code, "tests") + "/" + test.id!.uuidString.lowercased()
            let person = try await researcher.get(S.person(study, code))
            #expect(person.text.contains("href=\"\(path)\""))

            let edit = try await researcher.get(path)
            #expect(edit.status == .ok)
            #expect(edit.text.contains("Correct a biochemical test result"))
            #expect(edit.text.contains("value=\"positive\" checked=\"checked\""))
            let bad = try await researcher.post(path, ["test-date": "yesterday", "test-specimen": "urine", "test-substance": "opioids",
                                                       "test-result": "negative", "test-note": "misread strip"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Test date must be a real date written as year-month-day"))
            #expect(bad.text.contains("value=\"yesterday\""))
            #expect(bad.text.contains("value=\"misread strip\""))
            #expect(try await BiochemicalTestModel.find(test.id, on: app.db)?.result == .positive)

            let fixed = try await researcher.post(path, ["test-date": "2026-03-04", "test-specimen": "urine", "test-substance": "opioids",
                                                         "test-result": "negative", "test-note": "misread strip"])
            #expect(fixed.status == .seeOther)
            let corrected = try #require(try await BiochemicalTestModel.find(test.id, on: app.db))
            #expect(corrected.result == .negative && corrected.note == "misread strip")
            let correction = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == .staffRecordCorrected).first())
            #expect(correction.subjectID == test.id && correction.subjectKind == .biochemicalTest)

            let deleted = try await researcher.post(path + "/delete", [:])
            #expect(deleted.status == .seeOther)
            #expect(try await BiochemicalTestModel.query(on: app.db).count() == 0)
            let deletion = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == .staffRecordDeleted).first())
            #expect(deletion.subjectID == test.id)
            #expect(try await researcher.get(path).status == .notFound)
        }
    }

    @Test("Blinded research staff may record; another study's staff get 404 for the records, their edit pages and the timeline")
    func access() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let study = try await S.create(admin)
            #expect(try await S.edit(admin, study, { $0.blindedRoles = [.outcomeAssessor] }, on: app).status == .seeOther)
            let assessorUser = try await Fixtures.user(.researcher, email: "assessor@example.org", name: "Alex Assessor", on: app)
            try await S.addStaff(admin, study, assessorUser, role: .outcomeAssessor)
            let code = try await S.approach(admin, study, on: "2026-03-01")

            let assessor = try await F.signIn(assessorUser, on: app)
            try await assessor.get(S.person(study, code))
            let recorded = try await assessor.post(Self.records(study, code, "tests"),
                                                   ["test-date": "2026-03-04", "test-specimen": "saliva", "test-result-opioids": "negative"])
            #expect(recorded.status == .seeOther)
            let test = try #require(try await BiochemicalTestModel.query(on: app.db).first())

            let outsiderUser = try await Fixtures.user(.researcher, email: "other@example.org", name: "Other Study", on: app)
            let outsider = try await F.signIn(outsiderUser, on: app)
            _ = try await S.create(outsider, title: "Another study")
            try await outsider.get("/studies")
            let edit = Self.records(study, code, "tests") + "/" + test.id!.uuidString.lowercased()
            #expect(try await outsider.get(edit).status == .notFound)
            #expect(try await outsider.get(S.person(study, code) + "/timeline").status == .notFound)
            #expect(try await outsider.post(Self.records(study, code, "tests"), ["test-date": "2026-03-04", "test-specimen": "urine",
                                                                                 "test-result-opioids": "positive"]).status == .notFound)
            #expect(try await outsider.post(edit + "/delete", [:]).status == .notFound)
            #expect(try await BiochemicalTestModel.query(on: app.db).count() == 1)
        }
    }
}
