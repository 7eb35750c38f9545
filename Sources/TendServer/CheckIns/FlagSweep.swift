import Fluent
import Foundation
import TendCore

/// Evaluates the flag rules for a group's roster and records what they raise (``FlagRecorder``): when
/// the overview is opened, and for every group on the reminder planner's periodic pass, so a flag's
/// "first seen" is when it arose, not when someone happened to look.
enum FlagSweep {
    struct Result {
        var members: [RosterMemberModel]
        var thresholds: FlagThresholds
        var activities: [MemberActivity]
        /// Every stored occurrence of the members' flags, after the sync.
        var records: [EngagementFlagModel]
    }

    static func evaluate(group: GroupModel, now: Date, sources: ActivitySources, on db: any Database) async throws -> Result {
        let groupID = try group.requireID()
        let members = try await RosterMemberModel.query(on: db).filter(\.$group.$id == groupID)
            .sort(\.$createdAt, .ascending).sort(\.$studyCode, .ascending).all()
        let thresholds = try await GroupOverviewController.thresholds(for: groupID, on: db)
        let activities = try await MemberActivityLoader.load(group: group, members: members, thresholds: thresholds, now: now,
                                                              sources: sources, on: db)
        var raised: [UUID: [EngagementFlag]] = [:]
        for activity in activities where activity.activity != nil { raised[activity.memberID] = activity.flags }
        let records = try await FlagRecorder.sync(groupID: groupID, raised: raised, now: now, on: db)
        return Result(members: members, thresholds: thresholds, activities: activities, records: records)
    }

    /// Evaluates every group with someone on its roster who has joined. Returns how many flag
    /// occurrences are open afterwards.
    @discardableResult
    static func run(on db: any Database, now: Date, sources: ActivitySources) async throws -> Int {
        let groupIDs = Set(try await RosterMemberModel.query(on: db).filter(\.$user.$id != nil).all().map { $0.$group.id })
        var open = 0
        for groupID in groupIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
            guard let group = try await GroupModel.find(groupID, on: db) else { continue }
            open += try await evaluate(group: group, now: now, sources: sources, on: db).records.filter(\.isOpen).count
        }
        return open
    }
}
