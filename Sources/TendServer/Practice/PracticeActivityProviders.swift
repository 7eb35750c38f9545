import Fluent
import Foundation
import TendCore

/// The practice log, pain diary (with its doses) and thought tool as the group overview and the flag
/// rules read them: each table is read once for every joined member of the roster asked about.
enum PracticeActivityProviders {
    /// The providers for the three tables, in the order the overview shows them.
    static let all: [any ActivityProvider] = [PracticeLogProvider(), PainDiaryProvider(), ThoughtToolProvider()]

    /// Roster member ids to the participant accounts behind them (members who have not joined have none).
    static func accounts(of memberIDs: [UUID], on db: any Database) async throws -> [UUID: UUID] {
        guard !memberIDs.isEmpty else { return [:] }
        let members = try await RosterMemberModel.query(on: db).filter(\.$id ~~ memberIDs).all()
        var byUser: [UUID: UUID] = [:]
        for member in members {
            if let memberID = member.id, let userID = member.$user.id { byUser[userID] = memberID }
        }
        return byUser
    }
}

/// Practice entries from `practice_entries`.
struct PracticeLogProvider: ActivityProvider {
    var supplies: Set<ActivityKind> { [.practice] }

    func contributions(for memberIDs: [UUID], on db: any Database) async throws -> [UUID: ActivityContribution] {
        let members = try await PracticeActivityProviders.accounts(of: memberIDs, on: db)
        guard !members.isEmpty else { return [:] }
        let rows = try await PracticeEntryModel.query(on: db).filter(\.$user.$id ~~ Array(members.keys)).all()
        var result: [UUID: ActivityContribution] = [:]
        for row in rows {
            guard let memberID = members[row.$user.id], let entry = row.entry else { continue }
            result[memberID, default: .init()].practice.append(entry)
        }
        return result
    }
}

/// Diary days from `diary_entries` with their doses from `diary_doses`, in the order they were first
/// written within a day.
struct PainDiaryProvider: ActivityProvider {
    var supplies: Set<ActivityKind> { [.diary] }

    func contributions(for memberIDs: [UUID], on db: any Database) async throws -> [UUID: ActivityContribution] {
        let members = try await PracticeActivityProviders.accounts(of: memberIDs, on: db)
        guard !members.isEmpty else { return [:] }
        let days = try await DiaryEntryModel.query(on: db).filter(\.$user.$id ~~ Array(members.keys))
            .sort(\.$date, .ascending).all()
        let dayIDs = days.compactMap(\.id)
        let doses = dayIDs.isEmpty ? [] : try await DiaryDoseModel.query(on: db).filter(\.$entry.$id ~~ dayIDs).all()
        let dosesByDay = Dictionary(grouping: doses, by: { $0.$entry.id })
        var result: [UUID: ActivityContribution] = [:]
        for day in days {
            guard let memberID = members[day.$user.id], let id = day.id else { continue }
            let taken = (dosesByDay[id] ?? []).map { DoseTaken(medicineID: $0.$medicine.id.uuidString.lowercased(), doses: $0.doses) }
            guard let entry = day.entry(doses: taken) else { continue }
            result[memberID, default: .init()].diary.append(entry)
        }
        return result
    }
}

/// The days of each thought record in `thought_records`.
struct ThoughtToolProvider: ActivityProvider {
    var supplies: Set<ActivityKind> { [.thoughtTools] }

    func contributions(for memberIDs: [UUID], on db: any Database) async throws -> [UUID: ActivityContribution] {
        let members = try await PracticeActivityProviders.accounts(of: memberIDs, on: db)
        guard !members.isEmpty else { return [:] }
        let rows = try await ThoughtRecordModel.query(on: db).filter(\.$user.$id ~~ Array(members.keys))
            .field(\.$id).field(\.$user.$id).field(\.$date).all()
        var result: [UUID: ActivityContribution] = [:]
        for row in rows {
            guard let memberID = members[row.$user.id], let day = LocalDate(row.date) else { continue }
            result[memberID, default: .init()].thoughtToolDates.append(day)
        }
        return result
    }
}
