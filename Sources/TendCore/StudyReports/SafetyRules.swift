import Foundation

/// One scored measure at one timepoint.
public struct ScoreObservation: Sendable, Equatable, Codable {
    public var participant: String
    /// `"<instrument>.<scale>"`, e.g. `"dass21.depression"`.
    public var measure: String
    public var timepoint: String
    public var score: Double
    public var completedAt: Date

    public init(participant: String, measure: String, timepoint: String, score: Double, completedAt: Date) {
        self.participant = participant
        self.measure = measure
        self.timepoint = timepoint
        self.score = score
        self.completedAt = completedAt
    }
}

/// The item responses of one completed questionnaire (item k at index k − 1; nil = unanswered).
public struct ItemResponseSet: Sendable, Equatable, Codable {
    public var participant: String
    public var instrument: String
    public var timepoint: String
    public var responses: [Int?]
    public var completedAt: Date

    public init(participant: String, instrument: String, timepoint: String, responses: [Int?], completedAt: Date) {
        self.participant = participant
        self.instrument = instrument
        self.timepoint = timepoint
        self.responses = responses
        self.completedAt = completedAt
    }
}

/// A craving rating (0–10) from the diary or a check-in.
public struct CravingRating: Sendable, Equatable, Codable {
    public var participant: String
    public var date: LocalDate
    public var rating: Int
    public var recordedAt: Date

    public init(participant: String, date: LocalDate, rating: Int, recordedAt: Date) {
        self.participant = participant
        self.date = date
        self.rating = rating
        self.recordedAt = recordedAt
    }
}

/// An item a study protocol marks as a risk item: a response at or above `atOrAbove` raises an alert.
public struct StudyRiskItem: Sendable, Equatable, Codable {
    public var instrument: String
    /// 1-based item number.
    public var item: Int
    public var atOrAbove: Int

    public init(instrument: String, item: Int, atOrAbove: Int) {
        self.instrument = instrument
        self.item = item
        self.atOrAbove = atOrAbove
    }
}

public struct SafetySettings: Sendable, Equatable, Codable {
    /// The timepoint reliable deterioration is measured from.
    public var baselineTimepoint: String
    /// Per measure: the baseline SD used in the RCI (the study sample's baseline SD, or a published
    /// clinical SD); a measure without one is not checked for reliable deterioration.
    public var baselineSD: [String: Double]
    /// Two-sided α of the reliable change index (critical value z(1 − α/2), 1.96 at .05).
    public var significanceLevel: Double
    /// Ratings in a row, each higher than the one before, that raise a craving alert.
    public var risingCravingEntries: Int
    public var studyRiskItems: [StudyRiskItem]

    public init(baselineTimepoint: String, baselineSD: [String: Double] = [:], significanceLevel: Double = 0.05,
                risingCravingEntries: Int = 3, studyRiskItems: [StudyRiskItem] = []) {
        self.baselineTimepoint = baselineTimepoint
        self.baselineSD = baselineSD
        self.significanceLevel = significanceLevel
        self.risingCravingEntries = risingCravingEntries
        self.studyRiskItems = studyRiskItems
    }
}

/// Something a clinician must look at.
public struct SafetyAlert: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// RCI beyond the critical value in the worse direction (value = RCI, threshold = the critical
        /// value signed towards worse: +cv when lower is better, −cv when higher is better).
        case reliableDeterioration = "reliable-deterioration"
        /// Craving rose in N ratings running (value = last rating, threshold = N).
        case risingCraving = "rising-craving"
        /// A score in the instrument's "extremely severe" band (value = score, threshold = band minimum).
        case extremelySevere = "extremely-severe"
        /// PHQ-9 item 9 answered above 0 (value = response, threshold = 1).
        case phq9Item9 = "phq9-item9"
        /// A risk item of the definition or the study protocol at or above its threshold.
        case riskItem = "risk-item"
    }
    public var participant: String
    public var kind: Kind
    /// Measure id, `"<instrument>.item<k>"` for an item, or `"craving"`.
    public var measure: String
    /// Timepoint label; for craving, the date of the rating the rising run starts from.
    public var timepoint: String
    public var value: Double
    public var threshold: Double
    public var raisedAt: Date
    public var detail: String

    /// participant + kind + measure + timepoint: the same finding re-scored gives the same key.
    public var key: String { "\(participant)|\(kind.rawValue)|\(measure)|\(timepoint)" }
}

