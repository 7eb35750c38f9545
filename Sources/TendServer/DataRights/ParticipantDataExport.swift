import Fluent
import Foundation
import TendCore
import Vapor

/// One piece of a participant's data, as it appears in their download: which section, which thing in
/// it (a group, a form, a session), the field and its value, and when it was recorded (if known).
struct ExportRecord: Sendable, Equatable, Encodable {
    var section: String
    var item: String
    var field: String
    var value: String
    var recordedAt: Date?

    enum CodingKeys: String, CodingKey {
        case item, field, value
        case recordedAt = "recorded_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item, forKey: .item)
        try container.encode(field, forKey: .field)
        try container.encode(value, forKey: .value)
        try container.encode(recordedAt.map(ParticipantDataExport.timestamp), forKey: .recordedAt)
    }
}

/// A kind of data Tend holds about a participant. Each feature that stores participant data registers
/// one in ``ParticipantDataExport/sections``: its rows go into the participant's download (`/my/data`),
/// and ``erase(for:on:)`` removes them when an admin carries out the participant's deletion request.
protocol ParticipantDataSection {
    /// A stable, lower-case name: the `section` column of the CSV and the section's name in the JSON.
    static var name: String { get }
    /// What the section holds, in a few plain words for the "My data" page.
    static var summary: String { get }
    /// Every record of this kind about `user` (one person's data: bounded, read in one go per section).
    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord]
    /// Deletes (or, for the account itself, anonymises) this kind of data about `user`.
    static func erase(for user: UUID, on database: any Database) async throws
}

/// The participant's own data as JSON and CSV, section by section.
enum ParticipantDataExport {
    /// Every section, in the order of the download. Erasure runs in the reverse order, so records are
    /// deleted before the records they point to, and the account (anonymised, never deleted) comes last.
    static var sections: [any ParticipantDataSection.Type] {
        [
            AccountDataSection.self,
            GroupMembershipDataSection.self,
            AttendanceDataSection.self,
            InvitationsUsedDataSection.self,
            DraftsDataSection.self,
            PracticeEntriesDataSection.self,
            MedicinesDataSection.self,
            DiaryEntriesDataSection.self,
            DiaryDosesDataSection.self,
            ThoughtRecordsDataSection.self,
            CheckInMessagesDataSection.self,
            ReminderPreferencesDataSection.self,
            NotificationsDataSection.self,
            BiochemicalTestsDataSection.self,
            MedicationDosesDataSection.self,
            ReimbursementsDataSection.self,
        ]
    }

    static let csvHeader = ["section", "item", "field", "value", "recorded_at"]

    static func timestamp(_ date: Date) -> String { JSONLogHandler.timestamp(date) }

    /// A CSV field that a spreadsheet shows as text: a value that would start a formula gets a leading `'`.
    static func spreadsheetSafe(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return value }
        return "'" + value
    }

    static func csvLine(_ fields: [String]) -> String {
        fields.map { spreadsheetSafe($0).csvEscaped }.joined(separator: ",") + "\r\n"
    }

    static func csvLines(_ records: [ExportRecord]) -> String {
        records.map { record in
            csvLine([record.section, record.item, record.field, record.value, record.recordedAt.map(timestamp) ?? ""])
        }.joined()
    }

    /// One section as a JSON object: `{"name": ..., "records": [...]}`.
    static func jsonSection(_ name: String, _ records: [ExportRecord]) throws -> String {
        struct Section: Encodable {
            var name: String
            var records: [ExportRecord]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(Section(name: name, records: records)), as: UTF8.self)
    }

    /// The CSV download, written one section at a time. Starts with a byte order mark so spreadsheets
    /// read the text as UTF-8.
    static func csvBody(for user: UUID, on database: any Database) -> Response.Body {
        Response.Body(managedAsyncStream: { writer in
            try await writer.writeBuffer(ByteBuffer(string: "\u{FEFF}" + csvLine(csvHeader)))
            for section in sections {
                let records = try await section.rows(for: user, on: database)
                if !records.isEmpty { try await writer.writeBuffer(ByteBuffer(string: csvLines(records))) }
            }
        })
    }

    /// The JSON download, written one section at a time.
    static func jsonBody(for user: UUID, exportedAt: Date, on database: any Database) -> Response.Body {
        Response.Body(managedAsyncStream: { writer in
            try await writer.writeBuffer(ByteBuffer(string: "{\n\"format\": \"tend-participant-data/1\",\n\"exported_at\": \"\(timestamp(exportedAt))\",\n\"sections\": [\n"))
            for (index, section) in sections.enumerated() {
                let records = try await section.rows(for: user, on: database)
                let text = try jsonSection(section.name, records)
                try await writer.writeBuffer(ByteBuffer(string: (index == 0 ? "" : ",\n") + text))
            }
            try await writer.writeBuffer(ByteBuffer(string: "\n]\n}\n"))
        })
    }
}

