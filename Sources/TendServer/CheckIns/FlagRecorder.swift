import Fluent
import Foundation
import SQLKit
import TendCore
import Vapor

/// Keeps the stored flag occurrences in step with the flags the rules raise now.
///
/// For each member and kind: a stored occurrence whose condition no longer holds (the rules raise no
/// flag of that kind, or one that began on another day) is marked cleared; a raised flag matching an
/// occurrence that is not cleared is the same occurrence (its acknowledgement stands, its detail is
/// refreshed); a raised flag matching none, or only cleared ones, opens a new occurrence, first seen now.
///
/// Two syncs of one member at once (two staff opening the overview, or the overview and the periodic
/// sweep) may both open the same occurrence: the insert that loses the race on the unique key is
/// ignored and the row the other wrote is used.
enum FlagRecorder {
    /// Inserts `record` unless its occurrence (member, kind, day begun, number) is already stored; returns
    /// the stored row either way.
    static func insert(_ record: EngagementFlagModel, on db: any Database) async throws -> EngagementFlagModel {
        let sql = db as! any SQLDatabase
        let id = UUID()
        let rows = try await sql.raw("""
            INSERT INTO engagement_flags (id, kind, since, occurrence, detail, first_seen_at, group_id, roster_member_id)
            VALUES (\(bind: id), \(bind: record.kind.rawValue), \(bind: record.since), \(bind: record.occurrence),
                \(bind: record.detail), \(bind: record.firstSeenAt), \(bind: record.$group.id), \(bind: record.$member.id))
            ON CONFLICT (roster_member_id, kind, since, occurrence) DO NOTHING
            RETURNING id
            """).all()
        if !rows.isEmpty {
            record.id = id
            record.$id.exists = true
            return record
        }
        guard let stored = try await EngagementFlagModel.query(on: db)
            .filter(\.$member.$id == record.$member.id).filter(\.$kind == record.kind)
            .filter(\.$since == record.since).filter(\.$occurrence == record.occurrence).first() else {
            throw Abort(.conflict, reason: "A flag occurrence was written and removed at the same time")
        }
        return stored
    }


    static func sync(groupID: UUID, raised: [UUID: [EngagementFlag]], now: Date, on db: any Database) async throws
        -> [EngagementFlagModel] {
        let memberIDs = Array(raised.keys)
        guard !memberIDs.isEmpty else { return [] }
        return try await db.transaction { db in
            let stored = try await EngagementFlagModel.query(on: db).filter(\.$member.$id ~~ memberIDs).all()
            var byMember = Dictionary(grouping: stored, by: { $0.$member.id })
            for (memberID, flags) in raised {
                var records = byMember[memberID] ?? []
                for record in records where record.clearedAt == nil {
                    let stillRaised = flags.contains { $0.kind == record.kind && $0.since.description == record.since }
                    if !stillRaised {
                        record.clearedAt = now
                        try await record.save(on: db)
                    }
                }
                for flag in flags {
                    let same = records.filter { $0.kind == flag.kind && $0.since == flag.since.description }
                    if let current = same.first(where: { $0.clearedAt == nil }) {
                        if current.detail != flag.detail {
                            current.detail = flag.detail
                            try await current.save(on: db)
                        }
                    } else {
                        let next = (same.map(\.occurrence).max() ?? 0) + 1
                        let record = try await insert(EngagementFlagModel(groupID: groupID, memberID: memberID, flag: flag,
                                                                          occurrence: next, firstSeenAt: now), on: db)
                        records.append(record)
                    }
                }
                byMember[memberID] = records
            }
            return byMember.values.flatMap { $0 }
        }
    }
}
