import Fluent
import Foundation
import TendCore

/// When a date a participant's schedule is counted from moves (their group's start, their consent),
/// their questionnaires are planned again with the same anchors allocation uses
/// (``StudyEnrolment/enrolmentAnchors(screeningID:groupStart:now:on:)``), and their practice and meeting
/// reminders not yet sent are re-planned. ``QuestionnaireAssignments/plan(for:study:definition:anchors:timeZone:escalationHours:on:now:)``
/// reconciles: a window already reminded about, answered in part or submitted stays as it was.
enum StudyAnchors {
    /// Re-plans one allocated participant; nil when they have no account or no allocation yet.
    @discardableResult
    static func replan(screening: StudyScreeningModel, now: Date, baseURL: URL, on db: any Database) async throws -> ReconciledPlan? {
        let screeningID = try screening.requireID()
        guard let user = screening.$user.id,
              let allocation = try await StudyAllocationModel.query(on: db).filter(\.$screening.$id == screeningID).first(),
              let study = try await StudyModel.find(screening.$study.id, on: db), let definition = study.definition
        else { return nil }
        let anchors = try await StudyEnrolment.enrolmentAnchors(screeningID: screeningID, user: user, groupID: allocation.groupID,
                                                                study: study, definition: definition, now: now, on: db)
        let plan = try await StudyEnrolment.planQuestionnaires(user: user, study: study, definition: definition, anchors: anchors,
                                                               now: now, on: db)
        try await replanReminders(user: user, now: now, baseURL: baseURL, on: db)
        return plan
    }

    /// After a group's start date changed: every study participant allocated into it is re-planned, and so
    /// is every participant allocated to no group in a study that measures them alongside this group
    /// (``StudyModel/referenceGroup(_:)``, as ``StudyEnrolment/enrolmentAnchors(screeningID:user:groupID:study:definition:now:on:)`` does),
    /// so that the arms stay measured at the same times; every other member with an account has their
    /// reminders re-planned. Returns how many study participants were re-planned.
    @discardableResult
    static func groupStartMoved(group groupID: UUID, now: Date, baseURL: URL, on db: any Database) async throws -> Int {
        var allocations = try await StudyAllocationModel.query(on: db).filter(\.$groupID == groupID).all()
        for study in try await StudyModel.query(on: db).all() where study.armGroups.values.contains(groupID) {
            guard let definition = study.definition, study.referenceGroup(definition) == groupID else { continue }
            allocations += try await StudyAllocationModel.query(on: db).filter(\.$study.$id == study.requireID())
                .filter(\.$groupID == nil).all()
        }
        var replanned = Set<UUID>()
        for allocation in allocations {
            guard let screening = try await StudyScreeningModel.find(allocation.$screening.id, on: db),
                  try await replan(screening: screening, now: now, baseURL: baseURL, on: db) != nil,
                  let user = screening.$user.id else { continue }
            replanned.insert(user)
        }
        let members = try await RosterMemberModel.query(on: db).filter(\.$group.$id == groupID).filter(\.$user.$id != nil).all()
        for member in members {
            guard let user = member.$user.id, !replanned.contains(user) else { continue }
            try await replanReminders(user: user, now: now, baseURL: baseURL, on: db)
        }
        return replanned.count
    }

    /// Removes the participant's practice, meeting and release reminders not yet due and not yet taken by
    /// a worker, and plans them again from their current schedule: with their saved choices, or the
    /// defaults a participant on a roster gets until they choose.
    static func replanReminders(user: UUID, now: Date, baseURL: URL, on db: any Database) async throws {
        if try await ReminderPreferenceModel.query(on: db).filter(\.$user.$id == user).first() != nil {
            _ = try await ReminderPlanner.replan(user: user, on: db, now: now, baseURL: baseURL)
            return
        }
        try await ReminderPlanner.cancelPending(user: user, on: db, now: now)
        guard let member = try await RosterMemberModel.query(on: db).filter(\.$user.$id == user).with(\.$group).first() else { return }
        let zone = MemberActivityLoader.zone(of: member, in: member.group)
        _ = try await ReminderPlanner.plan(
            ReminderPlanner.Participant(user: user, choices: ReminderPlanner.defaultChoices(in: zone),
                                        schedule: try await ReminderPlanner.schedule(of: user, on: db)),
            on: db, now: now, baseURL: baseURL)
    }
}
