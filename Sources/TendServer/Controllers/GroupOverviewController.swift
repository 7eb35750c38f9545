import Fluent
import Foundation
import TendCore
import Vapor

/// A group at a glance for its facilitator (or an admin), its flag thresholds, and acknowledging flags.
/// A facilitator of another group gets 404, as on the check-in pages.
struct GroupOverviewController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.facilitator, .admin))
        staff.get(SiteURL.groupOverview(.key).pathComponents, use: overview)
        staff.get(SiteURL.groupFlagSettings(.key).pathComponents, use: settings)
        staff.post(SiteURL.groupFlagSettings(.key).pathComponents, use: saveSettings)
        staff.post(SiteURL.flagAcknowledge(.key, .key).pathComponents, use: acknowledge)
    }

    static func thresholds(for groupID: UUID, on db: any Database) async throws -> FlagThresholds {
        try await GroupFlagSettingsModel.query(on: db).filter(\.$group.$id == groupID).first()?.thresholds ?? .standard
    }

    // MARK: Overview

    static func render(req: Request, group: GroupModel, drafts: GroupOverviewPages.NoteDrafts, status: HTTPStatus) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let groupID = try group.requireID()
        let now = req.now
        let sources = req.application.activitySources
        let sweep = try await FlagSweep.evaluate(group: group, now: now, sources: sources, on: req.db)
        let (members, thresholds, activities, records) = (sweep.members, sweep.thresholds, sweep.activities, sweep.records)
        let recordsByMember = Dictionary(grouping: records, by: { $0.$member.id })
        let acknowledgerIDs = Array(Set(records.compactMap { $0.$acknowledgedBy.id }))
        var acknowledgers: [UUID: String] = [:]
        if !acknowledgerIDs.isEmpty {
            for person in try await UserModel.query(on: req.db).filter(\.$id ~~ acknowledgerIDs).all() {
                acknowledgers[try person.requireID()] = person.name
            }
        }
        let attendance = try await attendanceText(group: group, memberIDs: members.compactMap(\.id), on: req.db)
        try await req.db.transaction { db in
            for member in members {
                try await AuditLog.record(.engagementViewed, actor: user, subject: .rosterMember(member.id), on: db, at: now)
            }
        }
        let byID = Dictionary(uniqueKeysWithValues: activities.map { ($0.memberID, $0) })
        let supplied = sources.supplied
        let cards = members.map { member -> GroupOverviewPages.MemberCard in
            let id = member.id!
            let activity = byID[id]
            let memberRecords = (recordsByMember[id] ?? []).sorted { $0.firstSeenAt > $1.firstSeenAt }
            return card(member: member, activity: activity, supplied: supplied, attendance: attendance[id] ?? "",
                        records: memberRecords, acknowledgers: acknowledgers)
        }
        return .html(GroupOverviewPages.overview(viewer: viewer, groupID: groupID, groupName: group.name,
                                                 thresholds: GroupOverviewPages.describe(thresholds), cards: cards,
                                                 drafts: drafts, csrf: CSRF.token(for: req)), status: status)
    }

    /// One member's card, every column from the same ``MemberActivity``.
    static func card(member: RosterMemberModel, activity: MemberActivity?, supplied: Set<ActivityKind>, attendance: String,
                     records: [EngagementFlagModel], acknowledgers: [UUID: String]) -> GroupOverviewPages.MemberCard {
        let glance = activity?.glance
        let checkIns = activity?.checkIns ?? CheckInState()
        var checkInText = checkIns.unread == 0 ? "No unread messages" : checkIns.unread == 1 ? "1 unread message" : "\(checkIns.unread) unread messages"
        if let waiting = checkIns.waitingSince { checkInText += "; the oldest waiting since " + Layout.format(waiting) }
        checkInText += "."
        func column(_ kind: ActivityKind, _ missing: String, _ text: (ActivityGlance) -> String) -> String {
            guard supplied.contains(kind) else { return missing }
            guard let glance else { return "Not joined yet" }
            return text(glance)
        }
        let practice = column(.practice, "Practice log not connected") { "\($0.practiceMinutesLast7Days) minutes" }
        let diary = column(.diary, "Pain diary not connected") {
            "Pain \($0.pain.words), craving \($0.craving.words), doses \($0.doses.words) (this week against last)"
        }
        let thoughts = column(.thoughtTools, "Thought tool not connected") {
            $0.thoughtToolUsesLast7Days == 1 ? "1 record" : "\($0.thoughtToolUsesLast7Days) records"
        }
        return GroupOverviewPages.MemberCard(
            id: member.id!.uuidString.lowercased(), name: member.displayName, studyCode: member.studyCode,
            joined: member.$user.id != nil, attendance: attendance, checkIns: checkInText,
            lastActivity: activity?.lastActivity ?? "Nothing yet",
            practice: practice, diary: diary, thoughtTool: thoughts,
            openFlags: records.filter(\.isOpen).map { record in
                .init(id: record.id!.uuidString.lowercased(), title: record.kind.title, detail: record.detail, firstSeen: record.firstSeenAt)
            },
            history: records.filter { !$0.isOpen }.map { record in
                .init(title: record.kind.title, since: record.since, firstSeen: record.firstSeenAt, cleared: record.clearedAt,
                      acknowledged: record.acknowledgedAt, acknowledgedBy: record.$acknowledgedBy.id.flatMap { acknowledgers[$0] },
                      note: record.note)
            })
    }

    /// Each member's attendance in words, from the group's register (self-paced groups have none).
    static func attendanceText(group: GroupModel, memberIDs: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard let schedule = GroupController.schedule(for: group) else {
            return Dictionary(uniqueKeysWithValues: memberIDs.map { ($0, "Self-paced: no group meetings") })
        }
        let groupID = try group.requireID()
        let marks = try await AttendanceMarkModel.query(on: db).filter(\.$group.$id == groupID).all()
        let summary = try AttendanceRegister.summarise(
            roster: memberIDs, sessionCount: schedule.items.count,
            entries: marks.map { AttendanceEntry(participant: $0.$member.id, session: $0.sessionPosition, mark: $0.mark) })
        return Dictionary(uniqueKeysWithValues: summary.participants.map { counts in
            (counts.participant, "Attended \(counts.attended), missed \(counts.missed), excused \(counts.excused)")
        })
    }

    @Sendable
    func overview(req: Request) async throws -> Response {
        let group = try await CheckInController.staffGroup(req)
        return try await Self.render(req: req, group: group, drafts: .init(), status: .ok)
    }

    // MARK: Acknowledge

    struct NoteInput: Content {
        var note: String?
    }

    @Sendable
    func acknowledge(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await CheckInController.staffGroup(req)
        let groupID = try group.requireID()
        guard let raw = req.parameters.get(SiteURL.flagKey), let flagID = UUID(uuidString: raw),
              let flag = try await EngagementFlagModel.find(flagID, on: req.db), flag.$group.id == groupID else {
            throw PageError.notFound()
        }
        let field = GroupOverviewPages.noteField(raw.lowercased())
        let fields = try req.content.decode([String: String].self)
        let note = CheckInController.trimmed(fields[field] ?? fields["note"])
        var errors = FormErrors()
        if note.isEmpty {
            errors.add(field, "Write a short note on what you did or decided about this flag")
        } else if note.count > GroupOverviewPages.maximumNoteLength {
            errors.add(field, "Note must be \(GroupOverviewPages.maximumNoteLength) characters or fewer; this one has \(note.count)")
        }
        guard errors.isEmpty else {
            return try await Self.render(req: req, group: group, drafts: .init(notes: [raw.lowercased(): note], errors: errors),
                                         status: .unprocessableEntity)
        }
        let memberID = flag.$member.id
        if flag.acknowledgedAt == nil {
            let now = req.now
            flag.acknowledgedAt = now
            flag.$acknowledgedBy.id = try user.requireID()
            flag.note = note
            try await req.db.transaction { db in
                try await flag.save(on: db)
                try await AuditLog.record(.flagAcknowledged, actor: user, subject: .rosterMember(memberID), on: db, at: now)
            }
        }
        return .seeOther(SiteURL.groupOverview(.value(groupID)).path + "#member-" + memberID.uuidString.lowercased())
    }

    // MARK: Thresholds

    @Sendable
    func settings(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let group = try await CheckInController.staffGroup(req)
        let groupID = try group.requireID()
        let current = try await Self.thresholds(for: groupID, on: req.db)
        return .html(GroupOverviewPages.settings(viewer: viewer, groupID: groupID, groupName: group.name, form: .init(current),
                                                 errors: FormErrors(), csrf: CSRF.token(for: req)))
    }

    struct SettingsInput: Content {
        var quietDays: String?
        var risingCravingEntries: String?
        var doseWindowDays: String?
        var doseMargin: String?
        var checkInReplyHours: String?
    }

    /// Field labels as the form shows them, for messages.
    static let labels = [
        "quietDays": "Quiet days", "risingCravingEntries": "Rising craving entries", "doseWindowDays": "Dose comparison window",
        "doseMargin": "Dose margin", "checkInReplyHours": "Check-in wait",
    ]

    /// Reads the form into thresholds, or the problems, each naming its field and what was expected.
    enum ParsedSettings {
        case valid(FlagThresholds)
        case invalid(FormErrors)
    }

    static func parse(_ form: GroupOverviewPages.SettingsForm) -> ParsedSettings {
        var errors = FormErrors()
        func whole(_ id: String, _ text: String) -> Int? {
            guard !text.isEmpty else { errors.add(id, "Enter \(labels[id]!.lowercased()) as a whole number"); return nil }
            guard let value = Int(text) else {
                errors.add(id, "\(labels[id]!) must be a whole number, like 7 (you entered “\(text)”)")
                return nil
            }
            return value
        }
        let quiet = whole("quietDays", form.quietDays)
        let rising = whole("risingCravingEntries", form.risingCravingEntries)
        let window = whole("doseWindowDays", form.doseWindowDays)
        var margin: Double?
        let marginText = form.doseMargin.replacingOccurrences(of: ",", with: ".")
        if marginText.isEmpty {
            errors.add("doseMargin", "Enter the dose margin as a number of doses a day, like 0 or 1.5")
        } else if let value = Double(marginText), value.isFinite {
            margin = value
        } else {
            errors.add("doseMargin", "Dose margin must be a number of doses a day, like 0 or 1.5 (you entered “\(form.doseMargin)”)")
        }
        let hours = whole("checkInReplyHours", form.checkInReplyHours)
        let candidate = FlagThresholds(quietDays: quiet ?? FlagThresholds.standard.quietDays,
                                       risingCravingEntries: rising ?? FlagThresholds.standard.risingCravingEntries,
                                       doseWindowDays: window ?? FlagThresholds.standard.doseWindowDays,
                                       doseMargin: margin ?? FlagThresholds.standard.doseMargin,
                                       checkInReplyHours: hours ?? FlagThresholds.standard.checkInReplyHours)
        if case .failure(let problems) = candidate.validated() {
            for problem in problems.problems {
                let label = labels[problem.field] ?? problem.field
                errors.add(problem.field, "\(label) must be \(problem.expected) (you entered \(problem.value))")
            }
        }
        // Keep the form's order in the summary.
        let order = ["quietDays", "risingCravingEntries", "doseWindowDays", "doseMargin", "checkInReplyHours"]
        let sorted = FormErrors(items: errors.items.sorted { order.firstIndex(of: $0.field)! < order.firstIndex(of: $1.field)! })
        return sorted.isEmpty ? .valid(candidate) : .invalid(sorted)
    }

    @Sendable
    func saveSettings(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let group = try await CheckInController.staffGroup(req)
        let groupID = try group.requireID()
        let input = try req.content.decode(SettingsInput.self)
        let t = CheckInController.trimmed
        let form = GroupOverviewPages.SettingsForm(quietDays: t(input.quietDays), risingCravingEntries: t(input.risingCravingEntries),
                                                   doseWindowDays: t(input.doseWindowDays), doseMargin: t(input.doseMargin),
                                                   checkInReplyHours: t(input.checkInReplyHours))
        switch Self.parse(form) {
        case .invalid(let errors):
            return .html(GroupOverviewPages.settings(viewer: viewer, groupID: groupID, groupName: group.name, form: form,
                                                     errors: errors, csrf: CSRF.token(for: req)), status: .unprocessableEntity)
        case .valid(let thresholds):
            let now = req.now
            try await req.db.transaction { db in
                if let existing = try await GroupFlagSettingsModel.query(on: db).filter(\.$group.$id == groupID).first() {
                    existing.apply(thresholds)
                    try await existing.save(on: db)
                } else {
                    try await GroupFlagSettingsModel(groupID: groupID, thresholds: thresholds).create(on: db)
                }
                try await AuditLog.record(.flagSettingsChanged, actor: user, subject: .group(groupID), on: db, at: now)
            }
            return .seeOther(SiteURL.groupOverview(.value(groupID)).path + "#thresholds")
        }
    }
}
