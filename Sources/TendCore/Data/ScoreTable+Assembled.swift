import Foundation

extension ScoreTable {
    /// A table assembled from scores already held in memory (a study's stored questionnaire scores), the
    /// same shape `parse(_:)` gives a tidy CSV, so `OutcomeAnalysis.run` treats both alike.
    ///
    /// - Parameters:
    ///   - participants: participant identifiers, each once, in the order rows should appear.
    ///   - armOfParticipant: the arm label of each participant (nil for none), same order; arms are
    ///     numbered in order of first appearance, as in a file.
    ///   - timepoints: timepoint labels in order.
    ///   - measures: measure identifiers in order.
    ///   - scores: `scores[measure][timepoint][participant]`, NaN where there is no score.
    /// - Precondition: the array shapes agree (a programming error otherwise).
    public init(participants: [String], armOfParticipant: [String?], timepoints: [String], measures: [String],
                scores: [[[Double]]]) {
        precondition(armOfParticipant.count == participants.count, "one arm entry per participant")
        precondition(scores.count == measures.count && scores.allSatisfy { $0.count == timepoints.count && $0.allSatisfy { $0.count == participants.count } },
                     "scores must be measures × timepoints × participants")
        var arms: [String] = []
        var armIndex: [String: Int32] = [:]
        var armOf: [Int32] = []
        armOf.reserveCapacity(participants.count)
        for arm in armOfParticipant {
            guard let arm else { armOf.append(-1); continue }
            if let i = armIndex[arm] { armOf.append(i); continue }
            let i = Int32(arms.count)
            arms.append(arm)
            armIndex[arm] = i
            armOf.append(i)
        }
        var rows = 0
        for m in scores { for t in m { for v in t where !v.isNaN { rows += 1 } } }
        self.init(participants: ParticipantIDs(participants), arms: arms, armOfParticipant: armOf, timepoints: timepoints, measures: measures,
                  scores: scores.map { $0.map(ScoreColumn.init) }, covariateNames: [], covariates: [], issues: [], rowCount: rows,
                  hasArmColumn: armOfParticipant.contains { $0 != nil })
    }
}
