import Fluent
import Foundation
import TendCore
import TendResources
import Vapor

/// Groups: a facilitator's list, creating a group from a built-in programme, the roster and the
/// attendance register. A facilitator reaches only the groups they run; an admin reaches every group.
struct GroupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(.facilitator, .admin))
        staff.get(SiteURL.groups.pathComponents, use: list)
        staff.get(SiteURL.newGroup.pathComponents, use: newGroup)
        staff.post(SiteURL.groups.pathComponents, use: create)
        staff.get(SiteURL.group(.key).pathComponents, use: show)
        staff.post(SiteURL.groupRoster(.key).pathComponents, use: addMember)
        staff.post(SiteURL.groupAttendance(.key, .key).pathComponents, use: saveAttendance)
    }

    // MARK: Programmes

    /// Built-in programmes in every delivery mode: scheduled groups meet; a self-paced programme (weekly
    /// self-help, daily practice) is run as a supported cohort whose members each follow their own plan.
    static func groupProgrammes() -> [Programme] { ProgrammeLibrary.all }

    static func programmeChoices() -> [GroupPages.ProgrammeChoice] {
        groupProgrammes().flatMap { programme in
            programme.versions.map { version in
                GroupPages.ProgrammeChoice(value: programme.id + "/" + version.id, label: programme.title + " – " + version.title,
                                           sessions: programme.sessions(in: version).count,
                                           hint: Self.deliveryHint(programme, version))
            }
        }
    }

    /// How a version is delivered, in words for staff.
    static func deliveryHint(_ programme: Programme, _ version: ProgrammeVersion) -> String {
        let count = programme.sessions(in: version).count
        switch programme.delivery {
        case .scheduledGroup:
            return "\(count) sessions: weekly group meetings"
        case .weeklySelfHelp:
            return "\(count) modules, self-paced: one a week on each person's chosen day"
        case .dailyPractice:
            return "\(programme.totalDays(of: version) ?? count) days of daily practice, self-paced from each person's start date"
        }
    }

    static func programme(_ id: String) -> Programme? { ProgrammeLibrary.programme(id)?.programme }

    // MARK: Access

    /// The group in the path, if the signed-in person may see it: 404 for an unknown id, 403 for a
    /// facilitator who does not run it.
    static func authorisedGroup(_ req: Request) async throws -> GroupModel {
        guard let user = req.user else { throw PageError.forbidden }
        guard let raw = req.parameters.get(SiteURL.groupKey), let id = UUID(uuidString: raw),
              let group = try await GroupModel.find(id, on: req.db) else { throw PageError.notFound() }
        switch user.role {
        case .admin: return group
        case .facilitator where group.$facilitator.id == user.id: return group
        default: throw PageError.forbidden
        }
    }

    // MARK: List and create

    @Sendable
    func list(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        var query = GroupModel.query(on: req.db).with(\.$facilitator).sort(\.$createdAt, .ascending)
        if user.role != .admin { query = query.filter(\.$facilitator.$id == (try user.requireID())) }
        let groups = try await query.all()
        let rows = groups.map { group in
            GroupPages.ListRow(id: group.id!, name: group.name,
                               programme: Self.programme(group.programmeID)?.title ?? group.programmeID,
                               facilitator: group.facilitator.name,
                               when: Self.whenText(group))
        }
        return .html(GroupPages.list(viewer: viewer, rows: rows, showsFacilitator: user.role == .admin, csrf: CSRF.token(for: req)))
    }

    /// When a group meets, or how a self-paced cohort runs, for the list of groups.
    static func whenText(_ group: GroupModel) -> String {
        switch programme(group.programmeID)?.delivery {
        case .scheduledGroup?:
            return group.plan.map { "\($0.weekday)s at \($0.time) (\($0.timeZone.identifier))" } ?? ""
        case .weeklySelfHelp?:
            return "Self-paced, one module a week, from \(group.startDate)"
        case .dailyPractice?:
            return "Self-paced daily practice, from \(group.startDate)"
        case nil:
            return ""
        }
    }

    struct CreateInput: Content {
        var name: String?
        var programme: String?
        var startDate: String?
        var weekday: String?
        var time: String?
        var timeZone: String?
        var callLink: String?
        var facilitator: String?
    }

    static func facilitators(on db: any Database) async throws -> [UserModel] {
        try await UserModel.query(on: db).filter(\.$role == .facilitator).sort(\.$name, .ascending).all()
    }

    static func renderNew(req: Request, form: GroupPages.GroupForm, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        var facilitators: [GroupPages.FacilitatorChoice]?
        if user.role == .admin {
            facilitators = try await Self.facilitators(on: req.db).map {
                GroupPages.FacilitatorChoice(id: $0.id!.uuidString.lowercased(), name: $0.name)
            }
        }
        return .html(GroupPages.newGroup(viewer: viewer, programmes: Self.programmeChoices(), facilitators: facilitators,
                                         form: form, errors: errors, csrf: CSRF.token(for: req)), status: status)
    }

    @Sendable
    func newGroup(req: Request) async throws -> Response {
        try await Self.renderNew(req: req, form: .init(), errors: FormErrors(), status: .ok)
    }

    static func trimmed(_ text: String?) -> String { (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    /// An IANA zone name that this system knows (`Europe/London`, `UTC`); offsets like `GMT+1` are refused.
    static func timeZone(named name: String) -> TimeZone? {
        guard TimeZone.knownTimeZoneIdentifiers.contains(name) || name == "UTC" else { return nil }
        return TimeZone(identifier: name)
    }

    /// An absolute `https://` link with a host.
    static func isHTTPSLink(_ text: String) -> Bool {
        guard let url = URL(string: text), url.scheme?.lowercased() == "https", let host = url.host, !host.isEmpty,
              !text.contains(where: \.isWhitespace) else { return false }
        return true
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let input = try req.content.decode(CreateInput.self)
        let form = GroupPages.GroupForm(
            name: Self.trimmed(input.name), programme: input.programme, startDate: Self.trimmed(input.startDate),
            weekday: input.weekday, time: Self.trimmed(input.time), timeZone: Self.trimmed(input.timeZone),
            callLink: Self.trimmed(input.callLink), facilitator: input.facilitator)
        var errors = FormErrors()
        if form.name.isEmpty {
            errors.add("name", "Enter a name for the group")
        } else if form.name.count > 100 {
            errors.add("name", "Group name must be 100 characters or fewer")
        }
        let parts = (form.programme ?? "").split(separator: "/", maxSplits: 1).map(String.init)
        let programme = parts.count == 2 ? Self.programme(parts[0]) : nil
        let version = parts.count == 2 ? programme?.version(parts[1]) : nil
        if version == nil { errors.add("programme", "Choose the programme and version the group will follow") }
        let startDate = LocalDate(form.startDate)
        if form.startDate.isEmpty {
            errors.add("startDate", "Enter the date the group starts")
        } else if startDate == nil {
            errors.add("startDate", "Start date must be a real date written as year-month-day, like 2026-03-02")
        }
        // A self-paced cohort has no meetings: no meeting day, time or call link. Until a programme is
        // chosen the meeting fields are asked for, as most groups meet.
        let meets = programme.map { $0.delivery == .scheduledGroup } ?? true
        let weekday = form.weekday.flatMap(Int.init).flatMap(Weekday.init(rawValue:))
        if weekday == nil && meets { errors.add("weekday", "Choose the day of the week the group meets") }
        let time = LocalTime(form.time)
        if meets {
            if form.time.isEmpty {
                errors.add("time", "Enter the time the group meets")
            } else if time == nil {
                errors.add("time", "Time must be on the 24-hour clock, like 18:30")
            }
        }
        let zone = Self.timeZone(named: form.timeZone)
        if form.timeZone.isEmpty {
            errors.add("timeZone", meets ? "Enter the time zone the group meets in" : "Enter the time zone most people in the group live in")
        } else if zone == nil {
            errors.add("timeZone", "Time zone must be a place name from the time zone database, like Europe/London")
        }
        if meets {
            if form.callLink.isEmpty {
                errors.add("callLink", "Enter the link participants use to join the video call")
            } else if !Self.isHTTPSLink(form.callLink) {
                errors.add("callLink", "Video-call link must be a full web address starting with https://")
            }
        }
        var facilitatorID = try user.requireID()
        if user.role == .admin {
            var facilitator: UserModel?
            if let chosen = form.facilitator.flatMap(UUID.init(uuidString:)) {
                facilitator = try await UserModel.find(chosen, on: req.db)
            }
            if let facilitator, facilitator.role == .facilitator {
                facilitatorID = try facilitator.requireID()
            } else {
                errors.add("facilitator", "Choose the facilitator who will run the group")
            }
        }
        guard errors.isEmpty, let programme, let version, let startDate, let zone else {
            return try await Self.renderNew(req: req, form: form, errors: errors, status: .unprocessableEntity)
        }
        let group: GroupModel
        if meets {
            guard let weekday, let time else {
                return try await Self.renderNew(req: req, form: form, errors: errors, status: .unprocessableEntity)
            }
            let plan = GroupPlan(startDate: startDate, weekday: weekday, time: time, timeZone: zone)
            group = GroupModel(name: form.name, programmeID: programme.id, versionID: version.id, plan: plan,
                               callLink: form.callLink, facilitatorID: facilitatorID)
        } else {
            // Modules and days open at the start of the day in each member's own zone.
            let cohort = CohortSettings(opens: startDate, suggestedWeekday: weekday ?? startDate.weekday,
                                        releaseTime: .midnight, timeZone: zone)
            group = GroupModel(name: form.name, programmeID: programme.id, versionID: version.id, cohort: cohort,
                               facilitatorID: facilitatorID)
        }
        try await req.db.transaction { db in
            try await group.create(on: db)
            try await AuditLog.record(.groupCreated, actor: user, subject: .group(group.id), on: db)
        }
        return .seeOther(SiteURL.group(.value(try group.requireID())).path)
    }

    // MARK: The group page

    struct PageState {
        var memberForm = GroupPages.MemberForm()
        var memberErrors = FormErrors()
        var register: GroupPages.RegisterDraft? = nil
        /// A participant invitation link just issued (shown once).
        var created: GroupPages.CreatedLink? = nil
    }

    static func schedule(for group: GroupModel) -> Schedule? {
        guard let programme = programme(group.programmeID), programme.delivery == .scheduledGroup, let plan = group.plan else { return nil }
        return try? Schedule(programme: programme, versionID: group.versionID, plan: .group(plan))
    }

    static func dateFormatter(_ zone: TimeZone, _ format: String = "EEEE d MMMM yyyy, HH:mm zzz") -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = format
        return formatter
    }

    /// Each member's most recent participant invitation.
    static func latestInvitations(for memberIDs: [UUID], on db: any Database) async throws -> [UUID: ParticipantInvitationModel] {
        guard !memberIDs.isEmpty else { return [:] }
        let all = try await ParticipantInvitationModel.query(on: db).filter(\.$member.$id ~~ memberIDs)
            .sort(\.$createdAt, .descending).all()
        var latest: [UUID: ParticipantInvitationModel] = [:]
        for invitation in all where latest[invitation.$member.id] == nil { latest[invitation.$member.id] = invitation }
        return latest
    }

    /// A member's account and invitation, in words for staff.
    static func accountText(_ member: RosterMemberModel, _ invitation: ParticipantInvitationModel?, now: Date) -> String {
        if member.$user.id != nil {
            return "Joined" + (member.joinedAt.map { " " + Layout.format($0) } ?? "")
        }
        guard let invitation else { return "Not invited yet" }
        switch invitation.state(at: now) {
        case .open: return "Invited: link expires " + Layout.format(invitation.expiresAt)
        case .expired: return "Invitation link expired " + Layout.format(invitation.expiresAt)
        case .revoked: return "Invitation link withdrawn"
        case .accepted: return "Invitation accepted"
        }
    }

    /// A self-paced member's own plan, in words for staff.
    static func planText(_ member: RosterMemberModel, delivery: Programme.DeliveryMode) -> String? {
        guard let plan = member.memberPlan else { return nil }
        switch delivery {
        case .weeklySelfHelp:
            let day = plan.weekday.map { "new modules on \($0)s" } ?? "no weekday chosen"
            return "From \(plan.startDate), \(day) (\(plan.timeZone.identifier) time)"
        case .dailyPractice:
            return "Day 1 on \(plan.startDate) (\(plan.timeZone.identifier) time)"
        case .scheduledGroup:
            return nil
        }
    }

    static func renderGroup(req: Request, group: GroupModel, state: PageState, status: HTTPStatus) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        guard let programme = Self.programme(group.programmeID), let version = programme.version(group.versionID) else {
            throw PageError.notFound()
        }
        let groupID = try group.requireID()
        let members = try await RosterMemberModel.query(on: req.db).filter(\.$group.$id == groupID)
            .sort(\.$createdAt, .ascending).sort(\.$studyCode, .ascending).all()
        let memberIDs = try members.map { try $0.requireID() }
        let invitations = try await Self.latestInvitations(for: memberIDs, on: req.db)
        let now = req.now
        func row(_ member: RosterMemberModel, attended: Int = 0, missed: Int = 0, excused: Int = 0) -> GroupPages.MemberRow {
            let invitation = invitations[member.id!]
            return GroupPages.MemberRow(id: member.id!.uuidString.lowercased(), name: member.displayName, studyCode: member.studyCode,
                                        attended: attended, missed: missed, excused: excused,
                                        account: Self.accountText(member, invitation, now: now),
                                        canInvite: member.$user.id == nil, invited: invitation != nil,
                                        plan: Self.planText(member, delivery: programme.delivery), accountID: member.$user.id)
        }
        guard programme.delivery == .scheduledGroup else {
            // A self-paced cohort: each member's plan and account are a participant's record.
            try await req.db.transaction { db in
                for id in memberIDs {
                    try await AuditLog.record(.participantRecordViewed, actor: user, subject: .rosterMember(id), on: db)
                }
            }
            guard let cohort = group.cohort else { throw PageError.notFound() }
            let how = programme.delivery == .weeklySelfHelp
                ? "Self-paced: one module a week on each person's chosen day, from \(cohort.opens) at the earliest"
                : "Self-paced: a practice every day from each person's start date, \(cohort.opens) at the earliest"
            let details = GroupPages.GroupDetails(id: groupID, name: group.name, programme: programme.title, version: version.title,
                                                  meets: how + " (suggested time zone \(cohort.timeZone.identifier)).",
                                                  callLink: nil, selfPaced: true)
            let unit = programme.delivery.unitName.capitalized
            let modules = programme.sessions(in: version).enumerated().map { index, session in
                GroupPages.ModuleRow(number: session.number, title: "\(unit) \(index + 1): \(session.title)",
                                     when: programme.delivery == .weeklySelfHelp
                                        ? "week \(index + 1)" : "\(session.days ?? 1) day\((session.days ?? 1) == 1 ? "" : "s")")
            }
            let page = GroupPages.group(
                viewer: viewer, group: details, sessions: [], modules: modules, members: members.map { row($0) },
                summary: .init(median: nil, maximum: nil, missedAny: 0, attended: 0, missed: 0, excused: 0),
                memberForm: state.memberForm, memberErrors: state.memberErrors, draft: nil, created: state.created,
                csrf: CSRF.token(for: req))
            return .html(page, status: status)
        }
        guard let schedule = schedule(for: group), let plan = group.plan else { throw PageError.notFound() }
        let marks = try await AttendanceMarkModel.query(on: req.db).filter(\.$group.$id == groupID).all()
        let summary = try AttendanceRegister.summarise(
            roster: memberIDs, sessionCount: schedule.items.count,
            entries: marks.map { AttendanceEntry(participant: $0.$member.id, session: $0.sessionPosition, mark: $0.mark) })
        try await req.db.transaction { db in
            for id in memberIDs {
                try await AuditLog.record(.attendanceViewed, actor: user, subject: .rosterMember(id), on: db)
            }
        }
        var recorded: [Int: [UUID: AttendanceMark]] = [:]
        for mark in marks { recorded[mark.sessionPosition, default: [:]][mark.$member.id] = mark.mark }
        let formatter = Self.dateFormatter(plan.timeZone)
        let sessions = schedule.items.map { item in
            GroupPages.SessionRow(position: item.position, number: item.sessionNumber, title: item.title,
                                  when: formatter.string(from: item.opensAt),
                                  oneToOne: item.format == .oneToOne,
                                  marks: recorded[item.position].map { dict in
                                      Dictionary(uniqueKeysWithValues: dict.map { ($0.key.uuidString.lowercased(), $0.value) })
                                  } ?? [:])
        }
        let rows = zip(members, summary.participants).map { member, counts in
            row(member, attended: counts.attended, missed: counts.missed, excused: counts.excused)
        }
        let details = GroupPages.GroupDetails(
            id: groupID, name: group.name, programme: programme.title, version: version.title,
            meets: "\(plan.weekday)s at \(plan.time), \(plan.timeZone.identifier) time, from \(plan.startDate)",
            callLink: group.callLink)
        let page = GroupPages.group(
            viewer: viewer, group: details, sessions: sessions, members: rows,
            summary: .init(median: summary.medianMissed, maximum: summary.maximumMissed, missedAny: summary.participantsWhoMissedAny,
                           attended: summary.totalAttended, missed: summary.totalMissed, excused: summary.totalExcused),
            memberForm: state.memberForm, memberErrors: state.memberErrors, draft: state.register, created: state.created,
            csrf: CSRF.token(for: req))
        return .html(page, status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let group = try await Self.authorisedGroup(req)
        return try await Self.renderGroup(req: req, group: group, state: PageState(), status: .ok)
    }

    struct MemberInput: Content {
        var displayName: String?
        var studyCode: String?
        /// "yes" from the "Add and create invitation link" button.
        var invite: String?
    }

    @Sendable
    func addMember(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await Self.authorisedGroup(req)
        let groupID = try group.requireID()
        let input = try req.content.decode(MemberInput.self)
        let form = GroupPages.MemberForm(displayName: Self.trimmed(input.displayName), studyCode: Self.trimmed(input.studyCode))
        var errors = FormErrors()
        if form.displayName.isEmpty {
            errors.add("displayName", "Enter the name the group knows them by")
        } else if form.displayName.count > 100 {
            errors.add("displayName", "Name must be 100 characters or fewer")
        }
        if form.studyCode.isEmpty {
            errors.add("studyCode", "Enter their study code")
        } else if form.studyCode.count > 32 || !form.studyCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            errors.add("studyCode", "Study code must be up to 32 letters, digits, hyphens or underscores")
        } else if try await RosterMemberModel.query(on: req.db).filter(\.$group.$id == groupID)
                    .filter(\.$studyCode == form.studyCode).count() > 0 {
            errors.add("studyCode", "Someone in this group already has this study code")
        }
        guard errors.isEmpty else {
            return try await Self.renderGroup(req: req, group: group, state: PageState(memberForm: form, memberErrors: errors),
                                              status: .unprocessableEntity)
        }
        let member = RosterMemberModel(displayName: form.displayName, studyCode: form.studyCode, groupID: groupID)
        let invite = input.invite == "yes"
        let now = req.now
        let token = try await req.db.transaction { db -> String? in
            try await member.create(on: db)
            try await AuditLog.record(.rosterMemberAdded, actor: user, subject: .rosterMember(member.id), on: db)
            return invite ? try await ParticipantInvitations.issue(for: member, by: user, now: now, on: db) : nil
        }
        if let token {
            let created = ParticipantInvitations.createdLink(token: token, member: member, now: now, req: req)
            return try await Self.renderGroup(req: req, group: group, state: PageState(created: created), status: .created)
        }
        return .seeOther(SiteURL.group(.value(groupID)).path + "#roster")
    }

    @Sendable
    func saveAttendance(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await Self.authorisedGroup(req)
        let groupID = try group.requireID()
        guard let schedule = Self.schedule(for: group),
              let position = req.parameters.get(SiteURL.sessionKey).flatMap(Int.init),
              (1...schedule.items.count).contains(position) else { throw PageError.notFound() }
        let fields = try req.content.decode([String: String].self)
        let members = try await RosterMemberModel.query(on: req.db).filter(\.$group.$id == groupID)
            .sort(\.$createdAt, .ascending).sort(\.$studyCode, .ascending).all()
        var errors = FormErrors()
        var marks: [(UUID, AttendanceMark)] = []
        var chosen: [String: String] = [:]
        for member in members {
            let key = member.id!.uuidString.lowercased()
            let field = GroupPages.markField(position: position, member: key)
            let value = fields[field]
            chosen[key] = value
            if let value, let mark = AttendanceMark(rawValue: value) {
                marks.append((member.id!, mark))
            } else {
                errors.add(field, "Choose attended, missed or excused for \(member.displayName)")
            }
        }
        guard errors.isEmpty else {
            return try await Self.renderGroup(
                req: req, group: group,
                state: PageState(register: GroupPages.RegisterDraft(position: position, chosen: chosen, errors: errors)),
                status: .unprocessableEntity)
        }
        let userID = try user.requireID()
        let newMarks = marks
        try await req.db.transaction { db in
            try await AttendanceMarkModel.query(on: db).filter(\.$group.$id == groupID)
                .filter(\.$sessionPosition == position).delete()
            for (memberID, mark) in newMarks {
                try await AttendanceMarkModel(groupID: groupID, memberID: memberID, sessionPosition: position, mark: mark,
                                              recordedByID: userID).create(on: db)
            }
            try await AuditLog.record(.attendanceRecorded, actor: user, subject: .group(groupID), on: db)
        }
        return .seeOther(SiteURL.group(.value(groupID)).path + "#session-\(position)")
    }
}
