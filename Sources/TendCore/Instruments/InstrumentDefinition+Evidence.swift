import Foundation

extension InstrumentDefinition {
    /// A published reliability coefficient.
    public struct Reliability: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
            /// Cronbach's alpha (internal consistency).
            case alpha
            /// Test–retest correlation or ICC.
            case testRetest = "test-retest"
        }

        /// Strictly between 0 and 1.
        public var value: Double
        public var kind: Kind
        /// Where the value comes from.
        public var source: String
        /// True when the value was read in the cited source itself or in two independent sources;
        /// false when it is recalled or from one secondary source.
        public var verified: Bool

        public init(value: Double, kind: Kind, source: String, verified: Bool) {
            self.value = value
            self.kind = kind
            self.source = source
            self.verified = verified
        }
    }

    /// The reliability the analysis uses by default, or a record that none was found.
    public enum ReliabilityReference: Sendable, Equatable {
        case known(Reliability)
        /// No trustworthy value located; `source` names the paper it would come from, if any.
        case notFound(source: String?, note: String)

        /// The coefficient, when known.
        public var value: Double? {
            if case .known(let r) = self { return r.value }
            return nil
        }
    }

    /// A published normative mean and SD in a stated metric.
    public struct Norm: Sendable, Equatable {
        public var mean: Double
        public var sd: Double
        public var n: Int
        public var population: String
        /// Must equal the scale's `metric`: a norm is only usable with a score in the same metric.
        public var metric: String
        public var source: String
        /// True when read in the cited paper itself or in two independent sources; false when taken
        /// from one secondary source that still has to be checked against the paper.
        public var verified: Bool

        public init(mean: Double, sd: Double, n: Int, population: String, metric: String, source: String,
                    verified: Bool) {
            self.mean = mean
            self.sd = sd
            self.n = n
            self.population = population
            self.metric = metric
            self.source = source
            self.verified = verified
        }
    }

    /// A default norm, or a record that it was searched for and not found — never a guessed number.
    public enum NormReference: Sendable, Equatable {
        case known(Norm)
        /// `source` names the paper the values would come from; `note` says what is missing.
        case notFound(source: String, note: String)

        public var norm: Norm? {
            if case .known(let n) = self { return n }
            return nil
        }
    }

    /// A further published norm, kept for an analyst to choose explicitly (for example sex- or
    /// age-specific values); never used by default.
    public struct AlternativeNorm: Sendable, Equatable {
        public enum Role: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
            case clinical
            case functional
            case other
        }

        /// Unique within the scale, e.g. `"hinz-2017-men"`.
        public var id: String
        public var role: Role
        public var norm: Norm

        public init(id: String, role: Role, norm: Norm) {
            self.id = id
            self.role = role
            self.norm = norm
        }
    }

    /// The clinical (dysfunctional) and functional (non-clinical) norms of a scale.
    public struct Norms: Sendable, Equatable {
        public var clinical: NormReference
        public var functional: NormReference
        public var others: [AlternativeNorm]

        public init(clinical: NormReference, functional: NormReference, others: [AlternativeNorm] = []) {
            self.clinical = clinical
            self.functional = functional
            self.others = others
        }
    }
}

// MARK: - Decoding (strict) and encoding

/// Whether a reliability or norm object carries a value or records that none was found.
enum DefinitionEvidenceStatus: String, CaseIterable, DefinitionEnum, Decodable {
    case known
    case notFound = "not-found"

    init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}

extension InstrumentDefinition.Reliability.Kind {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}

extension InstrumentDefinition.AlternativeNorm.Role {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}

extension InstrumentDefinition.ReliabilityReference: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case status, value, kind, source, verified, note }

    public init(from decoder: any Decoder) throws {
        let probe = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a reliability")
        let status = try probe.optional(DefinitionEvidenceStatus.self, .status, expected: DefinitionEvidenceStatus.expectation) ?? .known
        switch status {
        case .known:
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self,
                                                allowing: [.status, .value, .kind, .source, .verified],
                                                what: "in a known reliability")
            self = .known(InstrumentDefinition.Reliability(
                value: try c.requiredDouble(.value),
                kind: try c.required(InstrumentDefinition.Reliability.Kind.self, .kind,
                                     expected: InstrumentDefinition.Reliability.Kind.expectation),
                source: try c.requiredString(.source),
                verified: try c.requiredBool(.verified)))
        case .notFound:
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self, allowing: [.status, .source, .note],
                                                what: "in a not-found reliability (it carries no value)")
            self = .notFound(source: try c.optionalString(.source), note: try c.requiredString(.note))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .known(let r):
            try c.encode(r.value, forKey: .value)
            try c.encode(r.kind, forKey: .kind)
            try c.encode(r.source, forKey: .source)
            try c.encode(r.verified, forKey: .verified)
        case .notFound(let source, let note):
            try c.encode(DefinitionEvidenceStatus.notFound.rawValue, forKey: .status)
            try c.encodeIfPresent(source, forKey: .source)
            try c.encode(note, forKey: .note)
        }
    }
}