public struct SafetyReport: Sendable, Equatable, Codable {
    /// One alert per key, in input order of the evidence.
    public var alerts: [SafetyAlert]
    /// Checks that could not run (a measure without a baseline SD or reliability, …).
    public var notes: [String]
}

/// The safety rules a study runs after every questionnaire and diary entry.
public enum SafetyRules {
    /// Runs every rule and returns one alert per key.
    ///
    /// Reliable deterioration (Jacobson & Truax 1991, doi:10.1037/0022-006X.59.1.12):
    /// ```
    /// S_diff = √2 · SD_baseline · √(1 − r_xx);  RCI = (x_t − x_baseline)/S_diff
    /// deteriorated ⇔ dir·RCI < −z(1 − α/2)    (dir = +1 higher is better, −1 lower is better)
    /// ```
    /// r_xx is the scale's default reliability in its definition; SD_baseline is `settings.baselineSD`
    /// for the measure (never the participant's own scores); dir is the scale's direction.
    ///
    /// Rising craving: the last `risingCravingEntries` ratings each higher than the one before (the
    /// engagement flag's rule, `EngagementRules.risingCraving`), checked after every rating; one alert per
    /// rising run, keyed by the date of the run's first rating. Extremely severe: the score is at or above
    /// the minimum of the scale's band labelled "extremely severe", in the scale's own metric (DASS-21
    /// subscale scores are the doubled sums, 0–42, and so are the bands). PHQ-9 item 9: any response above
    /// 0 (Kroenke, Spitzer & Williams 2001, doi:10.1046/j.1525-1497.2001.016009606.x). Risk items: each
    /// definition's `riskItems` and the study's own, response ≥ threshold.
    public static func alerts(scores: [ScoreObservation], responses: [ItemResponseSet] = [], craving: [CravingRating] = [],
                              library: InstrumentLibrary, settings: SafetySettings) -> SafetyReport {
        var alerts: [SafetyAlert] = []
        var keys = Set<String>()
        var notes: [String] = []
        func add(_ a: SafetyAlert) { if keys.insert(a.key).inserted { alerts.append(a) } }

        let cv = ReliableChangeMethod.jacobsonTruax.criticalValue(significanceLevel: settings.significanceLevel)
        var baseline: [String: ScoreObservation] = [:]
        for s in scores where s.timepoint == settings.baselineTimepoint { baseline["\(s.participant)|\(s.measure)"] = s }
        var noted = Set<String>()
        for s in scores {
            guard let info = library.measure(s.measure), let definition = library.instrument(info.instrumentID),
                  let scale = definition.scale(info.scaleID) else {
                if noted.insert("unknown|\(s.measure)").inserted { notes.append("\(s.measure): not in the instrument library; no score rules checked") }
                continue
            }
            // Extremely severe band.
            if let band = scale.bands.first(where: { $0.label.lowercased() == "extremely severe" }), s.score >= band.min {
                add(SafetyAlert(participant: s.participant, kind: .extremelySevere, measure: s.measure, timepoint: s.timepoint,
                                value: s.score, threshold: band.min, raisedAt: s.completedAt,
                                detail: "\(definition.abbreviation) \(scale.name) \(fmt(s.score)) is in the extremely severe band (\(fmt(band.min))–\(fmt(band.max)), \(scale.metric))."))
            }
            // Reliable deterioration.
            guard s.timepoint != settings.baselineTimepoint, let pre = baseline["\(s.participant)|\(s.measure)"] else { continue }
            guard let sd = settings.baselineSD[s.measure], sd.isFinite, sd > 0 else {
                if noted.insert("sd|\(s.measure)").inserted { notes.append("\(s.measure): no baseline SD given; reliable deterioration not checked") }
                continue
            }
            guard let r = scale.defaultReliability.value, r > 0, r < 1 else {
                if noted.insert("r|\(s.measure)").inserted { notes.append("\(s.measure): the definition has no default reliability; reliable deterioration not checked") }
                continue
            }
            let direction: Direction = scale.direction == .higherIsBetter ? .higherIsBetter : .lowerIsBetter
            let sDiff = (2.0).squareRoot() * sd * (1 - r).squareRoot()
            let rci = (s.score - pre.score) / sDiff
            if ReliableChange.classify(rci: rci, criticalValue: cv, direction: direction) == .deteriorated {
                add(SafetyAlert(participant: s.participant, kind: .reliableDeterioration, measure: s.measure, timepoint: s.timepoint,
                                value: rci, threshold: -direction.sign * cv, raisedAt: s.completedAt,
                                detail: "\(definition.abbreviation) \(scale.name) went from \(fmt(pre.score)) to \(fmt(s.score)): RCI \(fmt(rci)) (S_diff \(fmt(sDiff)) from baseline SD \(fmt(sd)) and r = \(fmt(r)); \(direction.displayName))."))
            }
        }

        for set in responses {
            let definition = library.instrument(set.instrument)
            var rules: [(item: Int, atOrAbove: Int, kind: SafetyAlert.Kind, why: String)] = []
            if set.instrument == "phq9" { rules.append((9, 1, .phq9Item9, "PHQ-9 item 9 answered above 0")) }
            for risk in definition?.riskItems ?? [] where !rules.contains(where: { $0.item == risk.item }) {
                rules.append((risk.item, risk.atOrAbove, .riskItem, "risk item of the instrument definition"))
            }
            for risk in settings.studyRiskItems where risk.instrument == set.instrument && !rules.contains(where: { $0.item == risk.item && $0.atOrAbove <= risk.atOrAbove }) {
                rules.append((risk.item, risk.atOrAbove, .riskItem, "risk item of the study protocol"))
            }
            for rule in rules {
                guard rule.item >= 1, rule.item <= set.responses.count, let v = set.responses[rule.item - 1], v >= rule.atOrAbove else { continue }
                add(SafetyAlert(participant: set.participant, kind: rule.kind, measure: "\(set.instrument).item\(rule.item)",
                                timepoint: set.timepoint, value: Double(v), threshold: Double(rule.atOrAbove), raisedAt: set.completedAt,
                                detail: "\(rule.why): response \(v) (threshold \(rule.atOrAbove))."))
            }
        }

        let thresholds = FlagThresholds(risingCravingEntries: settings.risingCravingEntries)
        var participants: [String] = []
        for c in craving where !participants.contains(c.participant) { participants.append(c.participant) }
        for p in participants {
            let ratings = craving.filter { $0.participant == p }
            // Check after every rating, so a rise that later falls back still raised its alert.
            let ordered = ratings.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
            for end in ordered.indices {
                let diary = ordered[...end].map { DiaryEntry(date: $0.date, craving: $0.rating) }
                guard let flag = EngagementRules.risingCraving(diary, thresholds: thresholds) else { continue }
                // Key on the first rating of the whole rising run, so a run that keeps rising stays one alert.
                var start = end
                while start > 0, ordered[start - 1].rating < ordered[start].rating { start -= 1 }
                add(SafetyAlert(participant: p, kind: .risingCraving, measure: "craving", timepoint: "\(ordered[start].date)",
                                value: Double(ordered[end].rating), threshold: Double(settings.risingCravingEntries),
                                raisedAt: ordered[end].recordedAt, detail: flag.detail))
            }
        }
        return SafetyReport(alerts: alerts, notes: notes)
    }

    /// Whether an unacknowledged alert must now be escalated: `!acknowledged ∧ now ≥ raisedAt + hours`.
    public static func escalationDue(_ alert: SafetyAlert, acknowledged: Bool, now: Date, after hours: Double) -> Bool {
        !acknowledged && now.timeIntervalSince(alert.raisedAt) >= hours * 3600
    }

    static func fmt(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.2f", x)
    }
}
