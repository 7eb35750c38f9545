import Foundation

extension InstrumentDefinition {
    /// One score an instrument produces (a total, a subscale, or the same in another metric).
    public struct Scale: Sendable, Equatable {
        /// Lowercase id, unique within the instrument, e.g. `"self-kindness"`.
        public var id: String
        public var name: String
        /// Item numbers, 1-based in the standard order.
        public var items: [Int]
        public var rule: ScoringRule
        /// Applied after the rule, e.g. 2 for the DASS-21 subscales.
        public var multiplier: Double
        /// Whether the instrument's reverse-keyed items are reversed in this scale (SCS-SF negative
        /// subscales are stored un-reversed; the total reverses them).
        public var appliesReverseKeys: Bool
        public var direction: Direction
        /// A short name of the metric, e.g. `"item-mean"`, `"sum"`, `"doubled-sum"`.
        public var metric: String
        /// Scales in the same family must not share items (e.g. the six SCS-SF subscales).
        public var family: String?
        /// Severity bands in ascending order; empty when none are published.
        public var bands: [Band]
        public var missing: MissingItemRule
        public var defaultReliability: ReliabilityReference
        public var norms: Norms
        public var preferredCriterion: PreferredCriterion?
        /// Set when this scale (not the whole key) is not yet safe to rely on.
        public var provisional: Provisional?
        public var notes: [String]

        public init(id: String, name: String, items: [Int], rule: ScoringRule, multiplier: Double = 1,
                    appliesReverseKeys: Bool, direction: Direction, metric: String, family: String? = nil,
                    bands: [Band] = [], missing: MissingItemRule, defaultReliability: ReliabilityReference,
                    norms: Norms, preferredCriterion: PreferredCriterion? = nil, provisional: Provisional? = nil,
                    notes: [String] = []) {
            self.id = id
            self.name = name
            self.items = items
            self.rule = rule
            self.multiplier = multiplier
            self.appliesReverseKeys = appliesReverseKeys
            self.direction = direction
            self.metric = metric
            self.family = family
            self.bands = bands
            self.missing = missing
            self.defaultReliability = defaultReliability
            self.norms = norms
            self.preferredCriterion = preferredCriterion
            self.provisional = provisional
            self.notes = notes
        }

        /// The band a score falls in: the highest band whose `min` the score reaches, provided the
        /// score is not above that band's `max`.
        ///
        /// Published bands are whole-number ranges (DASS-21 depression: normal 0–9, mild 10–13, …). A
        /// prorated score can fall between two of them (9.33); it has not reached the next band's lower
        /// bound, so it stays in the lower band. Nil below the first band or above the last.
        public func band(for score: Double) -> Band? {
            guard let candidate = bands.last(where: { score >= $0.min }) else { return nil }
            if candidate == bands.last, score > candidate.max { return nil }
            return candidate
        }
    }

    /// What happens when some of a scale's items are unanswered (or unusable).
    public struct MissingItemRule: Sendable, Equatable {
        public enum Method: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
            /// No score unless every item is answered.
            case requireAll = "require-all"
            /// Up to `maxMissing` items may be missing; the score uses the mean of the answered items
            /// (times the item count for a sum).
            case prorateMean = "prorate-mean"
        }

        /// Whether the rule is published for the instrument or is Tend's own labelled policy.
        public enum Basis: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
            case published
            case tendPolicy = "tend-policy"
        }

        public var method: Method
        /// The most items that may be missing and prorated (0 for `require-all`).
        public var maxMissing: Int
        /// Items that may never be missing or prorated (for example PHQ-9 item 9).
        public var mustBeAnswered: [Int]
        /// A scale family of which every scale must keep at least one answered item (for example the
        /// SCS-SF total is not scored when a whole subscale is unanswered).
        public var atLeastOneAnsweredPer: String?
        public var basis: Basis
        public var note: String?

        public init(method: Method, maxMissing: Int = 0, mustBeAnswered: [Int] = [],
                    atLeastOneAnsweredPer: String? = nil, basis: Basis, note: String? = nil) {
            self.method = method
            self.maxMissing = maxMissing
            self.mustBeAnswered = mustBeAnswered
            self.atLeastOneAnsweredPer = atLeastOneAnsweredPer
            self.basis = basis
            self.note = note
        }

        /// Every item required, Tend policy.
        public static let requireAll = MissingItemRule(method: .requireAll, basis: .tendPolicy)
    }
}

// MARK: - Decoding (strict) and encoding

extension InstrumentDefinition.Scale: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, items, rule, multiplier, appliesReverseKeys, direction, metric, family, bands, missing
        case defaultReliability, norms, preferredCriterion, provisional, notes
    }

    public init(from decoder: any Decoder) throws {
        typealias D = InstrumentDefinition
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a scale")
        id = try c.requiredString(.id)
        name = try c.requiredString(.name)
        items = try c.requiredInts(.items)
        rule = try c.required(D.ScoringRule.self, .rule, expected: D.ScoringRule.expectation)
        multiplier = try c.optionalDouble(.multiplier) ?? 1
        appliesReverseKeys = try c.requiredBool(.appliesReverseKeys)
        direction = try c.required(D.Direction.self, .direction, expected: D.Direction.expectation)
        metric = try c.requiredString(.metric)
        family = try c.optionalString(.family)
        bands = try c.optional([D.Band].self, .bands, expected: "a list of bands") ?? []
        missing = try c.required(D.MissingItemRule.self, .missing, expected: "an object with method and basis")
        defaultReliability = try c.required(D.ReliabilityReference.self, .defaultReliability,
                                            expected: "an object: {value, kind, source, verified} or {status: \"not-found\", note}")
        norms = try c.required(D.Norms.self, .norms, expected: "an object with clinical and functional")
        preferredCriterion = try c.optional(D.PreferredCriterion.self, .preferredCriterion,
                                            expected: "an object with criterion and reason")
        provisional = try c.optional(D.Provisional.self, .provisional, expected: "an object with a reason")
        notes = try c.optionalStrings(.notes) ?? []
    }
}

extension InstrumentDefinition.MissingItemRule: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, maxMissing, mustBeAnswered, atLeastOneAnsweredPer, basis, note
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a missing-item rule")
        method = try c.required(Method.self, .method, expected: Method.expectation)
        maxMissing = try c.optionalInt(.maxMissing) ?? 0
        mustBeAnswered = try c.optionalInts(.mustBeAnswered) ?? []
        atLeastOneAnsweredPer = try c.optionalString(.atLeastOneAnsweredPer)
        basis = try c.required(Basis.self, .basis, expected: Basis.expectation)
        note = try c.optionalString(.note)
    }
}

extension InstrumentDefinition.MissingItemRule.Method {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}

extension InstrumentDefinition.MissingItemRule.Basis {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}
