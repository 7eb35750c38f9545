import Fluent
import Foundation
import TendCore
import Vapor

/// A participant's reminder choices (`/my/reminders`), everyone's notifications (`/my/notifications`),
/// the one-click unsubscribe links and the calendar feed. The form only ever reads and writes the
/// signed-in account's own row; the unsubscribe and calendar routes need no sign-in and reach exactly
/// the one participant their signed or secret token names.
struct ReminderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let participant = routes.grouped(RequireRole(.participant))
        participant.get(SiteURL.myReminders.pathComponents, use: show)
        participant.post(SiteURL.myReminders.pathComponents, use: save)
        participant.post(SiteURL.myCalendarLink.pathComponents, use: newCalendarLink)
        routes.grouped(RequireRole(Set(Role.allCases))).get(SiteURL.myNotifications.pathComponents, use: notifications)
        routes.get(SiteURL.unsubscribe(.key).pathComponents, use: confirmUnsubscribe)
        // One-click unsubscribe (RFC 8058) comes from the mail system with no session: the signed token in
        // the path is the proof, so the CSRF check is the handler's (a forger cannot know the token).
        let oneClick = routes.post(SiteURL.unsubscribe(.key).pathComponents, use: unsubscribe)
        oneClick.userInfo[CSRF.checkedByHandlerKey] = true
        routes.get(SiteURL.calendarFeed(.key).pathComponents, use: calendar)
    }

    /// An E.164 number: `+`, a country code not starting with 0, 8 to 15 digits in all.
    static func isE164(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.first == "+" && (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
            && digits.first != "0"
    }

    // MARK: The form

    static func channels(_ req: Request) -> ReminderPages.Channels {
        .init(email: req.application.tend.outbox.smtp != nil, sms: req.application.tend.outbox.webhook != nil)
    }

    static func preferences(of user: UUID, on db: any Database) async throws -> ReminderPreferenceModel? {
        try await ReminderPreferenceModel.query(on: db).filter(\.$user.$id == user).first()
    }

    /// The participant's own zone (their plan's, or their group's), Europe/London if they have none.
    static func defaultZone(_ req: Request) async throws -> TimeZone {
        try await ParticipantController.enrolment(req)?.zone ?? TimeZone(identifier: "Europe/London")!
    }

    static func form(from model: ReminderPreferenceModel) -> ReminderPages.Form {
        var form = ReminderPages.Form()
        form.weekdays = Set(model.weekdays.split(separator: ",").compactMap { Int($0) })
        form.practiceTime = model.practiceTime
        let leads = Set(model.meetingLeads.split(separator: ",").map(String.init))
        form.meetingHourBefore = leads.contains(MeetingLead.hourBefore.rawValue)
        form.meetingDayBefore = leads.contains(MeetingLead.dayBefore.rawValue)
        form.releases = model.releases
        form.email = model.byEmail
        form.sms = model.bySMS
        form.phone = model.phone ?? ""
        form.quietStart = model.quietStart ?? ""
        form.quietEnd = model.quietEnd ?? ""
        form.timeZone = model.timeZone
        return form
    }

    static func calendarLink(_ model: ReminderPreferenceModel?, _ req: Request) -> String? {
        model?.calendarToken.map { SiteURL.calendarFeed(.value($0 + ".ics")).absolute(on: req.application.tend.baseURL) }
    }

    static func render(_ req: Request, form: ReminderPages.Form, errors: FormErrors, saved: Bool, model: ReminderPreferenceModel?,
                       status: HTTPStatus) throws -> Response {
        guard let viewer = req.viewer else { throw PageError.forbidden }
        return .html(ReminderPages.reminders(viewer: viewer, form: form, channels: channels(req), errors: errors, saved: saved,
                                             calendarLink: calendarLink(model, req), csrf: CSRF.token(for: req),
                                             usingDefaults: model == nil && req.user?.role == .participant), status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        guard let user = req.user?.id else { throw PageError.forbidden }
        let model = try await Self.preferences(of: user, on: req.db)
        var form = model.map(Self.form(from:)) ?? ReminderPages.Form()
        if model == nil { form.timeZone = try await Self.defaultZone(req).identifier }
        return try Self.render(req, form: form, errors: FormErrors(), saved: req.query[String.self, at: "saved"] != nil, model: model,
                               status: .ok)
    }

    /// Reads the posted form into what was typed and, when it is valid, the choices it makes.
    static func parse(_ fields: [String: String], channels: ReminderPages.Channels) -> (ReminderPages.Form, FormErrors, ReminderChoices?) {
        func on(_ name: String) -> Bool { fields[name].map { !$0.isEmpty } ?? false }
        func text(_ name: String) -> String { fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        var form = ReminderPages.Form()
        form.weekdays = Set(Weekday.allCases.map(\.rawValue).filter { on("weekday\($0)") })
        form.practiceTime = text("practiceTime")
        form.meetingHourBefore = on("meetingHourBefore")
        form.meetingDayBefore = on("meetingDayBefore")
        form.releases = on("releases")
        form.email = channels.email && on("email")
        form.sms = channels.sms && on("sms")
        form.phone = text("phone").replacingOccurrences(of: " ", with: "")
        form.quietStart = text("quietStart")
        form.quietEnd = text("quietEnd")
        form.timeZone = text("timeZone")

        var errors = FormErrors()
        let time = LocalTime(form.practiceTime)
        if form.practiceTime.isEmpty {
            if !form.weekdays.isEmpty { errors.add("practiceTime", "Enter the time for practice reminders, like 19:30") }
        } else if time == nil {
            errors.add("practiceTime", "Enter the time for practice reminders as hours and minutes on the 24-hour clock, like 19:30")
        }
        if form.sms {
            if form.phone.isEmpty {
                errors.add("phone", "Enter your mobile number for text messages, like +447700900123")
            }
        }
        if !form.phone.isEmpty, !Self.isE164(form.phone) {
            errors.add("phone", "Enter the mobile number in international format: + then the country code and number, 8 to 15 digits, like +447700900123")
        }
        let quietStart = LocalTime(form.quietStart), quietEnd = LocalTime(form.quietEnd)
        if !form.quietStart.isEmpty, quietStart == nil {
            errors.add("quietStart", "Enter when quiet hours start as hours and minutes on the 24-hour clock, like 21:00")
        }
        if !form.quietEnd.isEmpty, quietEnd == nil {
            errors.add("quietEnd", "Enter when quiet hours end as hours and minutes on the 24-hour clock, like 08:00")
        }
        if form.quietStart.isEmpty != form.quietEnd.isEmpty {
            errors.add(form.quietStart.isEmpty ? "quietStart" : "quietEnd",
                       "Enter both when quiet hours start and when they end, or leave both empty")
        }
        if let quietStart, let quietEnd, quietStart == quietEnd {
            errors.add("quietEnd", "Quiet hours must end at a different time from when they start")
        }
        let zone = form.timeZone.isEmpty ? nil : TimeZone(identifier: form.timeZone)
        if zone == nil {
            errors.add("timeZone", "Enter a time zone name like Europe/London or America/New_York")
        }
        guard errors.isEmpty, let zone else { return (form, errors, nil) }
        let choices = ReminderChoices(
            preference: ReminderPreference(weekdays: Set(form.weekdays.compactMap(Weekday.init(rawValue:))), time: time ?? LocalTime(hour: 19, minute: 0)!,
                                           timeZone: zone, quietStart: quietStart, quietEnd: quietEnd),
            meetingLeads: Set((form.meetingHourBefore ? [MeetingLead.hourBefore] : []) + (form.meetingDayBefore ? [.dayBefore] : [])),
            releases: form.releases)
        if form.practiceTime.isEmpty { form.practiceTime = choices.preference.time.description }
        return (form, errors, choices)
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        guard let user = req.user?.id else { throw PageError.forbidden }
        let fields = try req.content.decode([String: String].self)
        let existing = try await Self.preferences(of: user, on: req.db)
        let (form, errors, parsed) = Self.parse(fields, channels: Self.channels(req))
        guard let choices = parsed else {
            return try Self.render(req, form: form, errors: errors, saved: false, model: existing, status: .unprocessableEntity)
        }
        let model = existing ?? Self.newModel(user: user)
        model.set(choices)
        model.byEmail = form.email
        model.bySMS = form.sms
        model.phone = form.phone.isEmpty ? nil : form.phone
        model.updatedAt = req.now
        try await model.save(on: req.db)
        try await ReminderPlanner.replan(user: user, on: req.db, now: req.now, baseURL: req.application.tend.baseURL)
        return .seeOther(SiteURL.myReminders.path + "?saved=1")
    }

    static func newModel(user: UUID) -> ReminderPreferenceModel {
        let model = ReminderPreferenceModel()
        model.$user.id = user
        model.unsubscribeSecret = SecretToken.generate()
        model.byEmail = false
        model.bySMS = false
        return model
    }

    // MARK: Calendar link

    @Sendable
    func newCalendarLink(req: Request) async throws -> Response {
        guard let user = req.user?.id else { throw PageError.forbidden }
        let model: ReminderPreferenceModel
        if let existing = try await Self.preferences(of: user, on: req.db) {
            model = existing
        } else {
            // The defaults the form shows until it is first saved.
            model = Self.newModel(user: user)
            var defaults = ReminderPages.Form()
            defaults.timeZone = try await Self.defaultZone(req).identifier
            let (_, _, choices) = Self.parse(["practiceTime": defaults.practiceTime, "meetingHourBefore": "on", "releases": "on",
                                              "timeZone": defaults.timeZone], channels: .init(email: false, sms: false))
            guard let choices else { throw Abort(.internalServerError) }
            model.set(choices)
        }
        model.calendarToken = SecretToken.generate()
        model.updatedAt = req.now
        try await model.save(on: req.db)
        return .seeOther(SiteURL.myReminders.path)
    }

    // MARK: Notifications

    @Sendable
    func notifications(req: Request) async throws -> Response {
        guard let viewer = req.viewer, let user = req.user?.id else { throw PageError.forbidden }
        let now = req.now
        let rows = try await NotificationModel.query(on: req.db)
            .filter(\.$user.$id == user)
            .filter(\.$createdAt <= now)
            .sort(\.$createdAt, .descending)
            .limit(50)
            .all()
        let zone = try await ParticipantController.enrolment(req)?.zone ?? TimeZone(identifier: "Europe/London")!
        let lines = rows.map { row in
            ReminderPages.Line(text: row.text, link: row.link, when: ParticipantController.when(row.createdAt, in: zone, withTime: true),
                               unread: row.readAt == nil)
        }
        let unread = rows.filter { $0.readAt == nil }.compactMap(\.id)
        if !unread.isEmpty {
            try await NotificationModel.query(on: req.db).filter(\.$id ~~ unread).set(\.$readAt, to: now).update()
        }
        return .html(ReminderPages.notifications(viewer: viewer, lines: lines, csrf: CSRF.token(for: req)))
    }

    // MARK: Unsubscribe

    /// The participant's row and the kind, when the token's signature is theirs; otherwise 404.
    static func verified(_ req: Request) async throws -> (ReminderPreferenceModel, ReminderKind, String) {
        guard let token = req.parameters.get(SiteURL.tokenKey), let parsed = UnsubscribeToken.parse(token),
              let model = try await preferences(of: parsed.user, on: req.db),
              UnsubscribeToken.verify(token, secret: model.unsubscribeSecret) else { throw PageError.notFound() }
        return (model, parsed.kind, token)
    }

    @Sendable
    func confirmUnsubscribe(req: Request) async throws -> Response {
        let (_, kind, token) = try await Self.verified(req)
        return .html(ReminderPages.unsubscribe(kind: kind, action: SiteURL.unsubscribe(.value(token)).path, done: false))
    }

    @Sendable
    func unsubscribe(req: Request) async throws -> Response {
        let (model, kind, _) = try await Self.verified(req)
        model.turnOff(kind)
        model.updatedAt = req.now
        try await model.save(on: req.db)
        try await ReminderPlanner.replan(user: model.$user.id, on: req.db, now: req.now, baseURL: req.application.tend.baseURL)
        return .html(ReminderPages.unsubscribe(kind: kind, action: "", done: true))
    }

    // MARK: Calendar feed

    @Sendable
    func calendar(req: Request) async throws -> Response {
        guard var token = req.parameters.get(SiteURL.tokenKey) else { throw PageError.notFound() }
        if token.hasSuffix(".ics") { token.removeLast(4) }
        guard !token.isEmpty,
              let model = try await ReminderPreferenceModel.query(on: req.db).filter(\.$calendarToken == token).first(),
              let stored = model.calendarToken, SecretToken.constantTimeEquals(stored, token) else { throw PageError.notFound() }
        let events = try await CalendarFeedEvents.events(of: model.$user.id, on: req.db, baseURL: req.application.tend.baseURL)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let body = ICalendarFeed.render(name: events.name, events: events.events, stamp: req.now)
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }
}

/// The events of a participant's calendar feed: their group's meetings and their releases.
enum CalendarFeedEvents {
    static func events(of user: UUID, on database: any Database, baseURL: URL) async throws -> (name: String, events: [CalendarEvent]) {
        guard let member = try await RosterMemberModel.query(on: database)
            .filter(\.$user.$id == user)
            .join(GroupModel.self, on: \RosterMemberModel.$group.$id == \GroupModel.$id)
            .first() else { return ("Tend", []) }
        let group = try member.joined(GroupModel.self)
        guard let course = ParticipantController.Course(group: group),
              let plan = member.deliveryPlan(in: group, programme: course.programme),
              let schedule = try? Schedule(programme: course.programme, versionID: course.version.id, plan: plan) else { return ("Tend", []) }
        let groupID = group.id?.uuidString.lowercased() ?? "group"
        let memberID = member.id?.uuidString.lowercased() ?? "member"
        let events = schedule.items.map { item -> CalendarEvent in
            let url = SiteURL.mySession(.value(item.sessionNumber)).absolute(on: baseURL)
            if let end = item.endsAt {
                return CalendarEvent(uid: "meeting-\(item.position)-\(groupID)@tend", start: item.opensAt, end: end,
                                     summary: "Group meeting: " + course.label(item.sessionNumber),
                                     location: group.callLink.isEmpty ? nil : group.callLink, url: url)
            }
            let what = item.dayOfModule == nil ? course.label(item.sessionNumber) + " opens" : "Day \(item.position): " + course.label(item.sessionNumber)
            return CalendarEvent(uid: "release-\(item.position)-\(memberID)@tend", start: item.opensAt,
                                 end: item.opensAt.addingTimeInterval(30 * 60), summary: what, url: url)
        }
        return (course.programme.title, events)
    }
}