// MARK: The sections that exist today

/// The account: name, e-mail address, role, when it was created.
enum AccountDataSection: ParticipantDataSection {
    static let name = "account"
    static let summary = "Your account: name, e-mail address, role and when it was created."
    static let deletedName = "Deleted account"

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        guard let account = try await UserModel.find(user, on: database) else { return [] }
        return [
            ExportRecord(section: name, item: "account", field: "name", value: account.name, recordedAt: account.createdAt),
            ExportRecord(section: name, item: "account", field: "email", value: account.email, recordedAt: account.createdAt),
            ExportRecord(section: name, item: "account", field: "role", value: account.role.rawValue, recordedAt: account.createdAt),
            ExportRecord(section: name, item: "account", field: "created_at", value: account.createdAt.map(ParticipantDataExport.timestamp) ?? "",
                         recordedAt: account.createdAt),
        ]
    }

    /// The account stays, so the audit trail's entries still point at it, but nothing in it identifies
    /// the person: a fixed name, an address at the reserved `.invalid` domain, a password no one knows.
    /// Password reset links and messages waiting to be sent to the old address go too.
    static func erase(for user: UUID, on database: any Database) async throws {
        guard let account = try await UserModel.find(user, on: database) else { return }
        try await OutboxItemModel.query(on: database).filter(\.$recipient == account.email).delete()
        try await PasswordResetModel.query(on: database).filter(\.$user.$id == user).delete()
        account.name = deletedName
        account.email = "deleted-\(user.uuidString.lowercased())@deleted.invalid"
        account.passwordHash = "deleted:" + SecretToken.generate()
        try await account.update(on: database)
    }
}

/// Groups the participant is on the roster of, with their own plan (start date, release day, time zone).
enum GroupMembershipDataSection: ParticipantDataSection {
    static let name = "group_memberships"
    static let summary = "The groups you belong to, the name and study code on the roster, when you joined, and your own release preferences (start date, weekday and time zone)."

    static func members(of user: UUID, on database: any Database) async throws -> [RosterMemberModel] {
        try await RosterMemberModel.query(on: database).filter(\.$user.$id == user).with(\.$group).sort(\.$createdAt).all()
    }

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        try await members(of: user, on: database).flatMap { member -> [ExportRecord] in
            let group = member.group
            let programme = ProgrammeLibrary.programme(group.programmeID)?.programme.title ?? group.programmeID
            var fields: [(String, String)] = [
                ("group", group.name),
                ("programme", programme),
                ("name_on_roster", member.displayName),
                ("study_code", member.studyCode),
            ]
            if let joined = member.joinedAt { fields.append(("joined_at", ParticipantDataExport.timestamp(joined))) }
            if let start = member.planStartDate { fields.append(("release_start_date", start)) }
            if let day = member.planWeekday { fields.append(("release_weekday", weekdayName(day))) }
            if let zone = member.planTimeZone { fields.append(("release_time_zone", zone)) }
            if let first = member.planFirstModule { fields.append(("release_first_module", first)) }
            return fields.map { ExportRecord(section: name, item: group.name, field: $0.0, value: $0.1, recordedAt: member.joinedAt ?? member.createdAt) }
        }
    }

    static func weekdayName(_ number: Int) -> String {
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        return (1...7).contains(number) ? names[number - 1] : String(number)
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await RosterMemberModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}

