import Fluent
import Foundation
import TendCore

/// Keeps the stored flag occurrences in step with the flags the rules raise now.
///
/// For each member and kind: a stored occurrence whose condition no longer holds (the rules raise no
/// flag of that kind, or one that began on another day) is marked cleared; a raised flag matching an
/// occurrence that is not cleared is the same occurrence (its acknowledgement stands, its detail is
/// refreshed); a raised flag matching none, or only cleared ones, opens a new occurrence, first seen now.
enum FlagRecorder {
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
                        let record = EngagementFlagModel(groupID: groupID, memberID: memberID, flag: flag, occurrence: next,
                                                         firstSeenAt: now)
                        try await record.create(on: db)
                        records.append(record)
                    }
                }
                byMember[memberID] = records
            }
            return byMember.values.flatMap { $0 }
        }
    }
}
