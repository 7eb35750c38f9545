import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// A participant's timeline for staff: every kind of event in date order, grouped by week, newest first
/// or oldest first; practice as counts without the participant's words; the arm hidden from blinded staff.
@Suite("Participant timeline")
struct ParticipantTimelineTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    @Test("The timeline has each kind of event in order, counts practice without its text, and hides the arm from blinded staff")
    func timeline() async throws {
        try await withTendApp { app in
            let hand = F.clock(app, at: "2026-03-05T10:00:00Z")
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let study = try await S.create(admin)
            #expect(try await S.edit(admin, study, { $0.blindedRoles = [.outcomeAssessor] }, on: app).status == .seeOther)
            let assessorUser = try await Fixtures.user(.researcher, email: "assessor@example.org", name: "Alex Assessor", on: app)
            try await S.addStaff(admin, study, assessorUser, role: .outcomeAssessor)
            try await S.open(admin, study)
            let code = try await S.approach(admin, study, on: "2026-03-01")
            try await S.eligibleAndAgreed(admin, study, code)
            let participant = try await S.join(app, try await S.invite(admin, study, code), email: "p@example.org")
            let definition = try await S.definition(study, on: app)
            try await S.consentToAll(participant, definition)
            let allocation = try #require(try await StudyAllocationModel.query(on: app.db).first())
            let armName = try #require(definition.arm(allocation.arm)?.name)
            let user = try #require(try await StudyScreeningModel.query(on: app.db).filter(\.$code == code).first()?.$user.id)

            // A weekly group meeting on Tuesdays from 10 March, with session 1 attended.
            let facilitator = try await Fixtures.user(.facilitator, email: "fac@example.org", on: app)
            let group = GroupModel(name: "Tuesday group", programmeID: "compassionate-living-pain", versionID: "eight-session",
                                   plan: GroupPlan(startDate: LocalDate("2026-03-09")!, weekday: .tuesday, time: LocalTime("18:30")!,
                                                   timeZone: TimeZone(identifier: "UTC")!),
                                   callLink: "https://meet.example.org/room", facilitatorID: facilitator.id!)
            try await group.create(on: app.db)
            let member = RosterMemberModel(displayName: code, studyCode: code, groupID: group.id!)
            member.$user.id = user
            try await member.create(on: app.db)
            try await AttendanceMarkModel(groupID: group.id!, memberID: member.id!, sessionPosition: 1, mark: .attended,
                                          recordedByID: facilitator.id!).create(on: app.db)
            // Practice and a diary day, with words that must not show.
            let practice = PracticeEntryModel()
            practice.$user.id = user
            practice.date = "2026-03-11"
            practice.minutes = 20
            practice.note = "private practice words"
            try await practice.create(on: app.db)
            let diary = DiaryEntryModel()
            diary.$user.id = user
            diary.date = "2026-03-12"
            diary.pain = 4
            diary.note = "private diary words"
            diary.inCollection = false
            diary.saves = 1
            try await diary.create(on: app.db)
            // A questionnaire submitted with its score, and an alert raised and acknowledged.
            let submitted = F.instant("2026-03-13T09:00:00Z")
            let assignment = try await QuestionnaireAssignmentModel.query(on: app.db).filter(\.$user.$id == user)
                .filter(\.$instrumentID == "craving").filter(\.$timepointID == "week-2").first() ?? QuestionnaireAssignmentModel()
            assignment.$user.id = user
            assignment.studyID = study
            assignment.instrumentID = "craving"
            assignment.timepointID = "week-2"
            assignment.timeZone = "UTC"
            assignment.opensOn = "2026-03-10"
            assignment.dueOn = "2026-03-13"
            assignment.closesOn = "2026-03-16"
            assignment.status = "completed"
            assignment.answersJSON = "[7]"
            assignment.setScoreSheet(QuestionnaireScoreSheet(scores: [.init(measure: "craving.total", score: 7, band: nil, proratedItems: [])], missing: []))
            assignment.submittedAt = submitted
            assignment.createdAt = submitted
            assignment.updatedAt = submitted
            try await assignment.save(on: app.db)
            let alert = SafetyAlertModel()
            alert.key = "timeline-test"
            alert.$user.id = user
            alert.studyID = study
            alert.kind = "extremely-severe"
            alert.measure = "craving.total"
            alert.timepoint = "week-2"
            alert.value = 7
            alert.threshold = 7
            alert.detail = "craving at the top of its scale"
            alert.raisedAt = F.instant("2026-03-13T09:00:01Z")
            alert.acknowledgedAt = F.instant("2026-03-14T11:00:00Z")
            alert.$acknowledgedBy.id = facilitator.id
            alert.note = "private acknowledgement note"
            try await alert.create(on: app.db)

            try await F.travel(hand, to: "2026-03-20T10:00:00Z", admin)
            try await admin.get(S.person(study, code))
            #expect(try await admin.post(S.person(study, code) + "/records/tests",
                                         ["test-date": "2026-03-16", "test-specimen": "urine", "test-result-opioids": "negative"]).status == .seeOther)
            #expect(try await admin.post(S.person(study, code) + "/records/reimbursements",
                                         ["pay-date": "2026-03-18", "pay-amount": "10", "pay-currency": "GBP", "pay-purpose": "week 2 visit",
                                          "pay-given-by": "Research nurse"]).status == .seeOther)

            let person = try await admin.get(S.person(study, code))
            #expect(person.text.contains("href=\"\(S.person(study, code))/timeline\""))
            let oldest = try await admin.get(S.person(study, code) + "/timeline?order=oldest")
            #expect(oldest.status == .ok)
            let chain = [
                "Approached for the study", "Signed consent form version v1", "Allocated when they consented: " + armName,
                "Session 1, ", "1 practice entry (20 minutes)", "Completed craving at week-2: craving.total 7",
                "Alert raised: extremely severe, craving.total", "Alert acknowledged (extremely severe, craving.total)",
                "Urine test for opioids: negative", "Session 2, ", "1 diary day", "Reimbursement of GBP 10.00 for week 2 visit",
            ]
            let positions = try chain.map { text in try #require(oldest.text.range(of: text), "missing: \(text)").lowerBound }
            #expect(positions == positions.sorted(), "oldest first in this order: \(chain)")
            #expect(oldest.text.contains("Session 1, “") && oldest.text.contains("”: attended"))
            #expect(oldest.text.contains("Session 2, “") && oldest.text.contains("”: attendance not recorded"))
            #expect(oldest.text.contains("Week starting 2026-03-12 (study week 2)"))
            for privateText in ["private practice words", "private diary words", "private acknowledgement note"] {
                #expect(!oldest.text.contains(privateText))
            }
            let newest = try await admin.get(S.person(study, code) + "/timeline")
            let first = try #require(newest.text.range(of: "Reimbursement of GBP 10.00")).lowerBound
            let last = try #require(newest.text.range(of: "Approached for the study")).lowerBound
            #expect(first < last, "newest first by default")
            #expect(newest.text.contains("Show oldest first"))
            let viewed = try await AuditEventModel.query(on: app.db).filter(\.$action == .studyTimelineViewed).count()
            #expect(viewed == 2)

            let assessor = try await F.signIn(assessorUser, on: app)
            let blinded = try await assessor.get(S.person(study, code) + "/timeline")
            #expect(blinded.status == .ok)
            #expect(blinded.text.contains("Allocated when they consented"))
            #expect(blinded.text.contains("Urine test for opioids: negative"))
            #expect(blinded.text.contains("Completed craving at week-2"))
            #expect(!blinded.text.contains("Session 1"), "sessions would reveal the arm")
            #expect(!blinded.text.contains("practice entry"), "practice would reveal the arm")
            for arm in definition.arms {
                #expect(!blinded.text.contains(arm.name), "blinded staff never see \(arm.name)")
                #expect(!blinded.text.contains(arm.id), "blinded staff never see the arm id \(arm.id)")
            }
        }
    }
}
