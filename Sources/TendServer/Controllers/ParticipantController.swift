import Fluent
import Foundation
import TendCore
import Vapor

/// A participant's own programme: their home, the welcome, each session or module and each handout; and
/// the same pages previewed by the facilitator of the group (or an admin).
///
/// A participant's pages carry no ids but the content's own (a session number, a handout id): the
/// group and plan always come from the signed-in account, so no URL can reach another person's material.
/// What is open comes from TendCore's ``Schedule`` at the app clock's instant (``Request/now``).
struct ParticipantController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myWelcome.pathComponents, use: welcome)
        participant.get(SiteURL.mySession(.key).pathComponents, use: session)
        participant.get(SiteURL.myHandout(.key).pathComponents, use: handout)
        participant.get(SiteURL.myHandoutPDF(.key).pathComponents, use: handoutPDF)
        let staff = routes.grouped(RequireRole(.facilitator, .admin))
        staff.get(SiteURL.groupSessionPreview(.key, .key).pathComponents, use: previewSession)
        staff.get(SiteURL.groupHandoutPreview(.key, .key).pathComponents, use: previewHandout)
        staff.get(SiteURL.groupHandoutPDF(.key, .key).pathComponents, use: previewHandoutPDF)
    }

    // MARK: The participant's enrolment

    /// A programme version as one group delivers it: the content, the sessions in order and their labels.
    struct Course {
        let group: GroupModel
        let content: RenderedProgramme
        let version: ProgrammeVersion
        let sessions: [TendCore.Session]

        var programme: Programme { content.programme }

        init?(group: GroupModel) {
            guard let content = ProgrammeLibrary.programme(group.programmeID),
                  let version = content.programme.version(group.versionID) else { return nil }
            self.group = group
            self.content = content
            self.version = version
            sessions = content.programme.sessions(in: version)
        }

        /// 1-based place of a session in this version (what participants call "Session 3").
        func position(of number: Int) -> Int? { sessions.firstIndex { $0.number == number }.map { $0 + 1 } }

        func session(_ number: Int) -> TendCore.Session? { sessions.first { $0.number == number } }

        /// "Session 3: The three systems", "Module 2: The compassionate self".
        func label(_ number: Int) -> String {
            guard let session = session(number), let position = position(of: number) else { return "" }
            return "\(programme.delivery.unitName.capitalized) \(position): \(session.title)"
        }

        /// The handouts of a version, each with the sessions that give it out.
        func sessions(givingOut handout: String) -> [TendCore.Session] { sessions.filter { $0.handouts.contains(handout) } }
    }

    /// The signed-in participant's roster membership, group and schedule.
    /// Shared between requests by the read cache: the models in it are only read once it is built.
    struct Enrolment: @unchecked Sendable {
        let member: RosterMemberModel
        let course: Course
        let schedule: Schedule
        /// The zone dates are shown in: the member's own, or the group's for a group that meets.
        let zone: TimeZone
    }

    /// One query: the member row joined to its group. Nil when the account is on no roster.
    static func enrolment(_ req: Request) async throws -> Enrolment? {
        guard let user = req.user, let userID = user.id else { return nil }
        let cache = req.application.readCaches.enrolments
        if let hit = cache.value(for: userID) { return hit }
        let enrolment = try await readEnrolment(userID, on: req.db)
        if let enrolment { cache.set(enrolment, for: userID) }
        return enrolment
    }

    private static func readEnrolment(_ userID: UUID, on db: any Database) async throws -> Enrolment? {
        guard let member = try await RosterMemberModel.query(on: db)
            .filter(\.$user.$id == userID)
            .join(GroupModel.self, on: \RosterMemberModel.$group.$id == \GroupModel.$id)
            .first() else { return nil }
        let group = try member.joined(GroupModel.self)
        guard let course = Course(group: group),
              let plan = member.deliveryPlan(in: group, programme: course.programme),
              let schedule = try? Schedule(programme: course.programme, versionID: course.version.id, plan: plan) else { return nil }
        return Enrolment(member: member, course: course, schedule: schedule, zone: plan.timeZone)
    }

    static func requireEnrolment(_ req: Request) async throws -> Enrolment {
        guard let enrolment = try await enrolment(req) else { throw PageError.notFound() }
        return enrolment
    }

    // MARK: Dates in words

    /// "Tuesday 10 March 2026 at 18:30 GMT", or "Monday 9 March 2026" for something that opens at the
    /// start of the day.
    static func when(_ date: Date, in zone: TimeZone, withTime: Bool) -> String {
        DateWords.string(date, zone: zone, format: withTime ? "EEEE d MMMM yyyy 'at' HH:mm zzz" : "EEEE d MMMM yyyy")
    }

    /// Whether times matter for an item: meetings, and releases not at the start of a day.
    static func showsTime(_ item: ScheduledItem) -> Bool {
        item.endsAt != nil || item.local.time != .midnight
    }

    static func when(_ item: ScheduledItem, in zone: TimeZone) -> String {
        when(item.opensAt, in: zone, withTime: showsTime(item))
    }

    // MARK: Home

    /// The participant's home, from their enrolment (nil: not on a roster) and ``HomeSummary``.
    static func home(req: Request, enrolment: Enrolment?, summary: HomeSummary) async throws -> Response {
        guard let viewer = req.viewer else { return .found(SiteURL.login.path) }
        let due = summary.openQuestionnaires > 0 ? try await QuestionnaireController.dueOnHome(req) : []
        guard let enrolment else {
            let offer = summary.inStudy ? try await WaitlistController.homeOffer(req) : nil
            return .html(HomePages.welcome(viewer: viewer, questionnaires: due, offer: offer, csrf: CSRF.token(for: req)))
        }
        // Greeted by the roster's name for them, unless that is only their study code (a study adds people to its
        // groups by code): then by the name they gave when they joined.
        let member = enrolment.member
        let name = member.displayName == member.studyCode ? (req.user?.name ?? member.displayName) : member.displayName
        var home = homeModel(enrolment, name: name, now: req.now)
        home.unreadNotifications = summary.unreadNotifications
        home.checkInsUnread = summary.unreadCheckIns
        return .html(ParticipantPages.home(viewer: viewer, home: home, questionnaires: due, csrf: CSRF.token(for: req)))
    }

    static func homeModel(_ enrolment: Enrolment, name: String, now: Date) -> ParticipantPages.Home {
        let course = enrolment.course
        let schedule = enrolment.schedule
        let zone = enrolment.zone
        let status = schedule.status(at: now)
        let delivery = course.programme.delivery
        var current: ParticipantPages.Current?
        if let item = status.current, let session = course.session(item.sessionNumber) {
            let heading: String
            var dayNote: String?
            switch delivery {
            case .scheduledGroup: heading = "This week's session"
            case .weeklySelfHelp: heading = "This week's module"
            case .dailyPractice:
                heading = "Today's practice"
                dayNote = "Day \(item.position) of \(schedule.items.count)"
            }
            current = .init(heading: heading, title: course.label(session.number), summary: session.summary,
                            href: SiteURL.mySession(.value(session.number)).path,
                            practice: session.homework.map { .init(title: $0.title, detail: $0.detail, frequency: $0.frequency) },
                            dayNote: dayNote)
        }
        var meeting: ParticipantPages.Meeting?
        if delivery == .scheduledGroup, let item = status.meetingInProgress ?? status.next {
            meeting = .init(title: course.label(item.sessionNumber), when: when(item, in: zone), callLink: course.group.callLink,
                            inProgress: status.meetingInProgress == item)
        }
        var nextText: String?
        if let next = status.next, meeting?.inProgress != false {
            switch delivery {
            case .scheduledGroup:
                nextText = "Next meeting: \(course.label(next.sessionNumber)), \(when(next, in: zone))."
            case .weeklySelfHelp:
                nextText = "\(course.label(next.sessionNumber)) opens on \(when(next, in: zone))."
            case .dailyPractice:
                let same = status.current?.sessionNumber == next.sessionNumber
                nextText = same
                    ? "Day \(next.position) opens on \(when(next, in: zone)): more practice with \(course.label(next.sessionNumber))."
                    : "Day \(next.position) opens on \(when(next, in: zone)): \(course.label(next.sessionNumber))."
            }
        }
        var startsText: String?
        if status.notStarted, let first = schedule.items.first {
            startsText = delivery == .scheduledGroup
                ? "Your first group meeting is on \(when(first, in: zone)). Until then, have a look at the welcome."
                : "Your first \(delivery.unitName) opens on \(when(first, in: zone)). Until then, have a look at the welcome."
        }
        var handouts: [ParticipantPages.HandoutLink] = []
        var seen: Set<String> = []
        for number in status.unlockedSessionNumbers {
            for id in course.session(number)?.handouts ?? [] where !seen.contains(id) {
                seen.insert(id)
                if let handout = course.programme.handout(id) {
                    handouts.append(.init(title: handout.title, href: SiteURL.myHandout(.value(id)).path))
                }
            }
        }
        return ParticipantPages.Home(
            name: name, programmeTitle: course.programme.title, startsText: startsText, current: current, meeting: meeting,
            nextText: nextText, finished: status.finished,
            opened: status.unlockedSessionNumbers.map { .init(label: course.label($0), href: SiteURL.mySession(.value($0)).path) },
            handouts: handouts, unitPlural: delivery.unitName + "s")
    }

    // MARK: Welcome

    @Sendable
    func welcome(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let enrolment = try await Self.requireEnrolment(req)
        return .html(ParticipantPages.welcome(viewer: viewer, programmeTitle: enrolment.course.programme.title,
                                              introductionHTML: enrolment.course.content.introductionHTML, csrf: CSRF.token(for: req)))
    }

    // MARK: Sessions and modules

    /// Where a session page's links point: the participant's own pages or a staff preview.
    struct Links: Sendable {
        var session: @Sendable (Int) -> String
        var handout: @Sendable (String) -> String
        var back: ParticipantPages.ItemLink
    }

    /// The recordings of a session's exercises (one query, or a read reused from the last `TEND_CACHE_SECONDS`).
    static func media(for course: Course, number: Int, on req: Request) async throws -> [String: [MediaItem]] {
        guard let session = course.session(number) else { return [:] }
        let cache = req.application.readCaches.sessionMedia
        let key = course.programme.id + "/" + String(number)
        if let hit = cache.value(for: key) { return hit }
        let media = try await MediaLibrary.items(programmeID: course.programme.id,
                                                 exerciseIDs: course.content.exercises(of: session).map(\.id), on: req.db)
        cache.set(media, for: key)
        return media
    }

    static func sessionPage(course: Course, number: Int, links: Links, when: String?, callLink: String?,
                            isOpen: (Int) -> Bool, previewNote: String?, media: [String: [MediaItem]] = [:]) -> ParticipantPages.SessionPage? {
        guard let session = course.session(number), let position = course.position(of: number) else { return nil }
        let exercises = course.content.exercises(of: session).map { exercise in
            ParticipantPages.ExerciseBlock(id: exercise.id, title: exercise.title, minutes: exercise.minutes, summary: exercise.summary,
                                           scriptHTML: course.content.scriptHTML[exercise.id] ?? "",
                                           transcriptHTML: course.content.transcriptHTML[exercise.id],
                                           media: media[exercise.id] ?? [])
        }
        let handouts = session.handouts.compactMap { id in
            course.programme.handout(id).map { ParticipantPages.HandoutLink(title: $0.title, href: links.handout(id)) }
        }
        let previous = position > 1 ? course.sessions[position - 2].number : nil
        let next = position < course.sessions.count ? course.sessions[position].number : nil
        return ParticipantPages.SessionPage(
            heading: course.label(number), summary: session.summary, when: when, callLink: callLink,
            bodyHTML: course.content.sessionHTML[number] ?? "", exercises: exercises,
            practice: session.homework.map { .init(title: $0.title, detail: $0.detail, frequency: $0.frequency) },
            handouts: handouts,
            previous: previous.map { .init(label: course.label($0), href: links.session($0)) },
            next: next.flatMap { isOpen($0) ? .init(label: course.label($0), href: links.session($0)) : nil },
            back: links.back, previewNote: previewNote)
    }

    static let participantLinks = Links(session: { SiteURL.mySession(.value($0)).path },
                                        handout: { SiteURL.myHandout(.value($0)).path },
                                        back: .init(label: "Back to your home page", href: SiteURL.home.path))

    /// When a session met or opened, in words, and the call link while its meeting is still to come or on.
    static func timing(_ item: ScheduledItem, zone: TimeZone, now: Date, callLink: String) -> (String, String?) {
        if let ends = item.endsAt {
            let text = ends <= now ? "Your group met on \(when(item, in: zone))." : "Your group meets on \(when(item, in: zone))."
            return (text, ends > now ? callLink : nil)
        }
        return ("Opened on \(when(item, in: zone)).", nil)
    }

    @Sendable
    func session(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let enrolment = try await Self.requireEnrolment(req)
        let course = enrolment.course
        guard let number = req.parameters.get(SiteURL.sessionKey).flatMap(Int.init), course.session(number) != nil,
              let item = enrolment.schedule.firstItem(forSession: number) else { throw PageError.notFound() }
        let now = req.now
        guard enrolment.schedule.isUnlocked(session: number, at: now) else {
            return .html(ParticipantPages.locked(viewer: viewer, heading: course.label(number),
                                                 opens: "on " + Self.when(item, in: enrolment.zone), csrf: CSRF.token(for: req)))
        }
        let (when, link) = Self.timing(item, zone: enrolment.zone, now: now, callLink: course.group.callLink)
        let media = try await Self.media(for: course, number: number, on: req)
        guard let page = Self.sessionPage(course: course, number: number, links: Self.participantLinks, when: when, callLink: link,
                                          isOpen: { enrolment.schedule.isUnlocked(session: $0, at: now) }, previewNote: nil, media: media)
        else { throw PageError.notFound() }
        return .html(ParticipantPages.session(viewer: viewer, page: page, csrf: CSRF.token(for: req)))
    }

    /// The handout in the path, if the participant's programme gives it out: open, or locked until a date.
    enum HandoutAccess {
        case open(Handout)
        case locked(Handout, opens: String)
    }

    static func participantHandout(_ req: Request) async throws -> (Enrolment, String, HandoutAccess) {
        let enrolment = try await Self.requireEnrolment(req)
        let course = enrolment.course
        guard let id = req.parameters.get(SiteURL.handoutKey), let handout = course.programme.handout(id) else { throw PageError.notFound() }
        let givers = course.sessions(givingOut: id)
        guard let first = givers.first else { throw PageError.notFound() }
        let now = req.now
        guard givers.contains(where: { enrolment.schedule.isUnlocked(session: $0.number, at: now) }) else {
            let opens = enrolment.schedule.firstItem(forSession: first.number).map { "on " + Self.when($0, in: enrolment.zone) } ?? "later"
            return (enrolment, id, .locked(handout, opens: opens))
        }
        return (enrolment, id, .open(handout))
    }

    @Sendable
    func handout(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let (enrolment, id, access) = try await Self.participantHandout(req)
        switch access {
        case .locked(let handout, let opens):
            return .html(ParticipantPages.locked(viewer: viewer, heading: handout.title, opens: opens, csrf: CSRF.token(for: req)))
        case .open(let handout):
            let course = enrolment.course
            return .html(ParticipantPages.handout(viewer: viewer, title: handout.title, bodyHTML: course.content.handoutHTML[id] ?? "",
                                                  hasHeading: course.content.handoutHasHeading(id),
                                                  back: .init(label: "Back to your home page", href: SiteURL.home.path),
                                                  previewNote: nil, pdfHref: SiteURL.myHandoutPDF(.value(id)).path,
                                                  csrf: CSRF.token(for: req)))
        }
    }

    /// A handout as a PDF download; a locked one gets the same friendly page as its HTML form.
    @Sendable
    func handoutPDF(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let (enrolment, id, access) = try await Self.participantHandout(req)
        switch access {
        case .locked(let handout, let opens):
            return .html(ParticipantPages.locked(viewer: viewer, heading: handout.title, opens: opens, csrf: CSRF.token(for: req)))
        case .open(let handout):
            return Self.pdf(handout, fileName: enrolment.course.programme.id + "-" + id, now: req.now)
        }
    }

    /// `application/pdf`, offered as a download with a readable file name.
    static func pdf(_ handout: Handout, fileName: String, now: Date) -> Response {
        let bytes = handout.printableDocument().render(creationDate: now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fileName).pdf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: bytes))
    }

    // MARK: Staff previews

    static func previewCourse(_ req: Request) async throws -> Course {
        let group = try await GroupController.authorisedGroup(req)
        guard let course = Course(group: group) else { throw PageError.notFound() }
        return course
    }

    @Sendable
    func previewSession(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let course = try await Self.previewCourse(req)
        let groupID = try course.group.requireID()
        guard let number = req.parameters.get(SiteURL.sessionKey).flatMap(Int.init), course.session(number) != nil else {
            throw PageError.notFound()
        }
        var when: String?
        if let schedule = GroupController.schedule(for: course.group), let item = schedule.firstItem(forSession: number) {
            let zone = schedule.plan.timeZone
            when = "The group meets on \(Self.when(item, in: zone))."
        }
        let links = Links(session: { SiteURL.groupSessionPreview(.value(groupID), .value($0)).path },
                          handout: { SiteURL.groupHandoutPreview(.value(groupID), .value($0)).path },
                          back: .init(label: "Back to " + course.group.name, href: SiteURL.group(.value(groupID)).path))
        let note = "Preview: this is the page participants in \(course.group.name) see once it opens."
        let media = try await Self.media(for: course, number: number, on: req)
        guard let page = Self.sessionPage(course: course, number: number, links: links, when: when,
                                          callLink: course.programme.delivery == .scheduledGroup ? course.group.callLink : nil,
                                          isOpen: { _ in true }, previewNote: note, media: media)
        else { throw PageError.notFound() }
        return .html(ParticipantPages.session(viewer: viewer, page: page, csrf: CSRF.token(for: req)))
    }

    @Sendable
    func previewHandout(req: Request) async throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        let course = try await Self.previewCourse(req)
        let groupID = try course.group.requireID()
        guard let id = req.parameters.get(SiteURL.handoutKey), let handout = course.programme.handout(id),
              !course.sessions(givingOut: id).isEmpty else { throw PageError.notFound() }
        return .html(ParticipantPages.handout(viewer: viewer, title: handout.title, bodyHTML: course.content.handoutHTML[id] ?? "",
                                              hasHeading: course.content.handoutHasHeading(id),
                                              back: .init(label: "Back to " + course.group.name, href: SiteURL.group(.value(groupID)).path),
                                              previewNote: "Preview: this is the handout participants in \(course.group.name) see.",
                                              pdfHref: SiteURL.groupHandoutPDF(.value(groupID), .value(id)).path,
                                              csrf: CSRF.token(for: req)))
    }

    @Sendable
    func previewHandoutPDF(req: Request) async throws -> Response {
        let course = try await Self.previewCourse(req)
        guard let id = req.parameters.get(SiteURL.handoutKey), let handout = course.programme.handout(id),
              !course.sessions(givingOut: id).isEmpty else { throw PageError.notFound() }
        return Self.pdf(handout, fileName: course.programme.id + "-" + id, now: req.now)
    }
}

/// Dates in words on participant pages. A formatter is costly to make, so one is kept per zone and
/// pattern; a lock serialises their use, as formatters are not safe to share between threads.
enum DateWords {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var formatters: [String: DateFormatter] = [:]

    static func string(_ date: Date, zone: TimeZone, format: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        let key = zone.identifier + "|" + format
        if let formatter = formatters[key] { return formatter.string(from: date) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = format
        formatters[key] = formatter
        return formatter.string(from: date)
    }
}
