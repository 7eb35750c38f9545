import Fluent
import Foundation
import TendCore

/// One thing that happened to or for a study participant, for the staff timeline.
struct TimelineEvent: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case screening, consent, allocation, session, module, practice, questionnaire, alert, staffRecord = "staff-record"

        var label: String {
            switch self {
            case .screening: return "Screening"
            case .consent: return "Consent"
            case .allocation: return "Allocation"
            case .session: return "Session"
            case .module: return "Module"
            case .practice: return "Practice and diary"
            case .questionnaire: return "Questionnaire"
            case .alert: return "Safety alert"
            case .staffRecord: return "Staff record"
            }
        }
    }

    var date: LocalDate
    /// The exact moment when known; events of a day without one sort by `order` after those with one.
    var at: Date?
    var kind: Kind
    var text: String
    /// Tie-break within a day (the order of the study flow: screening before consent before allocation).
    var order: Int { Kind.allCases.firstIndex(of: kind) ?? 0 }
}

/// The weeks of a timeline, each with its events, in the chosen order.
struct TimelineWeek: Sendable, Equatable {
    /// The first day of the week: a Monday, or, once day 0 is known, a day 0 + 7k.
    var start: LocalDate
    /// Week number counted from the participant's day 0 (week 1 = days 0–6), when known and not before it.
    var studyWeek: Int?
    var events: [TimelineEvent]
}

