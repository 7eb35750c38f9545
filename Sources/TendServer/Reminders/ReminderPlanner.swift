import Fluent
import Foundation
import Logging
import SQLKit
import TendCore
import Vapor

/// Puts each participant's reminders for the next ``lookAhead`` into the outbox and their notifications.
/// What is due comes from TendCore (``ReminderPlan/occurrences(choices:schedule:after:through:)``); every
/// reminder's dedupe key is `<kind>:<participant>:<occurrence>`, so running the planner again, or on two
/// instances at once, never writes one twice.
enum ReminderPlanner {
    static let lookAhead: TimeInterval = 36 * 3600

    /// What one participant's reminders are planned from.
    struct Participant {
        var user: UUID
        /// Their saved choices (nil when a stored value no longer parses: nothing is planned), or the
        /// ``defaultChoices(in:)`` until they choose.
        var choices: ReminderChoices?
        var schedule: [ScheduledItem]
    }

    /// What a participant who has not saved choices is reminded of: each group meeting an hour before and
    /// each release, in the app only (no e-mail or text without their say), and no practice reminders.
    /// The same as the form's starting values on `/my/reminders`.
    static func defaultChoices(in zone: TimeZone) -> ReminderChoices {
        ReminderChoices(preference: ReminderPreference(weekdays: [], time: LocalTime("19:00")!, timeZone: zone),
                        meetingLeads: [.hourBefore], releases: true)
    }

    /// Plans every participant who has saved reminder choices, and every other participant on a roster
    /// with ``defaultChoices(in:)``. Returns how many reminders were new.
    @discardableResult
    static func run(on database: any Database, now: Date, baseURL: URL) async throws -> Int {
        let all = try await ReminderPreferenceModel.query(on: database).all()
        var written = 0
        var chosen = Set<UUID>()
        for preferences in all {
            let user = preferences.$user.id
            chosen.insert(user)
            written += try await plan(Participant(user: user, choices: preferences.choices, schedule: try await schedule(of: user, on: database)),
                                      on: database, now: now, baseURL: baseURL)
        }
        let enrolled = try await RosterMemberModel.query(on: database).filter(\.$user.$id != nil).with(\.$group).all()
        var planned = Set<UUID>()
        for member in enrolled {
            guard let user = member.$user.id, !chosen.contains(user), planned.insert(user).inserted else { continue }
            let zone = MemberActivityLoader.zone(of: member, in: member.group)
            written += try await plan(Participant(user: user, choices: defaultChoices(in: zone), schedule: try await schedule(of: user, on: database)),
                                      on: database, now: now, baseURL: baseURL)
        }
        return written
    }

    /// After a participant changed their choices: their reminders not yet due and not yet taken by a worker
    /// (pending outbox items, in-app lines not yet shown) are removed and the new plan written. What was
    /// sent, or is being sent, stays.
    @discardableResult
    static func replan(user: UUID, on database: any Database, now: Date, baseURL: URL) async throws -> Int {
        try await cancelPending(user: user, on: database, now: now)
        guard let preferences = try await ReminderPreferenceModel.query(on: database).filter(\.$user.$id == user).first() else { return 0 }
        return try await plan(Participant(user: user, choices: preferences.choices, schedule: try await schedule(of: user, on: database)),
                              on: database, now: now, baseURL: baseURL)
    }

    /// The dedupe-key prefixes of one participant's reminders (`practice:<user>:`, …).
    static func keyPrefixes(of user: UUID) -> [String] {
        ReminderKind.allCases.map { "\($0.rawValue):\(user.uuidString.lowercased()):" }
    }

    static func cancelPending(user: UUID, on database: any Database, now: Date) async throws {
        let sql = database as! any SQLDatabase
        for prefix in keyPrefixes(of: user) {
            let pattern = prefix + "%"
            try await sql.raw("""
                DELETE FROM outbox_items
                WHERE status = \(bind: OutboxStatus.pending.rawValue) AND attempts = 0 AND due_at > \(bind: now)
                    AND dedupe_key LIKE \(bind: pattern)
                """).run()
            try await sql.raw("""
                DELETE FROM notifications
                WHERE user_id = \(bind: user) AND created_at > \(bind: now) AND dedupe_key LIKE \(bind: pattern)
                """).run()
        }
    }

    static func plan(_ participant: Participant, on database: any Database, now: Date, baseURL: URL) async throws -> Int {
        guard let choices = participant.choices else { return 0 }
        let zone = choices.preference.timeZone
        var written = 0
        for occurrence in ReminderPlan.occurrences(choices: choices, schedule: participant.schedule, after: now,
                                                   through: now.addingTimeInterval(lookAhead)) {
            let message = Self.message(for: occurrence, zone: zone)
            let delivery = try await Notifier.notify(
                user: participant.user, kind: occurrence.kind.rawValue, subject: message.subject, text: message.text,
                link: message.link, dedupeKey: occurrence.key(for: participant.user.uuidString.lowercased()),
                on: database, now: now, due: occurrence.due, showAt: occurrence.deliverAt, baseURL: baseURL)
            if delivery.inApp { written += 1 }
        }
        return written
    }

