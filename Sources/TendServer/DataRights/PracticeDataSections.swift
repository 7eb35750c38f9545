import Fluent
import Foundation
import TendCore

// The sections of a participant's download (and deletion) for what they keep between sessions: the
// practice log, medicines, the pain diary and its doses, thought records, check-ins, reminder choices and
// notifications. Each reads only rows owned by the participant's account (or, for check-ins, their own
// roster memberships).

/// Fields of one record in the order given, leaving out those with no value.
private func records(_ section: String, item: String, at date: Date?, _ fields: [(String, String?)]) -> [ExportRecord] {
    fields.compactMap { field, value in
        value.map { ExportRecord(section: section, item: item, field: field, value: $0, recordedAt: date) }
    }
}

/// Numbers items that share a label ("2026-03-16 #1", "2026-03-16 #2") in the order given.
private struct ItemCounter {
    private var seen: [String: Int] = [:]
    mutating func next(_ label: String) -> String {
        seen[label, default: 0] += 1
        return "\(label) #\(seen[label]!)"
    }
}

/// Practices logged at /my/practice.
enum PracticeEntriesDataSection: ParticipantDataSection {
    static let name = "practice_entries"
    static let summary = "The practices you logged: the day, the exercise, how long, how it felt and your note."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        var counter = ItemCounter()
        return try await PracticeEntryModel.query(on: database).filter(\.$user.$id == user)
            .sort(\.$date).sort(\.$createdAt).all().flatMap { row in
                records(name, item: counter.next(row.date), at: row.createdAt, [
                    ("date", row.date), ("exercise", row.exerciseID ?? "my own practice"), ("minutes", String(row.minutes)),
                    ("feeling", row.feeling.map(String.init)), ("note", row.note),
                ])
            }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await PracticeEntryModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}

/// The medicines on the participant's own list (removed ones too: their doses stay in the diary).
enum MedicinesDataSection: ParticipantDataSection {
    static let name = "medicines"
    static let summary = "The medicines on your list for the pain diary, and when you removed any."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        try await MedicineModel.query(on: database).filter(\.$user.$id == user).sort(\.$createdAt).all().flatMap { row in
            records(name, item: row.name, at: row.createdAt, [
                ("name", row.name), ("unit", row.unit), ("removed_at", row.removedAt.map(ParticipantDataExport.timestamp)),
            ])
        }
    }

    /// After the diary's doses, which point at the medicines.
    static func erase(for user: UUID, on database: any Database) async throws {
        try await MedicineModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}