/// Every field a norm object may carry, in any of its three forms.
enum DefinitionNormKeys: String, CodingKey, CaseIterable {
    case id, role, status, mean, sd, n, population, metric, source, verified, note

    static let normFields: [DefinitionNormKeys] = [.mean, .sd, .n, .population, .metric, .source, .verified]
}

extension InstrumentDefinition.Norm: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: DefinitionNormKeys.self, allowing: DefinitionNormKeys.normFields, what: "in a norm")
        try self.init(reading: c)
    }

    init(reading c: KeyedDecodingContainer<DefinitionNormKeys>) throws {
        self.init(mean: try c.requiredDouble(.mean), sd: try c.requiredDouble(.sd), n: try c.requiredInt(.n),
                  population: try c.requiredString(.population), metric: try c.requiredString(.metric),
                  source: try c.requiredString(.source), verified: try c.requiredBool(.verified))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DefinitionNormKeys.self)
        try write(into: &c)
    }

    func write(into c: inout KeyedEncodingContainer<DefinitionNormKeys>) throws {
        try c.encode(mean, forKey: .mean)
        try c.encode(sd, forKey: .sd)
        try c.encode(n, forKey: .n)
        try c.encode(population, forKey: .population)
        try c.encode(metric, forKey: .metric)
        try c.encode(source, forKey: .source)
        try c.encode(verified, forKey: .verified)
    }
}

extension InstrumentDefinition.NormReference: Codable {
    public init(from decoder: any Decoder) throws {
        let probe = try decoder.strictContainer(keyedBy: DefinitionNormKeys.self,
                                                allowing: [.status, .note] + DefinitionNormKeys.normFields, what: "in a norm")
        let status = try probe.optional(DefinitionEvidenceStatus.self, .status, expected: DefinitionEvidenceStatus.expectation) ?? .known
        switch status {
        case .known:
            let c = try decoder.strictContainer(keyedBy: DefinitionNormKeys.self, allowing: [.status] + DefinitionNormKeys.normFields,
                                                what: "in a known norm")
            self = .known(try InstrumentDefinition.Norm(reading: c))
        case .notFound:
            let c = try decoder.strictContainer(keyedBy: DefinitionNormKeys.self, allowing: [.status, .source, .note],
                                                what: "in a not-found norm (it carries no numbers)")
            self = .notFound(source: try c.requiredString(.source), note: try c.requiredString(.note))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DefinitionNormKeys.self)
        switch self {
        case .known(let norm):
            try norm.write(into: &c)
        case .notFound(let source, let note):
            try c.encode(DefinitionEvidenceStatus.notFound.rawValue, forKey: .status)
            try c.encode(source, forKey: .source)
            try c.encode(note, forKey: .note)
        }
    }
}

extension InstrumentDefinition.AlternativeNorm: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: DefinitionNormKeys.self, allowing: [.id, .role] + DefinitionNormKeys.normFields,
                                            what: "in an alternative norm")
        self.init(id: try c.requiredString(.id),
                  role: try c.required(Role.self, .role, expected: Role.expectation),
                  norm: try InstrumentDefinition.Norm(reading: c))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DefinitionNormKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(role, forKey: .role)
        try norm.write(into: &c)
    }
}

extension InstrumentDefinition.Norms: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case clinical, functional, others }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in norms")
        let expected = "an object: {mean, sd, n, population, metric, source, verified} or {status: \"not-found\", source, note}"
        self.init(clinical: try c.required(InstrumentDefinition.NormReference.self, .clinical, expected: expected),
                  functional: try c.required(InstrumentDefinition.NormReference.self, .functional, expected: expected),
                  others: try c.optional([InstrumentDefinition.AlternativeNorm].self, .others,
                                         expected: "a list of alternative norms") ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clinical, forKey: .clinical)
        try c.encode(functional, forKey: .functional)
        if !others.isEmpty { try c.encode(others, forKey: .others) }
    }
}