/// A study participant's whole story for staff, read with one query per source: screening, consents,
/// allocation (the arm only for unblinded staff), sessions and attendance, modules opened to them,
/// practice and diary as counts per week (never their words; these three only for unblinded staff), questionnaires and scores, safety alerts
/// and their acknowledgement (never the note), and the records staff keep.
enum ParticipantTimeline {
    static func events(access: StudyAccess, screening row: StudyScreeningModel, now: Date, on db: any Database) async throws -> (events: [TimelineEvent], dayZero: LocalDate?) {
        let rowID = try row.requireID()
        let utc = StudyDates.utc
        func day(_ date: Date) -> LocalDate { LocalDateTime(date, in: utc).date }
        var events: [TimelineEvent] = []

        // Screening.
        if let approached = LocalDate(row.approachedOn) {
            var text = "Approached for the study"
            if let reason = row.eligibilityReason { text += "; screening: " + reason }
            if row.agreed == true { text += "; agreed to take part" } else if row.agreed == false { text += "; declined" }
            events.append(TimelineEvent(date: approached, at: nil, kind: .screening, text: text))
        }
        if let exit = row.exitKind, let on = row.exitedOn.flatMap(LocalDate.init) {
            events.append(TimelineEvent(date: on, at: nil, kind: .screening,
                                        text: "\(exit.label) at stage \(row.exitStage?.label.lowercased() ?? "unknown")"))
        }

        // Consents.
        for consent in try await StudyConsentModel.query(on: db).filter(\.$screening.$id == rowID).all() {
            events.append(TimelineEvent(date: day(consent.signedAt), at: consent.signedAt, kind: .consent,
                                        text: "Signed consent form version \(consent.version) (\(consent.items.count) statements agreed)"))
        }

        // Allocation.
        var dayZero: LocalDate?
        if let allocation = try await StudyAllocationModel.query(on: db).filter(\.$screening.$id == rowID).first() {
            var text = "Allocated" + (allocation.$allocatedBy.id == nil ? " when they consented" : " by staff")
            if let arm = access.armName(allocation.arm) { text += ": " + arm }
            events.append(TimelineEvent(date: day(allocation.allocatedAt), at: allocation.allocatedAt, kind: .allocation, text: text))
            dayZero = try await StudyAbstinence.anchors(study: access.studyID, allocations: [allocation], on: db)[rowID]
        }

        // Sessions, modules and practice would reveal the arm (only some arms use Tend's programmes):
        // staff blinded to allocation see none of them.
        if let user = row.$user.id, access.seesArms {
            // Sessions held and modules opened, from their own schedule, with attendance where recorded.
            let items = try await ReminderPlanner.schedule(of: user, on: db).filter { $0.opensAt <= now }
            let members = try await RosterMemberModel.query(on: db).filter(\.$user.$id == user).all().compactMap(\.id)
            var marks: [Int: AttendanceMark] = [:]
            if !members.isEmpty {
                for mark in try await AttendanceMarkModel.query(on: db).filter(\.$member.$id ~~ members).all() { marks[mark.sessionPosition] = mark.mark }
            }
            for item in items {
                if item.endsAt != nil {
                    let mark = marks[item.position].map { $0.displayName.lowercased() } ?? "attendance not recorded"
                    events.append(TimelineEvent(date: item.local.date, at: item.opensAt, kind: .session,
                                                text: "Session \(item.sessionNumber), “\(item.title)”: \(mark)"))
                } else if item.dayOfModule == nil || item.dayOfModule == 1 {
                    events.append(TimelineEvent(date: item.local.date, at: item.opensAt, kind: .module,
                                                text: "Module \(item.sessionNumber), “\(item.title)”, opened to them"))
                }
            }

            // Practice, diary and thought tool: counts per week only.
            var practice: [LocalDate: (entries: Int, minutes: Int)] = [:]
            for entry in try await PracticeEntryModel.query(on: db).filter(\.$user.$id == user).all() {
                guard let date = LocalDate(entry.date) else { continue }
                let monday = weekStart(date, dayZero: dayZero)
                practice[monday, default: (0, 0)].entries += 1
                practice[monday, default: (0, 0)].minutes += entry.minutes
            }
            var diary: [LocalDate: Int] = [:]
            for entry in try await DiaryEntryModel.query(on: db).filter(\.$user.$id == user).all() {
                guard let date = LocalDate(entry.date) else { continue }
                diary[weekStart(date, dayZero: dayZero), default: 0] += 1
            }
            var thoughts: [LocalDate: Int] = [:]
            for record in try await ThoughtRecordModel.query(on: db).filter(\.$user.$id == user).all() {
                guard let date = LocalDate(record.date) else { continue }
                thoughts[weekStart(date, dayZero: dayZero), default: 0] += 1
            }
            for monday in Set(practice.keys).union(diary.keys).union(thoughts.keys) {
                var parts: [String] = []
                if let p = practice[monday] { parts.append("\(p.entries) practice \(p.entries == 1 ? "entry" : "entries") (\(p.minutes) minutes)") }
                if let d = diary[monday] { parts.append("\(d) diary \(d == 1 ? "day" : "days")") }
                if let t = thoughts[monday] { parts.append("\(t) thought \(t == 1 ? "record" : "records")") }
                // Shown at the end of its week, as a summary of it.
                events.append(TimelineEvent(date: monday.adding(days: 6), at: nil, kind: .practice, text: "Over the week: " + parts.joined(separator: ", ")))
            }

        }

        if let user = row.$user.id {
            // Questionnaires in this study.
            for assignment in try await QuestionnaireAssignmentModel.query(on: db)
                .filter(\.$user.$id == user).filter(\.$studyID == access.studyID).all() {
                if let submitted = assignment.submittedAt {
                    let scores = assignment.scoreSheet?.scores.map { "\($0.measure) \(DoseRanges.number($0.score))" + ($0.band.map { " (\($0))" } ?? "") } ?? []
                    events.append(TimelineEvent(date: day(submitted), at: submitted, kind: .questionnaire,
                                                text: "Completed \(assignment.instrumentID) at \(assignment.timepointID)"
                                                    + (scores.isEmpty ? "" : ": " + scores.joined(separator: ", "))))
                } else if let due = LocalDate(assignment.dueOn), let closes = LocalDate(assignment.closesOn), closes < day(now) {
                    events.append(TimelineEvent(date: due, at: nil, kind: .questionnaire,
                                                text: "\(assignment.instrumentID) at \(assignment.timepointID) not completed (window closed \(closes))"))
                }
            }

            // Safety alerts (in this study) and their acknowledgement.
            for alert in try await SafetyAlertModel.query(on: db).filter(\.$user.$id == user).filter(\.$studyID == access.studyID)
                .with(\.$acknowledgedBy).all() {
                let kind = alert.alertKind.map { $0.rawValue.replacingOccurrences(of: "-", with: " ") } ?? alert.kind
                events.append(TimelineEvent(date: day(alert.raisedAt), at: alert.raisedAt, kind: .alert,
                                            text: "Alert raised: \(kind), \(alert.measure) at \(alert.timepoint) (value \(DoseRanges.number(alert.value)))"))
                if let acknowledged = alert.acknowledgedAt {
                    events.append(TimelineEvent(date: day(acknowledged), at: acknowledged, kind: .alert,
                                                text: "Alert acknowledged (\(kind), \(alert.measure))"
                                                    + (alert.acknowledgedBy.map { " by \($0.name)" } ?? "")))
                }
            }
        }

        // Staff records.
        for test in try await BiochemicalTestModel.query(on: db).filter(\.$screening.$id == rowID).all() {
            guard let date = LocalDate(test.date) else { continue }
            events.append(TimelineEvent(date: date, at: nil, kind: .staffRecord,
                                        text: "\(test.specimen.label) test for \(test.substanceLabel.lowercased()): \(test.result.label.lowercased())"))
        }
        for dose in try await MedicationDoseModel.query(on: db).filter(\.$screening.$id == rowID).all() {
            guard let date = LocalDate(dose.fromDate) else { continue }
            events.append(TimelineEvent(date: date, at: nil, kind: .staffRecord,
                                        text: "\(dose.medicineLabel) \(DoseRanges.number(dose.dose)) \(dose.unit.label) from \(dose.fromDate)"
                                            + (dose.toDate.map { " to \($0)" } ?? "")))
        }
        for payment in try await ReimbursementModel.query(on: db).filter(\.$screening.$id == rowID).all() {
            guard let date = LocalDate(payment.date) else { continue }
            events.append(TimelineEvent(date: date, at: nil, kind: .staffRecord,
                                        text: "Reimbursement of \(payment.amount.description) for \(payment.purpose)"))
        }
        return (events, dayZero)
    }