    /// The words of a reminder: nothing about the programme's content, as it can show on a lock screen.
    static func message(for occurrence: ReminderOccurrence, zone: TimeZone) -> (subject: String, text: String, link: String) {
        switch occurrence.kind {
        case .practice:
            return ("Time for your practice", "A reminder to take a few minutes for your practice, if today allows.", SiteURL.home.path)
        case .meeting:
            let start = occurrence.item?.opensAt ?? occurrence.due
            let time = DateWords.string(start, zone: zone, format: "HH:mm")
            let day = DateWords.string(start, zone: zone, format: "EEEE d MMMM")
            let text = occurrence.occurrence.hasPrefix(MeetingLead.hourBefore.rawValue)
                ? "Your group meets at \(time) today."
                : "Your group meets tomorrow, \(day), at \(time)."
            return ("Your group meets soon", text, SiteURL.home.path)
        case .release:
            let number = occurrence.item?.sessionNumber
            return ("Something new is open", "Something new is open for you in Tend.",
                    number.map { SiteURL.mySession(.value($0)).path } ?? SiteURL.home.path)
        }
    }

    /// The participant's meetings and releases (empty when they are on no roster or the plan cannot be made).
    static func schedule(of user: UUID, on database: any Database) async throws -> [ScheduledItem] {
        guard let member = try await RosterMemberModel.query(on: database)
            .filter(\.$user.$id == user)
            .join(GroupModel.self, on: \RosterMemberModel.$group.$id == \GroupModel.$id)
            .first() else { return [] }
        let group = try member.joined(GroupModel.self)
        guard let course = ParticipantController.Course(group: group),
              let plan = member.deliveryPlan(in: group, programme: course.programme),
              let schedule = try? Schedule(programme: course.programme, versionID: course.version.id, plan: plan) else { return [] }
        return schedule.items
    }
}

/// Runs the planner every ``interval`` beside the outbox worker, in `tend serve` (registered in
/// `configure`) and `tend worker`. The first pass is one interval after start, then every interval.
final class ReminderPlannerLoop: Sendable {
    static let interval: TimeInterval = 600

    private let task: Task<Void, Never>

    init(database: any Database, clock: Clock, baseURL: URL, logger: Logger, interval: TimeInterval = ReminderPlannerLoop.interval,
         activitySources: ActivitySources = .installed) {
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                if Task.isCancelled { break }
                await Self.pass(database: database, now: clock.now, baseURL: baseURL, logger: logger, activitySources: activitySources)
            }
        }
    }

    /// One pass: plan reminders, remind study participants of open questionnaires, offer the programme
    /// to waitlist participants whose follow-up is over, then evaluate and record every group's
    /// engagement flags (each step logged on its own, so one failing does not stop the others).
    static func pass(database: any Database, now: Date, baseURL: URL, logger: Logger, activitySources: ActivitySources) async {
        do {
            let written = try await ReminderPlanner.run(on: database, now: now, baseURL: baseURL)
            if written > 0 { logger.info("reminders planned", metadata: ["count": .stringConvertible(written)]) }
        } catch {
            logger.error("reminder planning failed", metadata: ["error": .string(String(describing: type(of: error)))])
        }
        do {
            let written = try await QuestionnaireReminders.run(on: database, now: now, baseURL: baseURL)
            if written > 0 { logger.info("questionnaire reminders sent", metadata: ["count": .stringConvertible(written)]) }
        } catch {
            logger.error("questionnaire reminders failed", metadata: ["error": .string(String(describing: type(of: error)))])
        }
        do {
            let offered = try await WaitlistOffers.sweep(now: now, baseURL: baseURL, on: database)
            if offered > 0 { logger.info("waitlist offers made", metadata: ["count": .stringConvertible(offered)]) }
        } catch {
            logger.error("waitlist offers failed", metadata: ["error": .string(String(describing: type(of: error)))])
        }
        do {
            try await FlagSweep.run(on: database, now: now, sources: activitySources)
        } catch {
            logger.error("flag evaluation failed", metadata: ["error": .string(String(describing: type(of: error)))])
        }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// Starts and stops the planner loop with the app (when the outbox worker is on).
struct ReminderPlannerLifecycle: LifecycleHandler {
    private struct Key: StorageKey { typealias Value = ReminderPlannerLoop }

    func didBootAsync(_ app: Application) async throws {
        guard app.tend.outbox.workerEnabled else { return }
        app.storage[Key.self] = ReminderPlannerLoop(database: app.db, clock: app.clock, baseURL: app.tend.baseURL, logger: app.logger,
                                                    activitySources: app.activitySources)
    }

    func shutdownAsync(_ app: Application) async {
        guard let loop = app.storage[Key.self] else { return }
        await loop.stop()
        app.storage[Key.self] = nil
    }
}
