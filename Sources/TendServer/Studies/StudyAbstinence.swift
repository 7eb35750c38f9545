import Fluent
import Foundation
import TendCore

/// Confirmed abstinence per two-week period from the biochemical tests staff record, worked out by
/// TendCore's ``AbstinencePeriods`` (seed 003's primary outcome: opioid-negative urine tests in six
/// two-week periods over weeks 13–24, a period without a valid test counting as not abstinent).
///
/// Day 0 of each participant is their anchor: the start date of the group they were added to on
/// allocation, else the day (UTC) of their first signed consent, else the day they were allocated. The
/// same dates anchor their questionnaire windows.
enum StudyAbstinence {
    /// Tests for this substance decide abstinence.
    static let substance = TestSubstance.opioids

    /// The settings for a study's analysis.
    static func options(missing: MissingPeriodRule = .countAsNotAbstinent) -> AbstinenceOptions {
        AbstinenceOptions(substance: substance.rawValue, missing: missing)
    }

    /// A study measures abstinence when its schedule includes a drug-screen observation (seed 003's
    /// `urine-drug-screen`).
    static func applies(to definition: StudyDefinition) -> Bool {
        definition.schedule.contains { ($0.observation ?? "").contains("drug-screen") }
    }

    /// Every allocated participant's abstinence and the summary by arm, from the stored tests; arms in
    /// the definition's order. Participants are named by study code. Arm-revealing: for unblinded staff only.
    static func report(study: StudyModel, definition: StudyDefinition, on db: any Database,
                       missing: MissingPeriodRule = .countAsNotAbstinent) async throws -> AbstinenceReport {
        let studyID = try study.requireID()
        let allocations = try await StudyAllocationModel.query(on: db).filter(\.$study.$id == studyID).all()
        let screenings = try await StudyScreeningModel.query(on: db).filter(\.$study.$id == studyID).all()
        let codes = Dictionary(uniqueKeysWithValues: screenings.compactMap { row in row.id.map { ($0, row.code) } })
        let starts = try await anchors(study: studyID, allocations: allocations, on: db)
        var participants: [AbstinenceParticipant] = []
        for allocation in allocations.sorted(by: { (codes[$0.$screening.id] ?? "") < (codes[$1.$screening.id] ?? "") }) {
            guard let code = codes[allocation.$screening.id], let start = starts[allocation.$screening.id] else { continue }
            participants.append(AbstinenceParticipant(participant: code, arm: allocation.arm, start: start))
        }
        let included = Set(participants.map(\.participant))
        let tests = try await BiochemicalTestModel.query(on: db).filter(\.$study.$id == studyID).all()
            .compactMap { test -> DrugTestResult? in
                guard let code = codes[test.$screening.id], included.contains(code) else { return nil }
                return drugTest(test, participant: code)
            }
        return try AbstinencePeriods.analyse(participants: participants, tests: tests, options: options(missing: missing),
                                             armOrder: definition.arms.map(\.id))
    }

    /// One person's periods, for their record (nil until they are allocated).
    static func participant(screening: StudyScreeningModel, tests: [BiochemicalTestModel], on db: any Database)
        async throws -> (start: LocalDate, result: ParticipantAbstinence, options: AbstinenceOptions, rule: String)? {
        let screeningID = try screening.requireID()
        guard let allocation = try await StudyAllocationModel.query(on: db).filter(\.$screening.$id == screeningID).first(),
              let start = try await anchors(study: screening.$study.id, allocations: [allocation], on: db)[screeningID]
        else { return nil }
        let options = options()
        let report = try AbstinencePeriods.analyse(
            participants: [AbstinenceParticipant(participant: screening.code, arm: allocation.arm, start: start)],
            tests: tests.compactMap { drugTest($0, participant: screening.code) }, options: options)
        guard let row = report.participants.first else { return nil }
        return (start, row, options, report.rule)
    }

    /// A stored test as the analysis reads it; nil for a test not done.
    static func drugTest(_ test: BiochemicalTestModel, participant: String) -> DrugTestResult? {
        guard let date = LocalDate(test.date), let outcome = test.result.outcome else { return nil }
        return DrugTestResult(participant: participant, date: date,
                              substance: test.substance == .other ? (test.substanceName ?? "other") : test.substance.rawValue,
                              outcome: outcome)
    }

    /// Day 0 for each allocated screening row, in two queries (first consents, the arms' groups).
    static func anchors(study: UUID, allocations: [StudyAllocationModel], on db: any Database) async throws -> [UUID: LocalDate] {
        guard !allocations.isEmpty else { return [:] }
        let screeningIDs = allocations.map(\.$screening.id)
        var firstConsent: [UUID: Date] = [:]
        for consent in try await StudyConsentModel.query(on: db).filter(\.$screening.$id ~~ screeningIDs).all() {
            let id = consent.$screening.id
            if firstConsent[id].map({ consent.signedAt < $0 }) ?? true { firstConsent[id] = consent.signedAt }
        }
        let groupIDs = Array(Set(allocations.compactMap(\.groupID)))
        var groupStarts: [UUID: LocalDate] = [:]
        if !groupIDs.isEmpty {
            for group in try await GroupModel.query(on: db).filter(\.$id ~~ groupIDs).all() {
                if let id = group.id, let start = LocalDate(group.startDate) { groupStarts[id] = start }
            }
        }
        var result: [UUID: LocalDate] = [:]
        for allocation in allocations {
            let id = allocation.$screening.id
            result[id] = allocation.groupID.flatMap { groupStarts[$0] }
                ?? LocalDateTime(firstConsent[id] ?? allocation.allocatedAt, in: StudyDates.utc).date
        }
        return result
    }
}
