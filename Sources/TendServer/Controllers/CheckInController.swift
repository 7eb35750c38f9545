import Fluent
import Foundation
import TendCore
import Vapor

/// Check-ins: short messages between a participant and the facilitator of their group.
///
/// A participant's page carries no ids: the conversation is always the signed-in account's own roster
/// membership. Staff reach a group's conversations only if they run the group (or are an admin); for
/// anyone else the group does not exist (404). Reading a conversation is audited; the text never is.
struct CheckInController: RouteCollection {
    /// The autosave key of the participant's message form.
    static let draftKey = "check-in"

    /// A facilitator's reply to one member autosaves under its own key, so replies to different people
    /// never mix.
    static func replyDraftKey(_ memberID: UUID) -> String { "check-in-reply-" + memberID.uuidString.lowercased() }

    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myCheckIns.pathComponents, use: mine)
        participant.post(SiteURL.myCheckIns.pathComponents, use: send)
        let staff = routes.grouped(RequireRole(.facilitator, .admin))
        staff.get(SiteURL.groupCheckIns(.key).pathComponents, use: list)
        staff.get(SiteURL.memberCheckIns(.key, .key).pathComponents, use: conversation)
        staff.post(SiteURL.memberCheckIns(.key, .key).pathComponents, use: reply)
    }

    struct MessageInput: Content {
        var message: String?
    }

    static func trimmed(_ text: String?) -> String { (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    // MARK: Access

    /// The group in the path if the signed-in member of staff runs it (any group for an admin); 404 otherwise.
    static func staffGroup(_ req: Request) async throws -> GroupModel {
        guard let user = req.user else { throw PageError.forbidden }
        guard let raw = req.parameters.get(SiteURL.groupKey), let id = UUID(uuidString: raw),
              let group = try await GroupModel.find(id, on: req.db) else { throw PageError.notFound() }
        switch user.role {
        case .admin: return group
        case .facilitator where group.$facilitator.id == user.id: return group
        default: throw PageError.notFound()
        }
    }

    /// The roster member in the path, if they are in `group`.
    static func member(in group: GroupModel, _ req: Request) async throws -> RosterMemberModel {
        guard let raw = req.parameters.get(SiteURL.memberKey), let id = UUID(uuidString: raw),
              let member = try await RosterMemberModel.find(id, on: req.db),
              member.$group.id == group.id else { throw PageError.notFound() }
        return member
    }

    static func messages(of memberID: UUID, on db: any Database) async throws -> [CheckInMessageModel] {
        try await CheckInMessageModel.query(on: db).filter(\.$member.$id == memberID).sort(\.$sentAt, .ascending).all()
    }

    /// Names of the staff who wrote messages, by account id.
    static func authorNames(_ messages: [CheckInMessageModel], on db: any Database) async throws -> [UUID: UserModel] {
        let ids = Array(Set(messages.filter { $0.author == .staff }.map { $0.$authorUser.id }))
        guard !ids.isEmpty else { return [:] }
        let users = try await UserModel.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user) } })
    }

    static func staffLabel(_ user: UserModel?) -> String {
        guard let user else { return "Staff" }
        return "\(user.name) (\(user.role == .admin ? "administrator" : "facilitator"))"
    }

    /// Marks the messages the other side wrote as read, now.
    static func markRead(_ messages: [CheckInMessageModel], by reader: CheckInMessage.Author, now: Date, on db: any Database) async throws {
        let ids = messages.filter { $0.author != reader && $0.readAt == nil }.compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await CheckInMessageModel.query(on: db).filter(\.$id ~~ ids).set(\.$readAt, to: now).update()
    }

    /// Staff messages the participant has not seen yet.
    static func unreadForParticipant(_ memberID: UUID, on db: any Database) async throws -> Int {
        try await CheckInMessageModel.query(on: db).filter(\.$member.$id == memberID).filter(\.$author == .staff)
            .filter(\.$readAt == nil).count()
    }

    // MARK: Participant

    static func renderMine(req: Request, draft: String, errors: FormErrors, status: HTTPStatus) async throws -> Response {
        guard let viewer = req.viewer, let user = req.user else { throw PageError.forbidden }
        let enrolment = try await ParticipantController.requireEnrolment(req)
        let memberID = try enrolment.member.requireID()
        let group = enrolment.course.group
        let facilitator = try await UserModel.find(group.$facilitator.id, on: req.db)
        let messages = try await Self.messages(of: memberID, on: req.db)
        let authors = try await authorNames(messages, on: req.db)
        let shown = messages.map { message in
            CheckInPages.Message(
                from: message.author == .participant ? "You" : staffLabel(authors[message.$authorUser.id]),
                mine: message.author == .participant, sent: message.sentAt, body: message.body,
                isNew: message.author == .staff && message.readAt == nil)
        }
        try await markRead(messages, by: .participant, now: req.now, on: req.db)
        return .html(CheckInPages.participant(viewer: viewer, facilitator: facilitator?.name ?? "your facilitator",
                                              messages: shown, draft: draft, errors: errors, csrf: CSRF.token(for: req),
                                              owner: try user.requireID()),
                     status: status)
    }

    @Sendable
    func mine(req: Request) async throws -> Response {
        let saved = try await Drafts.values(form: Self.draftKey, for: req)
        return try await Self.renderMine(req: req, draft: saved?.value(CheckInPages.fieldID) ?? "", errors: FormErrors(), status: .ok)
    }

    @Sendable
    func send(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let enrolment = try await ParticipantController.requireEnrolment(req)
        let text = Self.trimmed(try req.content.decode(MessageInput.self).message)
        if let problem = CheckInPages.problem(with: text) {
            var errors = FormErrors()
            errors.add(CheckInPages.fieldID, problem)
            return try await Self.renderMine(req: req, draft: text, errors: errors, status: .unprocessableEntity)
        }
        let memberID = try enrolment.member.requireID()
        let groupID = try enrolment.course.group.requireID()
        let now = req.now
        let baseURL = req.application.tend.baseURL
        let userID = try user.requireID()
        try await req.db.transaction { db in
            try await CheckInMessageModel(groupID: groupID, memberID: memberID, author: .participant, authorID: userID,
                                          body: text, sentAt: now).create(on: db)
            if let group = try await GroupModel.find(groupID, on: db),
               let facilitator = try await UserModel.find(group.$facilitator.id, on: db) {
                try await CheckInNotifications.enqueue(.toStaff, to: facilitator, memberID: memberID, groupID: groupID,
                                                       baseURL: baseURL, now: now, on: db)
            }
        }
        try await Drafts.discard(Self.draftKey, for: req)
        return .seeOther(SiteURL.myCheckIns.path + "#latest")
    }

    // MARK: Staff

    @Sendable
    func list(req: Request) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let group = try await Self.staffGroup(req)
        let groupID = try group.requireID()
        let members = try await RosterMemberModel.query(on: req.db).filter(\.$group.$id == groupID)
            .sort(\.$createdAt, .ascending).sort(\.$studyCode, .ascending).all()
        let messages = try await CheckInMessageModel.query(on: req.db).filter(\.$group.$id == groupID).all()
        let byMember = Dictionary(grouping: messages, by: { $0.$member.id })
        let now = req.now
        try await req.db.transaction { db in
            for member in members {
                try await AuditLog.record(.engagementViewed, actor: user, subject: .rosterMember(member.id), on: db, at: now)
            }
        }
        let rows = members.map { member in
            let state = CheckInState(byMember[member.id!] ?? [])
            return CheckInPages.ListRow(memberID: member.id!.uuidString.lowercased(), name: member.displayName,
                                        studyCode: member.studyCode, joined: member.$user.id != nil, unread: state.unread,
                                        waitingSince: state.waitingSince, lastMessageAt: state.lastMessageAt)
        }
        // Waiting longest first, then unread, then the roster order.
        let sorted = rows.enumerated().sorted { a, b in
            switch (a.element.waitingSince, b.element.waitingSince) {
            case (let x?, let y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default:
                if a.element.unread != b.element.unread { return a.element.unread > b.element.unread }
                return a.offset < b.offset
            }
        }.map(\.element)
        return .html(CheckInPages.staffList(viewer: viewer, groupID: groupID, groupName: group.name, rows: sorted,
                                            csrf: CSRF.token(for: req)))
    }

    static func renderConversation(req: Request, group: GroupModel, member: RosterMemberModel, draft: String, errors: FormErrors,
                                   status: HTTPStatus) async throws -> Response {
        guard let user = req.user, let viewer = req.viewer else { throw PageError.forbidden }
        let memberID = try member.requireID()
        let messages = try await Self.messages(of: memberID, on: req.db)
        let authors = try await authorNames(messages, on: req.db)
        let now = req.now
        let shown = messages.map { message in
            CheckInPages.Message(
                from: message.author == .participant ? member.displayName
                    : (message.$authorUser.id == user.id ? "You" : staffLabel(authors[message.$authorUser.id])),
                mine: message.author == .staff, sent: message.sentAt, body: message.body,
                isNew: message.author == .participant && message.readAt == nil)
        }
        try await req.db.transaction { db in
            try await AuditLog.record(.checkInsViewed, actor: user, subject: .rosterMember(memberID), on: db, at: now)
            try await markRead(messages, by: .staff, now: now, on: db)
        }
        return .html(CheckInPages.staffConversation(
            viewer: viewer, groupID: try group.requireID(), groupName: group.name, memberID: memberID.uuidString.lowercased(),
            memberName: member.displayName, studyCode: member.studyCode, joined: member.$user.id != nil, messages: shown,
            draft: draft, errors: errors, csrf: CSRF.token(for: req),
            autosave: (Self.replyDraftKey(memberID), try user.requireID())), status: status)
    }

    @Sendable
    func conversation(req: Request) async throws -> Response {
        let group = try await Self.staffGroup(req)
        let member = try await Self.member(in: group, req)
        let saved = try await Drafts.values(form: Self.replyDraftKey(try member.requireID()), for: req)
        return try await Self.renderConversation(req: req, group: group, member: member, draft: saved?.value(CheckInPages.fieldID) ?? "",
                                                 errors: FormErrors(), status: .ok)
    }

    @Sendable
    func reply(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let group = try await Self.staffGroup(req)
        let member = try await Self.member(in: group, req)
        let text = Self.trimmed(try req.content.decode(MessageInput.self).message)
        if let problem = CheckInPages.problem(with: text) {
            var errors = FormErrors()
            errors.add(CheckInPages.fieldID, problem)
            return try await Self.renderConversation(req: req, group: group, member: member, draft: text, errors: errors,
                                                     status: .unprocessableEntity)
        }
        let groupID = try group.requireID()
        let memberID = try member.requireID()
        let participantID = member.$user.id
        let now = req.now
        let baseURL = req.application.tend.baseURL
        let userID = try user.requireID()
        try await req.db.transaction { db in
            try await CheckInMessageModel(groupID: groupID, memberID: memberID, author: .staff, authorID: userID,
                                          body: text, sentAt: now).create(on: db)
            try await AuditLog.record(.checkInReplied, actor: user, subject: .rosterMember(memberID), on: db, at: now)
            if let participantID, let participant = try await UserModel.find(participantID, on: db) {
                try await CheckInNotifications.enqueue(.toParticipant, to: participant, memberID: memberID, groupID: groupID,
                                                       baseURL: baseURL, now: now, on: db)
            }
        }
        try await Drafts.discard(Self.replyDraftKey(memberID), for: req)
        return .seeOther(SiteURL.memberCheckIns(.value(groupID), .value(memberID.uuidString.lowercased())).path + "#latest")
    }
}
