import Foundation

/// One stored score of a study participant: the questionnaire's measure (`"<instrument>.<scale>"`) at a
/// timepoint of the study's schedule.
public struct StudyScore: Sendable, Equatable {
    public var participant: String
    public var timepoint: String
    public var measure: String
    public var score: Double

    public init(participant: String, timepoint: String, measure: String, score: Double) {
        self.participant = participant
        self.timepoint = timepoint
        self.measure = measure
        self.score = score
    }
}

/// The outcome analysis of a running study from its stored scores: the same `OutcomeAnalysis.run` that
/// `tend analyse` runs on a scores file, with the study's own timepoints, measures and arms.
public enum StudyOutcomes {
    /// The timepoint taken as "before": the first baseline timepoint of the definition, else its first.
    public static func preTimepoint(_ definition: StudyDefinition) -> String? {
        (definition.timepoints.first { $0.kind == .baseline } ?? definition.timepoints.first)?.id
    }

    /// The timepoint taken as "after": the first post-programme timepoint, else the last one at which the
    /// schedule gives a questionnaire (seed 003's week 24), else the first one after pre.
    public static func postTimepoint(_ definition: StudyDefinition) -> String? {
        let pre = preTimepoint(definition)
        if let post = definition.timepoints.first(where: { $0.kind == .post }) { return post.id }
        let measured = Set(definition.schedule.filter { $0.instrument != nil }.flatMap(\.timepoints))
        if let last = definition.timepoints.last(where: { $0.id != pre && measured.contains($0.id) }) { return last.id }
        return definition.timepoints.first { $0.id != pre }?.id
    }

    /// The analysis settings for the study: pre and post from its timepoints, every measure, defaults as
    /// `tend analyse` has them (Jacobson–Truax, Type III sums of squares, 95 % intervals).
    public static func options(for definition: StudyDefinition) -> OutcomeAnalysisOptions {
        var o = OutcomeAnalysisOptions()
        o.pre = preTimepoint(definition)
        o.post = postTimepoint(definition)
        return o
    }

    /// The score table of the study: participants in the order given (each with their arm label, or nil
    /// when not allocated or not to be shown), the definition's timepoints in order (those with a score,
    /// and always pre and post), and measures in the
    /// order of the schedule's instruments (scales of one instrument by name). Scores of unknown
    /// participants or timepoints are left out; a later score for the same slot replaces an earlier one.
    /// Participants without any score are left out too, as they would be absent from a scores file.
    public static func table(definition: StudyDefinition, participants allParticipants: [(id: String, arm: String?)],
                             scores: [StudyScore]) -> ScoreTable {
        var scoredParticipants = Set<String>()
        for s in scores { scoredParticipants.insert(s.participant) }
        let participants = allParticipants.filter { scoredParticipants.contains($0.id) }
        var scored = Set<String>()
        for s in scores { scored.insert(s.timepoint) }
        let always = [preTimepoint(definition), postTimepoint(definition)]
        let timepoints = definition.timepoints.map(\.id).filter { scored.contains($0) || always.contains($0) }
        let timepointIndex = Dictionary(timepoints.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var participantIndex: [String: Int] = [:]
        participantIndex.reserveCapacity(participants.count)
        for (i, p) in participants.enumerated() where participantIndex[p.id] == nil { participantIndex[p.id] = i }
        let instrumentOrder = Dictionary(definition.schedule.enumerated().map { ($1.measureID, $0) }, uniquingKeysWith: { a, _ in a })
        var measureSet = Set<String>()
        for s in scores { measureSet.insert(s.measure) }
        let measures = measureSet.sorted { a, b in
            let ia = instrumentOrder[instrument(of: a)] ?? Int.max, ib = instrumentOrder[instrument(of: b)] ?? Int.max
            return ia != ib ? ia < ib : a < b
        }
        let measureIndex = Dictionary(measures.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var grid = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: .nan, count: participants.count),
                                                      count: timepoints.count), count: measures.count)
        for s in scores {
            guard let p = participantIndex[s.participant], let t = timepointIndex[s.timepoint], let m = measureIndex[s.measure],
                  s.score.isFinite else { continue }
            grid[m][t][p] = s.score
        }
        return ScoreTable(participants: participants.map(\.id), armOfParticipant: participants.map(\.arm),
                          timepoints: timepoints, measures: measures, scores: grid)
    }

    /// `phq9` of `phq9.total`.
    public static func instrument(of measure: String) -> String {
        measure.firstIndex(of: ".").map { String(measure[..<$0]) } ?? measure
    }

    /// Runs the outcome analysis over the study's table.
    public static func analyse(definition: StudyDefinition, table: ScoreTable,
                               defaults: [String: MeasureDefaults]) throws(OutcomeAnalysisError) -> OutcomeAnalysisResult {
        try OutcomeAnalysis.run(table: table, options: options(for: definition), defaults: defaults)
    }

    /// One measure of one participant: their scores over time and, once they have both a pre and a post
    /// score, their reliable change and clinically significant change from the same analysis.
    public struct ParticipantMeasure: Sendable, Equatable {
        public var measure: String
        public var name: String
        public var direction: Direction?
        /// (timepoint, score) in the definition's order, only those with a score.
        public var scores: [TimepointScore]
        /// Nil until there is a post score (or when the measure had no analysis).
        public var outcome: ParticipantOutcome?
        /// Why there is no reliable-change status, in words.
        public var pending: String?
    }

    public struct TimepointScore: Sendable, Equatable {
        public var timepoint: String
        public var score: Double
    }

    /// Every measure of `participant` in the table, with their outcome row from `result`.
    public static func participant(_ participant: String, table: ScoreTable, result: OutcomeAnalysisResult?) -> [ParticipantMeasure] {
        guard let p = table.participants.firstIndex(of: participant) else { return [] }
        var out: [ParticipantMeasure] = []
        for (m, measure) in table.measures.enumerated() {
            let scores = table.timepoints.indices.compactMap { t -> TimepointScore? in
                table.score(measure: m, timepoint: t, participant: p).map { TimepointScore(timepoint: table.timepoints[t], score: $0) }
            }
            guard !scores.isEmpty else { continue }
            let analysis = result?.measures.first { $0.measure == measure }
            let row = analysis?.participants?.first { $0.participant == participant }
            var pending: String?
            if result == nil {
                pending = "Change is worked out only for allocated participants."
            } else if row == nil {
                let pre = result?.settings.pre ?? "", post = result?.settings.post ?? ""
                if !scores.contains(where: { $0.timepoint == pre }) { pending = "No \(pre) score yet, so change cannot be worked out." }
                else if !scores.contains(where: { $0.timepoint == post }) { pending = "Reliable change is worked out once a \(post) score exists." }
                else { pending = analysis?.skipped["reliableChange"].map { "Reliable change was not computed: \($0)" } ?? "Reliable change was not computed for this measure." }
            } else if row?.reliableChange == nil {
                pending = analysis?.skipped["reliableChange"].map { "Reliable change was not computed: \($0)" }
            }
            out.append(ParticipantMeasure(measure: measure, name: analysis?.name ?? measure, direction: analysis?.direction,
                                          scores: scores, outcome: row, pending: pending))
        }
        return out
    }
}