/// Attendance marks the facilitator recorded for the participant.
enum AttendanceDataSection: ParticipantDataSection {
    static let name = "attendance"
    static let summary = "Attendance at your group's sessions, as your facilitator recorded it."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let members = try await GroupMembershipDataSection.members(of: user, on: database)
        guard !members.isEmpty else { return [] }
        let groups = Dictionary(members.compactMap { member in member.id.map { ($0, member.group.name) } }, uniquingKeysWith: { first, _ in first })
        let marks = try await AttendanceMarkModel.query(on: database)
            .filter(\.$member.$id ~~ Array(groups.keys))
            .sort(\.$sessionPosition)
            .all()
        return marks.map { mark in
            ExportRecord(section: name, item: groups[mark.$member.id] ?? "", field: "session \(mark.sessionPosition)",
                         value: mark.mark.displayName, recordedAt: mark.updatedAt)
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        let ids = try await RosterMemberModel.query(on: database).filter(\.$user.$id == user).all().compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await AttendanceMarkModel.query(on: database).filter(\.$member.$id ~~ ids).delete()
    }
}

/// The invitation links the participant used to create their account.
enum InvitationsUsedDataSection: ParticipantDataSection {
    static let name = "invitations_used"
    static let summary = "The invitation link you used to join: when it was created and when you used it."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        let members = try await GroupMembershipDataSection.members(of: user, on: database)
        guard !members.isEmpty else { return [] }
        let groups = Dictionary(members.compactMap { member in member.id.map { ($0, member.group.name) } }, uniquingKeysWith: { first, _ in first })
        let invitations = try await ParticipantInvitationModel.query(on: database)
            .filter(\.$member.$id ~~ Array(groups.keys))
            .filter(\.$acceptedAt != nil)
            .sort(\.$acceptedAt)
            .all()
        return invitations.flatMap { invitation -> [ExportRecord] in
            let item = groups[invitation.$member.id] ?? ""
            var records: [ExportRecord] = []
            if let created = invitation.createdAt {
                records.append(ExportRecord(section: name, item: item, field: "created_at", value: ParticipantDataExport.timestamp(created), recordedAt: created))
            }
            if let accepted = invitation.acceptedAt {
                records.append(ExportRecord(section: name, item: item, field: "used_at", value: ParticipantDataExport.timestamp(accepted), recordedAt: accepted))
            }
            return records
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        let ids = try await RosterMemberModel.query(on: database).filter(\.$user.$id == user).all().compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await ParticipantInvitationModel.query(on: database).filter(\.$member.$id ~~ ids).delete()
    }
}

/// Forms the participant started and has not sent yet (autosaved drafts).
enum DraftsDataSection: ParticipantDataSection {
    static let name = "drafts"
    static let summary = "What you have typed into forms and not yet sent (kept for up to 30 days so nothing is lost)."

    static func rows(for user: UUID, on database: any Database) async throws -> [ExportRecord] {
        try await DraftModel.query(on: database).filter(\.$user.$id == user).sort(\.$formKey).all().flatMap { draft -> [ExportRecord] in
            guard let fields = try? JSONDecoder().decode([String: [String]].self, from: Data(draft.fieldsJSON.utf8)) else { return [] }
            return fields.keys.sorted().flatMap { field in
                (fields[field] ?? []).map { value in
                    ExportRecord(section: name, item: draft.formKey, field: field, value: value, recordedAt: draft.updatedAt)
                }
            }
        }
    }

    static func erase(for user: UUID, on database: any Database) async throws {
        try await DraftModel.query(on: database).filter(\.$user.$id == user).delete()
    }
}
