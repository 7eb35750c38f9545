import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import TendCore
@testable import TendServer

/// Concealed randomisation: allocation with TendCore's sequence at index = number already allocated in
/// the stratum, one transaction with a unique slot, safe under concurrency; allocation at consent or by
/// staff with a documented reason; groups for arms, the waitlist flag, and the statistician's list.
@Suite("Study allocation")
struct AllocationTests {
    typealias S = StudyFixtures
    typealias F = ParticipantFixtures

    @Test("Consenting in an open trial allocates at once, to the arm the recorded seed's sequence gives; the participant never sees it")
    func allocatesAtConsent() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, code, participant) = try await S.consentingParticipant(app, staff: researcher)
            let definition = try await S.definition(study, on: app)
            try await S.consentToAll(participant, definition)
            let row = try #require(try await StudyAllocationModel.query(on: app.db).first())
            let seed = try #require(try await StudyModel.find(study, on: app.db)?.seed)
            let expected = try AllocationSequence(seed: seed, study: definition).allocation(at: 0)
            #expect(row.sequenceIndex == 0)
            #expect(row.stratum == "")
            #expect(row.arm == expected.arm)
            #expect(row.block == expected.block)
            #expect(row.$allocatedBy.id == nil)
            #expect(row.allocatedAt == F.instant("2026-03-05T10:00:00Z"))
            #expect(!row.offerAfterFollowUp)
            for path in ["/", "/my/consent"] {
                let page = try await participant.get(path)
                for arm in definition.arms { #expect(!page.text.contains(arm.name), "\(path) names no arm") }
            }
            let record = try await researcher.get(S.person(study, code))
            #expect(record.text.contains("when they consented: " + definition.arm(row.arm)!.name))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .studyParticipantAllocated).count() == 1)
        }
    }

    @Test("Someone who consented before the study opened is allocated by staff, who must say why")
    func staffAllocation() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, code, participant) = try await S.consentingParticipant(app, staff: researcher, open: false)
            try await S.consentToAll(participant, try await S.definition(study, on: app))
            #expect(try await StudyAllocationModel.query(on: app.db).count() == 0)
            let closed = try await researcher.get(S.person(study, code))
            #expect(closed.text.contains("The study is not open for recruitment yet."))
            try await S.open(researcher, study)
            try await researcher.get(S.person(study, code))
            let early = try await researcher.post(S.person(study, code) + "/milestone", ["milestone": "baseline"])
            #expect(early.status == .unprocessableEntity)
            #expect(early.text.contains("Only an allocated person can reach baseline or completion"))
            let noNote = try await researcher.post(S.person(study, code) + "/allocate", [:])
            #expect(noNote.status == .unprocessableEntity)
            #expect(noNote.text.contains("Enter why you are allocating by hand"))
            let done = try await researcher.post(S.person(study, code) + "/allocate", ["note": "Consented before the study opened"])
            #expect(done.status == .seeOther)
            let row = try #require(try await StudyAllocationModel.query(on: app.db).first())
            #expect(row.$allocatedBy.id != nil)
            #expect(row.allocationNote == "Consented before the study opened")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .studyAllocatedByStaff).count() == 1)
            let page = try await researcher.get(S.person(study, code))
            #expect(page.text.contains("by staff"))
            #expect(!page.text.contains("Why you are allocating by hand"))
            #expect(try await researcher.post(S.person(study, code) + "/milestone", ["milestone": "baseline"]).status == .seeOther)
            let log = try await researcher.get(S.path(study) + "/screening?stage=baseline")
            #expect(log.text.contains(">\(code)<"))
        }
    }

    /// An open study made in the database, with `count` eligible, agreed people per stratum.
    static func openStudy(_ app: Application, definition: StudyDefinition, people: [[String: String]]) async throws -> (StudyModel, [StudyScreeningModel]) {
        let owner = try await Fixtures.user(.researcher, email: "owner@example.org", on: app)
        let study = try StudyModel(definition: definition, createdByID: owner.id!)
        study.status = .recruiting
        study.allocationSeed = "1234567890123"
        study.allocationMethod = AllocationSequence.methodVersion
        try await study.create(on: app.db)
        var rows: [StudyScreeningModel] = []
        for (i, strata) in people.enumerated() {
            let row = StudyScreeningModel(studyID: study.id!, number: i + 1, approachedOn: LocalDate("2026-03-01")!)
            row.eligibility = .eligible
            row.agreed = true
            row.strataJSON = strata.isEmpty ? nil : String(decoding: try JSONEncoder().encode(strata), as: UTF8.self)
            try await row.create(on: app.db)
            rows.append(row)
        }
        return (study, rows)
    }

    static func allocateConcurrently(_ app: Application, _ study: StudyModel, _ definition: StudyDefinition, _ rows: [StudyScreeningModel]) async throws {
        let now = F.instant("2026-03-05T10:00:00Z")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for row in rows {
                group.addTask {
                    _ = try await StudyEnrolment.allocate(screening: row, study: study, definition: definition, by: nil, note: nil, now: now, on: app.db)
                }
            }
            try await group.waitForAll()
        }
    }

    /// Every index 0..<n once, each the sequence's arm, and arms balanced within each complete block.
    static func checkStratum(_ rows: [StudyAllocationModel], stratum: String, sequence: AllocationSequence, count: Int) {
        let inStratum = rows.filter { $0.stratum == stratum }
        #expect(inStratum.map(\.sequenceIndex).sorted() == Array(0..<count), "every index once in \(stratum)")
        let expected = sequence.allocations(count: count, stratum: stratum)
        for row in inStratum {
            #expect(row.arm == expected[row.sequenceIndex].arm)
            #expect(row.block == expected[row.sequenceIndex].block)
        }
        for (block, members) in Dictionary(grouping: inStratum, by: \.block) {
            guard let size = members.first?.blockSize, members.count == size else { continue }
            let counts = Dictionary(grouping: members, by: \.arm).mapValues(\.count)
            let perArm = Set(zip(sequence.arms, sequence.ratios).map { arm, ratio in (counts[arm] ?? 0) * sequence.ratioSum / ratio })
            #expect(perArm.count == 1 && perArm.first == size, "block \(block) of \(stratum) is balanced: \(counts)")
        }
    }

    @Test("50 simultaneous allocations take indexes 0 to 49 once each, balanced within every complete block")
    func concurrentAllocations() async throws {
        try await withTendApp { app in
            let definition = try #require(StudyController.templates().first { $0.id == S.trial })
            let (study, rows) = try await Self.openStudy(app, definition: definition, people: Array(repeating: [:], count: 50))
            try await Self.allocateConcurrently(app, study, definition, rows)
            let allocations = try await StudyAllocationModel.query(on: app.db).filter(\.$study.$id == study.id!).all()
            #expect(allocations.count == 50)
            #expect(Set(allocations.map(\.$screening.id)).count == 50, "each person once")
            let sequence = try AllocationSequence(seed: study.seed!, study: definition)
            Self.checkStratum(allocations, stratum: "", sequence: sequence, count: 50)
            let complete = Dictionary(grouping: allocations, by: \.block).filter { $0.value.count == $0.value.first!.blockSize }
            #expect(!complete.isEmpty)
        }
    }

    @Test("Simultaneous allocations in two strata each take their own sequence from index 0")
    func concurrentStrata() async throws {
        try await withTendApp { app in
            var definition = try #require(StudyController.templates().first { $0.id == S.trial })
            definition.stratification = [StratificationFactor(id: "medication", label: "Medication", levels: ["methadone", "buprenorphine"])]
            let people = (0..<40).map { ["medication": $0 % 2 == 0 ? "methadone" : "buprenorphine"] }
            let (study, rows) = try await Self.openStudy(app, definition: definition, people: people)
            try await Self.allocateConcurrently(app, study, definition, rows)
            let allocations = try await StudyAllocationModel.query(on: app.db).all()
            let sequence = try AllocationSequence(seed: study.seed!, study: definition)
            Self.checkStratum(allocations, stratum: "medication=methadone", sequence: sequence, count: 20)
            Self.checkStratum(allocations, stratum: "medication=buprenorphine", sequence: sequence, count: 20)
            // Allocating someone again returns their allocation and takes no new slot.
            _ = try await StudyEnrolment.allocate(screening: rows[0], study: study, definition: definition, by: nil, note: nil,
                                                  now: F.instant("2026-03-06T10:00:00Z"), on: app.db)
            #expect(try await StudyAllocationModel.query(on: app.db).count() == 40)
        }
    }

    @Test("An arm's chosen group gets the allocated participant on its roster; a waitlist arm sets the offer-after-follow-up flag")
    func groupsAndWaitlist() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            var definition = try #require(StudyController.templates().first { $0.id == "ost-compassion-feasibility" })
            definition.arms = definition.arms.map { arm in var a = arm; a.allocated = true; return a }
            let (study, rows) = try await Self.openStudy(app, definition: definition, people: Array(repeating: ["medication": "methadone"], count: 6))
            let facilitator = try await Fixtures.user(.facilitator, on: app)
            let compassion = try #require(definition.arm("compassion")?.programme)
            let group = GroupModel(name: "Tuesday compassion", programmeID: compassion.id, versionID: compassion.version,
                                   plan: GroupPlan(startDate: LocalDate("2026-03-10")!, weekday: .tuesday, time: LocalTime("18:30")!,
                                                   timeZone: TimeZone(identifier: "Europe/London")!),
                                   callLink: "https://example.org/call", facilitatorID: facilitator.id!)
            try await group.create(on: app.db)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get(S.path(study.id!))
            let saved = try await admin.post(S.path(study.id!) + "/arm-groups", ["arm-compassion": group.id!.uuidString.lowercased()])
            #expect(saved.status == .seeOther)
            let wrong = try await admin.post(S.path(study.id!) + "/arm-groups", ["arm-relaxation": group.id!.uuidString.lowercased()])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Choose a group running Relaxation skills course&#39;s programme, or none"))
            let fresh = try #require(try await StudyModel.find(study.id!, on: app.db))

            for row in rows {
                _ = try await StudyEnrolment.allocate(screening: row, study: fresh, definition: definition, by: nil, note: nil,
                                                      now: F.instant("2026-03-05T10:00:00Z"), on: app.db)
            }
            let allocations = try await StudyAllocationModel.query(on: app.db).all()
            let toCompassion = allocations.filter { $0.arm == "compassion" }
            #expect(!toCompassion.isEmpty)
            #expect(toCompassion.allSatisfy { $0.groupID == group.id })
            let roster = try await RosterMemberModel.query(on: app.db).filter(\.$group.$id == group.id!).all()
            #expect(roster.count == toCompassion.count)
            #expect(Set(roster.map(\.studyCode)) == Set(rows.filter { r in toCompassion.contains { $0.$screening.id == r.id } }.map(\.code)))
            let waitlistFlags = allocations.filter { $0.arm == "waitlist" }.map(\.offerAfterFollowUp)
            let otherFlags = allocations.filter { $0.arm != "waitlist" }.map(\.offerAfterFollowUp)
            #expect(!waitlistFlags.isEmpty && !waitlistFlags.contains(false))
            #expect(!otherFlags.contains(true))
            let waitlisted = try #require(rows.first { r in allocations.contains { $0.$screening.id == r.id && $0.arm == "waitlist" } })
            let page = try await admin.get(S.person(study.id!, waitlisted.code))
            #expect(page.text.contains("Offer the programme after their last follow-up (waiting list)"))
        }
    }

    @Test("The allocation list is a CSV for the study's unblinded statistician only, and each download is audited")
    func allocationListForStatistician() async throws {
        try await withTendApp { app in
            F.clock(app, at: "2026-03-05T10:00:00Z")
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let (study, code, participant) = try await S.consentingParticipant(app, staff: researcher)
            try await S.consentToAll(participant, try await S.definition(study, on: app))
            #expect(try await researcher.get(S.path(study) + "/allocations.csv").status == .forbidden)
            let statUser = try await Fixtures.user(.researcher, email: "stats@example.org", name: "Sam Statistician", on: app)
            try await S.addStaff(researcher, study, statUser, role: .statistician)
            let statistician = try await F.signIn(statUser, on: app)
            let csv = try await statistician.get(S.path(study) + "/allocations.csv")
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "study_code,stratum,sequence_index,block,block_size,arm,arm_name,allocated_at,by_staff")
            #expect(lines.count == 2)
            #expect(lines[1].hasPrefix(code + ",,0,0,"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .allocationListExported).count() == 1)

            // Once the statistician's role is blinded, the list is closed to them too.
            #expect(try await S.edit(researcher, study, { $0.blindedRoles = [.statistician] }, on: app).status == .seeOther)
            #expect(try await statistician.get(S.path(study) + "/allocations.csv").status == .forbidden)
        }
    }
}
