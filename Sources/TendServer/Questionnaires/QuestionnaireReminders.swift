import Fluent
import Foundation
import TendCore

/// Reminds study participants of their questionnaires through ``Notifier/notify(user:kind:subject:text:link:dedupeKey:on:now:due:showAt:baseURL:)``
/// (the app, and e-mail or text when they chose those channels, out of their quiet hours): once when a
/// window opens and once more before it closes if it is still not submitted. The words never name the
/// instrument or its content. Questionnaires of one study, timepoint and day are reminded together.
///
/// Dedupe keys are `questionnaire-open:<user>:<study>:<timepoint>:<opens>` and
/// `questionnaire-closing:<user>:<study>:<timepoint>:<closes>`, so running this again, or on two
/// instances at once, never sends one twice. Reminding sets `reminded_at` on each assignment, which
/// freezes its window when an anchor later moves.
enum QuestionnaireReminders {
    static let kind = "questionnaire"

    /// Days before the closing day on which the second reminder is sent (1: the day before it closes).
    static let closingLeadDays = 1

    /// One reminder about one or more questionnaires of the same study, timepoint and window day.
    struct Batch {
        var user: UUID
        var key: String
        var closesOn: LocalDate
        var zone: TimeZone
        var stage: Stage
        var rows: [QuestionnaireAssignmentModel]
    }

    enum Stage: String {
        case open = "questionnaire-open"
        case closing = "questionnaire-closing"
    }

    /// Sends what is due at `now`; returns how many reminders were new.
    @discardableResult
    static func run(on db: any Database, now: Date, baseURL: URL) async throws -> Int {
        // Only windows open today somewhere on Earth (dates are `YYYY-MM-DD`, so they compare as text);
        // each row's own zone decides below.
        let utcToday = LocalDateTime(now, in: StudyDates.utc).date
        let rows = try await QuestionnaireAssignmentModel.query(on: db)
            .filter(\.$submittedAt == nil)
            .filter(\.$status != MeasurementStatus.missed.rawValue)
            .filter(\.$opensOn <= utcToday.adding(days: 1).description)
            .filter(\.$closesOn >= utcToday.adding(days: -1).description)
            .all()
        guard !rows.isEmpty else { return 0 }
        let withdrawn = try await withdrawnUsers(on: db)
        var written = 0
        for batch in batches(rows.filter { !withdrawn.contains($0.$user.id) }, now: now) {
            let message = message(batch)
            let delivery = try await Notifier.notify(
                user: batch.user, kind: kind, subject: message.subject, text: message.text, link: SiteURL.home.path,
                dedupeKey: batch.key, on: db, now: now, baseURL: baseURL)
            if delivery.inApp { written += 1 }
            for row in batch.rows where row.remindedAt == nil {
                row.remindedAt = now
                row.updatedAt = now
                try await row.save(on: db)
            }
        }
        return written
    }

    /// The reminders `rows` call for at `now`: an opening reminder for each window open today and not yet
    /// reminded, and a closing reminder for each window closing within ``closingLeadDays`` that was
    /// first reminded on an earlier day.
    static func batches(_ rows: [QuestionnaireAssignmentModel], now: Date) -> [Batch] {
        var batches: [String: Batch] = [:]
        var order: [String] = []
        for row in rows {
            guard let window = row.window else { continue }
            let today = LocalDateTime(now, in: row.zone).date
            guard window.opens <= today, today <= window.closes else { continue }
            let stage: Stage
            if row.remindedAt == nil {
                stage = .open
            } else if today >= window.closes.adding(days: -closingLeadDays),
                      let first = row.remindedAt, LocalDateTime(first, in: row.zone).date < today {
                stage = .closing
            } else {
                continue
            }
            let day = stage == .open ? window.opens : window.closes
            let key = [stage.rawValue, row.$user.id.uuidString.lowercased(), row.studyID.uuidString.lowercased(),
                       row.timepointID, day.description].joined(separator: ":")
            if batches[key] == nil {
                batches[key] = Batch(user: row.$user.id, key: key, closesOn: window.closes, zone: row.zone, stage: stage, rows: [])
                order.append(key)
            }
            batches[key]?.rows.append(row)
        }
        return order.compactMap { batches[$0] }
    }

    /// The words: nothing about the instrument or its content, as they can show on a lock screen.
    static func message(_ batch: Batch) -> (subject: String, text: String) {
        let plural = batch.rows.count > 1
        let what = plural ? "some questions" : "a few questions"
        switch batch.stage {
        case .open:
            return ("Questions for the study are ready",
                    "There are \(what) for you to answer for the study, when you have a few minutes. They stay open until \(day(batch.closesOn)).")
        case .closing:
            return ("Questions for the study close soon",
                    "The questions for the study close at the end of \(day(batch.closesOn)). If today allows, you can answer them in Tend.")
        }
    }

    private static func day(_ date: LocalDate) -> String {
        let noon = Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch) * 86_400 + 43_200)
        return DateWords.string(noon, zone: TimeZone(identifier: "UTC")!, format: "EEEE d MMMM")
    }

    /// Participants who withdrew from their study: they are not reminded.
    private static func withdrawnUsers(on db: any Database) async throws -> Set<UUID> {
        let rows = try await StudyScreeningModel.query(on: db)
            .filter(\.$exitKind == .withdrawn)
            .filter(\.$user.$id != nil)
            .all()
        return Set(rows.compactMap { $0.$user.id })
    }
}
