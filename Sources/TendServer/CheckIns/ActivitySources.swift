import Fluent
import Foundation
import TendCore
import Vapor

/// The kinds of participant activity a provider can supply to the group overview.
enum ActivityKind: String, Sendable, CaseIterable {
    case practice, diary, thoughtTools
}

/// What one provider knows of one roster member.
struct ActivityContribution: Sendable, Equatable {
    var practice: [PracticeEntry] = []
    var diary: [DiaryEntry] = []
    /// The local days of each thought-tool record.
    var thoughtToolDates: [LocalDate] = []
}

/// A table of participant activity (the practice log, the pain diary, the thought tool) read for the
/// group overview. Each provider reads its own table for many members at once.
protocol ActivityProvider: Sendable {
    /// The overview columns this provider fills; a column no provider supplies says so instead of
    /// showing zeros.
    var supplies: Set<ActivityKind> { get }
    func contributions(for memberIDs: [UUID], on db: any Database) async throws -> [UUID: ActivityContribution]
}

/// The seam where the practice log, pain diary and thought-tool tables plug into the overview and the
/// flag rules: add their providers to ``installed``. Check-ins are not a provider: they are read by
/// ``MemberActivityLoader`` from this feature's own table.
struct ActivitySources: Sendable {
    var providers: [any ActivityProvider]

    /// The providers the server runs with: the practice log, the pain diary and the thought tool.
    static let installed = ActivitySources(providers: PracticeActivityProviders.all)

    var supplied: Set<ActivityKind> { providers.reduce(into: []) { $0.formUnion($1.supplies) } }
}

extension Application {
    private struct ActivitySourcesKey: StorageKey { typealias Value = ActivitySources }

    /// The activity providers behind the group overview (tests may add their own).
    var activitySources: ActivitySources {
        get { storage[ActivitySourcesKey.self] ?? .installed }
        set { storage[ActivitySourcesKey.self] = newValue }
    }
}

/// A roster member's check-in state for staff: unread messages and the oldest one waiting for a reply.
struct CheckInState: Sendable, Equatable {
    var unread: Int = 0
    /// The earliest participant message with no staff message after it.
    var waitingSince: Date? = nil
    var lastMessageAt: Date? = nil
    /// The participant's own latest message.
    var lastFromParticipant: Date? = nil

    init() {}

    init(_ messages: [CheckInMessageModel]) {
        let fromParticipant = messages.filter { $0.author == .participant }
        unread = fromParticipant.filter { $0.readAt == nil }.count
        let lastReply = messages.filter { $0.author == .staff }.map(\.sentAt).max() ?? .distantPast
        waitingSince = fromParticipant.filter { $0.sentAt > lastReply }.map(\.sentAt).min()
        lastMessageAt = messages.map(\.sentAt).max()
        lastFromParticipant = fromParticipant.map(\.sentAt).max()
    }
}

/// Everything the overview shows about one member, built from the same sources the flag rules use.
struct MemberActivity: Sendable {
    var memberID: UUID
    /// Nil until the member has joined (the rules are not run for someone without an account).
    var activity: ParticipantActivity?
    var glance: ActivityGlance?
    var checkIns: CheckInState
    /// The latest thing the participant did that Tend knows of.
    var lastActivity: String?
    var flags: [EngagementFlag]
}

/// Builds TendCore's ``ParticipantActivity`` for each member of a group: check-ins from this feature's
/// table, practice, diary and thought-tool entries from ``ActivitySources``; then asks
/// ``EngagementRules`` which flags are raised.
enum MemberActivityLoader {
    static func load(group: GroupModel, members: [RosterMemberModel], thresholds: FlagThresholds, now: Date,
                     sources: ActivitySources, on db: any Database) async throws -> [MemberActivity] {
        let ids = members.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let messages = try await CheckInMessageModel.query(on: db).filter(\.$member.$id ~~ ids).sort(\.$sentAt, .ascending).all()
        let byMember = Dictionary(grouping: messages, by: { $0.$member.id })
        var contributions: [UUID: ActivityContribution] = [:]
        for provider in sources.providers {
            for (id, part) in try await provider.contributions(for: ids, on: db) {
                contributions[id, default: .init()].practice += part.practice
                contributions[id, default: .init()].diary += part.diary
                contributions[id, default: .init()].thoughtToolDates += part.thoughtToolDates
            }
        }
        let logsDays = !sources.supplied.isDisjoint(with: [.practice, .diary])
        return members.compactMap { member -> MemberActivity? in
            guard let id = member.id else { return nil }
            let own = byMember[id] ?? []
            let checkIns = CheckInState(own)
            guard member.$user.id != nil else {
                return MemberActivity(memberID: id, activity: nil, glance: nil, checkIns: checkIns, lastActivity: nil, flags: [])
            }
            let zone = Self.zone(of: member, in: group)
            let today = LocalDateTime(now, in: zone).date
            let enrolledOn = LocalDateTime(member.joinedAt ?? member.createdAt ?? now, in: zone).date
            let part = contributions[id] ?? .init()
            let activity = ParticipantActivity(enrolledOn: enrolledOn, practice: part.practice, diary: part.diary,
                                               checkIns: own.map(\.ruleMessage))
            let glance = ActivityGlance(practice: part.practice, diary: part.diary, thoughtToolDates: part.thoughtToolDates,
                                        today: today)
            // With no practice log or diary connected, "nothing logged" says nothing about the person.
            let flags = EngagementRules.flags(for: activity, today: today, now: now, thresholds: thresholds)
                .filter { $0.kind != .quiet || logsDays }
            return MemberActivity(memberID: id, activity: activity, glance: glance, checkIns: checkIns,
                                  lastActivity: lastActivityText(glance.lastEntry, checkIns.lastFromParticipant, zone: zone),
                                  flags: flags)
        }
    }

    /// The zone a member's days are counted in: their own plan's, or the group's.
    static func zone(of member: RosterMemberModel, in group: GroupModel) -> TimeZone {
        member.memberPlan?.timeZone ?? group.plan?.timeZone ?? group.cohort?.timeZone ?? TimeZone(identifier: "UTC")!
    }

    /// The later of the last logged day and the last check-in, in words.
    static func lastActivityText(_ lastEntry: LocalDate?, _ lastMessage: Date?, zone: TimeZone) -> String? {
        let messageDay = lastMessage.map { LocalDateTime($0, in: zone).date }
        switch (lastEntry, messageDay) {
        case (nil, nil): return nil
        case (let entry?, nil): return "Logged an entry on \(entry)"
        case (nil, _?): return "Sent a check-in " + Layout.format(lastMessage!)
        case (let entry?, let day?):
            return entry > day ? "Logged an entry on \(entry)" : "Sent a check-in " + Layout.format(lastMessage!)
        }
    }
}