/// Days of the pain diary: ratings, note and the self-critical thought noticed.
enum DiaryEntriesDataSection: ParticipantDataSection {
    static let name = "diary_entries"
    static let summary = "Your pain diary: each day's pain, mood and craving ratings, your note and any self-critical thought."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        try await DiaryEntryModel.query(on: database).filter(\.$user.$id == user).sort(\.$date).all().flatMap { row in
            records(name, item: row.date, at: row.updatedAt ?? row.createdAt, [
                ("date", row.date), ("pain", row.pain.map(String.init)), ("mood", row.mood.map(String.init)),
                ("craving", row.craving.map(String.init)), ("note", row.note), ("critical_thought", row.criticalThought),
                ("in_thought_collection", row.criticalThought == nil ? nil : (row.inCollection ? "yes" : "no")),
            ])
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await DiaryEntryModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}

/// Doses of each medicine recorded in the diary.
enum DiaryDosesDataSection: ParticipantDataSection {
    static let name = "diary_doses"
    static let summary = "The doses of each medicine you recorded in your pain diary, day by day."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let days = try await DiaryEntryModel.query(on: database).filter(\.$user.$id == user).sort(\.$date).all()
        let ids = days.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let doses = try await DiaryDoseModel.query(on: database).filter(\.$entry.$id ~~ ids).with(\.$medicine).all()
        let byDay = Dictionary(grouping: doses, by: { $0.$entry.id })
        return days.flatMap { day -> [ExportRecord] in
            (byDay[day.id!] ?? []).sorted { $0.medicine.name < $1.medicine.name }.map { dose in
                ExportRecord(section: name, item: day.date, field: dose.medicine.name, value: "\(dose.doses) \(dose.medicine.unit)",
                             recordedAt: day.updatedAt ?? day.createdAt)
            }
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        let ids = try await DiaryEntryModel.query(on: database).filter(\.$user.$id == user).all().compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await DiaryDoseModel.query(on: database).filter(\.$entry.$id ~~ ids).delete()
    }
}

/// Uses of the self-critical thought tool.
enum ThoughtRecordsDataSection: ParticipantDataSection {
    static let name = "thought_records"
    static let summary = "What you wrote in the thought tool: the thought, the situation, your compassionate responses and how distressing it felt."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        var counter = ItemCounter()
        return try await ThoughtRecordModel.query(on: database).filter(\.$user.$id == user)
            .sort(\.$date).sort(\.$createdAt).all().flatMap { row in
                records(name, item: counter.next(row.date), at: row.createdAt, [
                    ("date", row.date), ("thought", row.thought), ("situation", row.situation), ("critic_fears", row.criticFears),
                    ("wise_response", row.wiseResponse), ("strong_response", row.strongResponse),
                    ("caring_response", row.caringResponse), ("distress_before", row.distressBefore.map(String.init)),
                    ("distress_after", row.distressAfter.map(String.init)),
                ])
            }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await ThoughtRecordModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}

/// Check-in conversations: the participant's own messages and the replies to them.
enum CheckInMessagesDataSection: ParticipantDataSection {
    static let name = "check_in_messages"
    static let summary = "Your check-ins with your facilitator: what you wrote, their replies, and when each was sent and read."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let members = try await GroupMembershipDataSection.members(of: user, on: database)
        let groups = Dictionary(members.compactMap { member in member.id.map { ($0, member.group.name) } }, uniquingKeysWith: { first, _ in first })
        guard !groups.isEmpty else { return [] }
        let messages = try await CheckInMessageModel.query(on: database).filter(\.$member.$id ~~ Array(groups.keys))
            .sort(\.$sentAt).all()
        return messages.flatMap { message in
            let who = message.author == .participant ? "you" : "your facilitator"
            return records(name, item: "\(groups[message.$member.id] ?? ""): \(ParticipantDataExport.timestamp(message.sentAt))",
                           at: message.sentAt, [
                ("from", who), ("message", message.body), ("read_at", message.readAt.map(ParticipantDataExport.timestamp)),
            ])
        }
    }

    /// The conversations go with the roster membership they belong to; so do the flags staff recorded
    /// about it, which point at the same membership.
    static func erase(for user: UUID, on database: any Database) async throws {
        let ids = try await RosterMemberModel.query(on: database).filter(\.$user.$id == user).all().compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await CheckInMessageModel.query(on: database).filter(\.$member.$id ~~ ids).delete()
        try await EngagementFlagModel.query(on: database).filter(\.$member.$id ~~ ids).delete()
    }
}

/// Reminder choices made at /my/reminders (the signing secret and calendar token are not data about the
/// person and stay out of the download).
enum ReminderPreferencesDataSection: ParticipantDataSection {
    static let name = "reminder_preferences"
    static let summary = "Your reminder choices: practice days and time, meetings and releases, how you are told, quiet hours and time zone."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        try await ReminderPreferenceModel.query(on: database).filter(\.$user.$id == user).all().flatMap { row in
            let days = row.weekdays.split(separator: ",").compactMap { Int($0) }.map(GroupMembershipDataSection.weekdayName)
            return records(name, item: "reminders", at: row.updatedAt, [
                ("practice_days", days.isEmpty ? "none" : days.joined(separator: ", ")), ("practice_time", row.practiceTime),
                ("meeting_reminders", row.meetingLeads.isEmpty ? "none" : row.meetingLeads.replacingOccurrences(of: ",", with: ", ")),
                ("release_reminders", row.releases ? "yes" : "no"), ("by_email", row.byEmail ? "yes" : "no"),
                ("by_text_message", row.bySMS ? "yes" : "no"), ("phone", row.phone), ("quiet_start", row.quietStart),
                ("quiet_end", row.quietEnd), ("time_zone", row.timeZone),
                ("calendar_link", row.calendarToken == nil ? nil : "made"),
            ])
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await ReminderPreferenceModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}

/// The in-app notifications list.
enum NotificationsDataSection: ParticipantDataSection {
    static let name = "notifications"
    static let summary = "Notifications Tend showed you in the app, and when you read them."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        var counter = ItemCounter()
        return try await NotificationModel.query(on: database).filter(\.$user.$id == user).sort(\.$createdAt).all().flatMap { row in
            records(name, item: counter.next(row.kind), at: row.createdAt, [
                ("text", row.text), ("link", row.link), ("read_at", row.readAt.map(ParticipantDataExport.timestamp)),
            ])
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await NotificationModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}