    /// The week a day falls in: study weeks from day 0 once it is known (also before it: week 0, −1, …),
    /// else calendar weeks from Monday.
    static func weekStart(_ date: LocalDate, dayZero: LocalDate?) -> LocalDate {
        if let dayZero {
            let offset = date.daysSinceEpoch - dayZero.daysSinceEpoch
            let week = offset >= 0 ? offset / 7 : -((-offset + 6) / 7)
            return dayZero.adding(days: week * 7)
        }
        return date.adding(days: -(((date.daysSinceEpoch % 7) + 7 + 3) % 7))
    }

    /// Events in date order (ties: by time when known, then by the study flow), grouped by week.
    static func weeks(_ events: [TimelineEvent], dayZero: LocalDate?, newestFirst: Bool) -> [TimelineWeek] {
        let sorted = events.sorted { a, b in
            if a.date != b.date { return a.date < b.date }
            if a.order != b.order { return a.order < b.order }
            return (a.at ?? .distantPast) < (b.at ?? .distantPast)
        }
        var weeks: [TimelineWeek] = []
        for event in sorted {
            let start = weekStart(event.date, dayZero: dayZero)
            if weeks.last?.start == start { weeks[weeks.count - 1].events.append(event); continue }
            var studyWeek: Int?
            if let dayZero, start >= dayZero { studyWeek = (start.daysSinceEpoch - dayZero.daysSinceEpoch) / 7 + 1 }
            weeks.append(TimelineWeek(start: start, studyWeek: studyWeek, events: [event]))
        }
        guard newestFirst else { return weeks }
        return weeks.reversed().map { TimelineWeek(start: $0.start, studyWeek: $0.studyWeek, events: $0.events.reversed()) }
    }
}
