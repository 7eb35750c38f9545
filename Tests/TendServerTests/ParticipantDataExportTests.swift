import Fluent
import Foundation
import TendCore
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// "My data": the participant's own data as JSON and CSV, the deletion request, and an admin carrying it out.
@Suite("A participant's own data")
struct ParticipantDataExportTests {
    /// Sam and Kim in one weekly group, each with attendance marks and a draft.
    struct TwoParticipants {
        var facilitator: Browser
        var group: UUID
        var sam: Browser
        var kim: Browser
        var samUser: UserModel
        var kimUser: UserModel
    }

    static func twoParticipants(_ app: Application) async throws -> TwoParticipants {
        let enrolled = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup, joinedAt: "2026-03-01T10:00:00Z")
        let kimPath = try await ParticipantFixtures.addAndInvite(enrolled.facilitator, group: enrolled.group, name: "Kim", code: "P-KIM")
        let kim = try await ParticipantFixtures.join(app, kimPath, email: "kim@example.org")
        let samUser = try #require(try await UserModel.query(on: app.db).filter(\.$email == "sam@example.org").first())
        let kimUser = try #require(try await UserModel.query(on: app.db).filter(\.$email == "kim@example.org").first())
        let facilitatorID = try #require(try await UserModel.query(on: app.db).filter(\.$role == .facilitator).first()?.id)
        let members = try await RosterMemberModel.query(on: app.db).all()
        for member in members {
            let marks: [AttendanceMark] = member.studyCode == "P-SAM" ? [.attended, .missed] : [.excused]
            for (index, mark) in marks.enumerated() {
                try await AttendanceMarkModel(groupID: enrolled.group, memberID: member.requireID(), sessionPosition: index + 1,
                                              mark: mark, recordedByID: facilitatorID).create(on: app.db)
            }
        }
        try await enrolled.participant.get("/my/data")
        try await kim.get("/my/data")
        try await enrolled.participant.post("/my/drafts/practice-log", ["what": "Sam's breathing notes"])
        try await kim.post("/my/drafts/practice-log", ["what": "Kim's walk"])
        return TwoParticipants(facilitator: enrolled.facilitator, group: enrolled.group, sam: enrolled.participant, kim: kim,
                               samUser: samUser, kimUser: kimUser)
    }

    @Test("The CSV holds exactly the participant's own rows, section by section, and the download is audited")
    func csv() async throws {
        try await withTendApp { app in
            let people = try await Self.twoParticipants(app)
            let response = try await people.sam.get("/my/data.csv")
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(response.headers.first(name: .contentDisposition)?.contains("attachment; filename=\"tend-my-data-") == true)
            let text = response.text
            #expect(text.hasPrefix("\u{FEFF}section,item,field,value,recorded_at\r\n"))
            #expect(text.contains("account,account,email,sam@example.org,"))
            #expect(text.contains("group_memberships,Tuesday evening group,study_code,P-SAM,"))
            #expect(text.contains("group_memberships,Tuesday evening group,name_on_roster,Sam,"))
            #expect(text.contains("attendance,Tuesday evening group,session 1,Attended,"))
            #expect(text.contains("attendance,Tuesday evening group,session 2,Missed,"))
            #expect(text.contains("invitations_used,Tuesday evening group,used_at,"))
            #expect(text.contains("drafts,practice-log,what,Sam's breathing notes,"))
            for other in ["kim@example.org", "P-KIM", "Kim's walk", "Excused"] {
                #expect(!text.contains(other), "Kim's data (\(other)) must not be in Sam's download")
            }
            let lines = text.split(separator: "\r\n")
            #expect(lines.filter { $0.hasPrefix("attendance,") }.count == 2)
            #expect(lines.filter { $0.hasPrefix("account,") }.count == 4)

            let audited = try await AuditEventModel.query(on: app.db).filter(\.$action == .participantDataExported).all()
            #expect(audited.count == 1)
            #expect(audited.first?.$actor.id == people.samUser.id)
            #expect(audited.first?.subjectID == people.samUser.id)
        }
    }

    @Test("The JSON holds the same sections in order, with only the participant's records")
    func json() async throws {
        try await withTendApp { app in
            let people = try await Self.twoParticipants(app)
            let response = try await people.kim.get("/my/data.json")
            #expect(response.status == .ok)
            struct Export: Decodable {
                struct Section: Decodable {
                    struct Record: Decodable {
                        var item: String
                        var field: String
                        var value: String
                        var recorded_at: String?
                    }
                    var name: String
                    var records: [Record]
                }
                var format: String
                var exported_at: String
                var sections: [Section]
            }
            let export = try JSONDecoder().decode(Export.self, from: Data(response.text.utf8))
            #expect(export.format == "tend-participant-data/1")
            #expect(export.sections.map(\.name) == ParticipantDataExport.sections.map { $0.name })
            #expect(export.sections.map(\.name) == ["account", "group_memberships", "attendance", "invitations_used", "drafts",
                                                   "practice_entries", "medicines", "diary_entries", "diary_doses", "thought_records",
                                                   "check_in_messages", "reminder_preferences", "notifications",
                                                   "study_drug_tests", "study_medication_doses", "study_reimbursements"])
            let byName = Dictionary(uniqueKeysWithValues: export.sections.map { ($0.name, $0.records) })
            #expect(byName["account"]?.first { $0.field == "email" }?.value == "kim@example.org")
            #expect(byName["attendance"]?.map(\.value) == ["Excused"])
            #expect(byName["drafts"]?.map(\.value) == ["Kim's walk"])
            #expect(byName["group_memberships"]?.contains { $0.field == "study_code" && $0.value == "P-KIM" } == true)
            #expect(!response.text.contains("sam@example.org") && !response.text.contains("P-SAM") && !response.text.contains("Sam's"))
        }
    }

    @Test("A value that a spreadsheet would read as a formula is written as text")
    func formulaSafe() {
        #expect(ParticipantDataExport.csvLine(["drafts", "x", "note", "=HYPERLINK(\"a\")", ""]) == "drafts,x,note,\"'=HYPERLINK(\"\"a\"\")\",\r\n")
        #expect(ParticipantDataExport.spreadsheetSafe("-3") == "'-3")
        #expect(ParticipantDataExport.spreadsheetSafe("plain") == "plain")
    }

    @Test("Asking for deletion needs the right password; a wrong one keeps the page and the note")
    func deletionRequest() async throws {
        try await withTendApp { app in
            let people = try await Self.twoParticipants(app)
            let page = try await people.sam.get("/my/data")
            #expect(page.text.contains("Ask for your data to be deleted"))
            #expect(page.text.contains("the audit trail is kept") || page.text.contains("The audit trail is kept"))

            let empty = try await people.sam.post("/my/data/deletion-request", ["note": "Contact me first, please"])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Enter the password you sign in with, to confirm it is you."))
            #expect(empty.text.contains("href=\"#password\""))

            let wrong = try await people.sam.post("/my/data/deletion-request", ["note": "Contact me first, please", "password": "wrong password"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("That password is not right. Enter the password you sign in with."))
            #expect(wrong.text.contains(">Contact me first, please</textarea>"))
            #expect(!wrong.text.contains("wrong password"))
            #expect(try await DeletionRequestModel.query(on: app.db).count() == 0)

            let long = try await people.sam.post("/my/data/deletion-request",
                                                 ["note": String(repeating: "x", count: 2001), "password": ParticipantFixtures.password])
            #expect(long.status == .unprocessableEntity)
            #expect(long.text.contains("Keep the note to 2000 characters or fewer (it has 2001)."))

            let sent = try await people.sam.post("/my/data/deletion-request", ["note": "Contact me first, please", "password": ParticipantFixtures.password])
            #expect(sent.status == .seeOther)
            #expect(sent.location == "/my/data")
            let request = try #require(try await DeletionRequestModel.query(on: app.db).first())
            #expect(request.$user.id == people.samUser.id)
            #expect(request.note == "Contact me first, please")
            #expect(request.isPending)
            let after = try await people.sam.get("/my/data")
            #expect(after.text.contains("You asked for your data to be deleted on"))
            #expect(!after.text.contains("data-autosave="))
            // The script still loads, to forget the copy of the form kept on this device.
            #expect(after.text.contains("<script src=\"/autosave.js\""))

            // Asking twice does not make a second request.
            try await people.sam.post("/my/data/deletion-request", ["password": ParticipantFixtures.password])
            #expect(try await DeletionRequestModel.query(on: app.db).count() == 1)

            let audited = try await AuditEventModel.query(on: app.db).filter(\.$action == .deletionRequested).all()
            #expect(audited.count == 1)
            #expect(audited.first?.subjectID == people.samUser.id)
        }
    }

    @Test("Wrong passwords on the deletion form are throttled with sign-in failures, keeping the note")
    func throttled() async throws {
        try await withTendApp { app in
            let user = try await Fixtures.user(.participant, on: app)
            let browser = try await ParticipantFixtures.signIn(user, on: app)
            try await browser.get("/my/data")
            let limit = app.tend.throttle.accountFailures
            for _ in 0..<limit {
                let wrong = try await browser.post("/my/data/deletion-request", ["note": "Keep this", "password": "guess"])
                #expect(wrong.status == .unprocessableEntity)
            }
            let blocked = try await browser.post("/my/data/deletion-request", ["note": "Keep this", "password": Fixtures.password])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.text.contains("Too many wrong passwords. For your safety, try again in"))
            #expect(blocked.text.contains(">Keep this</textarea>"))
            #expect(try await DeletionRequestModel.query(on: app.db).count() == 0)
        }
    }

    @Test("An admin carries out a request: the participant's records go, the account is anonymised, the audit trail stays")
    func carriedOut() async throws {
        try await withTendApp { app in
            let people = try await Self.twoParticipants(app)
            let samID = try people.samUser.requireID()
            try await people.sam.get("/my/data")
            try await people.sam.post("/my/data/deletion-request", ["note": "Thank you", "password": ParticipantFixtures.password])
            let request = try #require(try await DeletionRequestModel.query(on: app.db).first())
            let requestID = try request.requireID().uuidString.lowercased()
            let auditBefore = try await AuditEventModel.query(on: app.db).filter(\.$actor.$id == samID).count()
            #expect(auditBefore > 0)

            // Not for anyone but an admin.
            #expect(try await people.facilitator.post("/admin/deletion-requests/\(requestID)/carry-out", ["understood": "yes"]).status == .forbidden)
            #expect(try await people.kim.post("/admin/deletion-requests/\(requestID)/carry-out", ["understood": "yes"]).status == .forbidden)

            let admin = try await Fixtures.signedIn(.admin, on: app)
            let list = try await admin.get("/admin/deletion-requests")
            #expect(list.status == .ok)
            #expect(list.text.contains("sam@example.org"))
            #expect(list.text.contains("Thank you"))
            #expect(list.text.contains("The audit trail is kept, as the law requires"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .deletionRequestsViewed).count() == 1)

            let unticked = try await admin.post("/admin/deletion-requests/\(requestID)/carry-out", [:])
            #expect(unticked.status == .unprocessableEntity)
            #expect(unticked.text.contains("Tick the box to confirm you understand this deletion cannot be undone."))
            #expect(try await RosterMemberModel.query(on: app.db).filter(\.$user.$id == samID).count() == 1)

            let done = try await admin.post("/admin/deletion-requests/\(requestID)/carry-out", ["understood": "yes"])
            #expect(done.status == .seeOther)
            #expect(try await admin.get(done.location ?? "").text.contains("The deletion was carried out."))

            // Sam's records are gone; Kim's are untouched.
            #expect(try await RosterMemberModel.query(on: app.db).filter(\.$user.$id == samID).count() == 0)
            #expect(try await RosterMemberModel.query(on: app.db).count() == 1)
            #expect(try await AttendanceMarkModel.query(on: app.db).count() == 1)
            #expect(try await ParticipantInvitationModel.query(on: app.db).count() == 1)
            #expect(try await DraftModel.query(on: app.db).filter(\.$user.$id == samID).count() == 0)
            #expect(try await DraftModel.query(on: app.db).count() == 1)

            let account = try #require(try await UserModel.find(samID, on: app.db))
            #expect(account.name == "Deleted account")
            #expect(account.email == "deleted-\(samID.uuidString.lowercased())@deleted.invalid")

            let closed = try #require(try await DeletionRequestModel.find(request.requireID(), on: app.db))
            #expect(closed.completedAt != nil)
            #expect(closed.note == nil)
            #expect(closed.$completedBy.id != nil)

            // The audit trail keeps every entry, pointing at the anonymised account, plus the deletion itself.
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$actor.$id == samID).count() == auditBefore)
            let deletion = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == .deletionCarriedOut).first())
            #expect(deletion.subjectID == samID)

            // Sam's session has ended, and the old address and password no longer sign in.
            let home = try await people.sam.get("/")
            #expect(home.status == .found)
            #expect(home.location?.hasPrefix("/login") == true)
            let again = Browser(app)
            try await again.get("/login")
            let signIn = try await again.post("/login", ["email": "sam@example.org", "password": ParticipantFixtures.password])
            #expect(signIn.status != .seeOther)

            // Nothing is left waiting.
            #expect(try await admin.get("/admin/deletion-requests").text.contains("There are no requests waiting."))
        }
    }
}
