import Foundation

/// How a questionnaire is scored: its items, response range, reverse keys, scales, missing-item rules,
/// bands, default reliabilities and norms, read from one JSON file per instrument.
///
/// A definition never holds item wording: `itemLabels` are our own short construct labels, because
/// licensed item text must come from the rights holder. Load one with
/// ``InstrumentDefinition/load(data:file:)``, which decodes and validates; the file format is described
/// field by field in `docs/instruments.md`.
///
/// Every measure a definition produces is named `"<instrument id>.<scale id>"`, for example
/// `"scs-sf.total"` or `"dass21.depression-raw"`.
public struct InstrumentDefinition: Sendable, Equatable {
    /// The file format version this build of Tend reads.
    public static let supportedFormatVersion = 1

    /// Version of the definition file format (currently 1).
    public var formatVersion: Int
    /// Lowercase id, letters, digits and single hyphens, e.g. `"scs-sf"`.
    public var id: String
    /// Version of the scoring key. Store it with every derived score, so a corrected key can be
    /// re-applied to old raw responses.
    public var version: String
    /// Full name, e.g. "Self-Compassion Scale – Short Form".
    public var name: String
    /// Short name shown in tables, e.g. "SCS-SF".
    public var abbreviation: String
    public var citation: Citation
    /// Who holds the rights and what use is allowed, as far as is known.
    public var licence: String
    /// Number of items; items are numbered 1…itemCount in the standard published order.
    public var itemCount: Int
    /// The whole-number response range every item shares.
    public var responseRange: ResponseRange
    /// The period respondents are asked about, when the instrument has one.
    public var recallPeriod: String?
    /// Our own short construct label for each item, in item order (never the item's wording).
    public var itemLabels: [String]?
    /// Items scored as `(min + max) − x` in scales that apply reverse keys.
    public var reverseKeyed: [Int]
    /// Items whose answers are surfaced to a clinician (per study protocol).
    public var riskItems: [RiskItem]
    public var scales: [Scale]
    /// Set when the key itself is not yet safe to rely on.
    public var provisional: Provisional?
    public var notes: [String]

    public init(formatVersion: Int = InstrumentDefinition.supportedFormatVersion, id: String, version: String,
                name: String, abbreviation: String, citation: Citation, licence: String, itemCount: Int,
                responseRange: ResponseRange, recallPeriod: String? = nil, itemLabels: [String]? = nil,
                reverseKeyed: [Int] = [], riskItems: [RiskItem] = [], scales: [Scale],
                provisional: Provisional? = nil, notes: [String] = []) {
        self.formatVersion = formatVersion
        self.id = id
        self.version = version
        self.name = name
        self.abbreviation = abbreviation
        self.citation = citation
        self.licence = licence
        self.itemCount = itemCount
        self.responseRange = responseRange
        self.recallPeriod = recallPeriod
        self.itemLabels = itemLabels
        self.reverseKeyed = reverseKeyed
        self.riskItems = riskItems
        self.scales = scales
        self.provisional = provisional
        self.notes = notes
    }

    /// The measure id of one of this instrument's scales: `"<instrument>.<scale>"`.
    public func measureID(of scale: Scale) -> String { "\(id).\(scale.id)" }

    /// The scale with this id.
    public func scale(_ id: String) -> Scale? { scales.first { $0.id == id } }

    /// The lowest and highest score a scale can take: the item range, times the item count for a sum,
    /// times the scale's multiplier.
    public func scoreRange(of scale: Scale) -> ScoreRange {
        let perItem = scale.rule == .sum ? Double(scale.items.count) : 1
        return ScoreRange(min: Double(responseRange.min) * perItem * scale.multiplier,
                          max: Double(responseRange.max) * perItem * scale.multiplier)
    }

    /// An item's value as a scale uses it: reversed as `(min + max) − x` when the item is reverse-keyed
    /// and the scale applies reverse keys, else unchanged.
    public func keyedValue(_ value: Int, item: Int, in scale: Scale) -> Int {
        if scale.appliesReverseKeys && reverseKeyed.contains(item) {
            return responseRange.min + responseRange.max - value
        }
        return value
    }
}

extension InstrumentDefinition {
    /// The published source of the instrument.
    public struct Citation: Sendable, Equatable {
        /// Authors, year, title, journal, volume and pages.
        public var text: String
        /// The DOI without `https://doi.org/`, e.g. `"10.1002/cpp.702"`; nil when there is none.
        public var doi: String?

        public init(text: String, doi: String? = nil) {
            self.text = text
            self.doi = doi
        }
    }

    /// The whole-number range every item's response lies in, e.g. 0…4.
    public struct ResponseRange: Sendable, Equatable {
        public var min: Int
        public var max: Int
        /// What the end points mean, in our words, e.g. "0 = not at all like me … 4 = extremely like me".
        public var anchors: String?

        public init(min: Int, max: Int, anchors: String? = nil) {
            self.min = min
            self.max = max
            self.anchors = anchors
        }
    }

    /// Inclusive lower and upper bounds of a score.
    public struct ScoreRange: Sendable, Equatable, Codable, CustomStringConvertible {
        public var min: Double
        public var max: Double

        public init(min: Double, max: Double) {
            self.min = min
            self.max = max
        }

        public func contains(_ x: Double) -> Bool { x >= min && x <= max }

        public var description: String { "\(InstrumentFormatting.number(min))…\(InstrumentFormatting.number(max))" }
    }

    /// An item whose answer at or above `atOrAbove` is surfaced to a clinician, whatever the total.
    public struct RiskItem: Sendable, Equatable {
        public var item: Int
        /// The lowest response that raises a flag.
        public var atOrAbove: Int
        /// Why the item is risk content, and where that comes from.
        public var reason: String

        public init(item: Int, atOrAbove: Int, reason: String) {
            self.item = item
            self.atOrAbove = atOrAbove
            self.reason = reason
        }
    }

    /// Marks a key (or one scale) as not yet safe to rely on, and says why.
    public struct Provisional: Sendable, Equatable {
        public var reason: String

        public init(reason: String) { self.reason = reason }
    }

    /// Which way a score improves.
    public enum Direction: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
        case higherIsBetter = "higher-is-better"
        case lowerIsBetter = "lower-is-better"
    }

    /// How a scale combines its (keyed) items.
    public enum ScoringRule: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
        /// The sum of the items (prorated: mean of the answered items × the scale's item count).
        case sum
        /// The mean of the items (prorated: mean of the answered items).
        case mean
    }

    /// Jacobson–Truax cut-off criteria for clinically significant change (statistics.md §2).
    public enum Criterion: String, Sendable, Equatable, Codable, CaseIterable, DefinitionEnum {
        /// Two SDs beyond the clinical mean, in the direction of improvement.
        case a
        /// Two SDs from the functional mean, toward the clinical side.
        case b
        /// The weighted midpoint between the clinical and functional means.
        case c
    }

    /// The criterion a reference or the literature prefers for this scale, and why.
    public struct PreferredCriterion: Sendable, Equatable {
        public var criterion: Criterion
        public var reason: String

        public init(criterion: Criterion, reason: String) {
            self.criterion = criterion
            self.reason = reason
        }
    }

    /// A named severity band: a score belongs to the highest band whose `min` it reaches (see
    /// ``InstrumentDefinition/Scale/band(for:)``).
    public struct Band: Sendable, Equatable {
        public var label: String
        /// Inclusive lower bound, as published.
        public var min: Double
        /// Inclusive upper bound, as published.
        public var max: Double
        public var note: String?

        public init(label: String, min: Double, max: Double, note: String? = nil) {
            self.label = label
            self.min = min
            self.max = max
            self.note = note
        }
    }
}

// MARK: - Decoding (strict) and encoding

extension InstrumentDefinition: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case formatVersion, id, version, name, abbreviation, citation, licence, itemCount, responseRange
        case recallPeriod, itemLabels, reverseKeyed, riskItems, scales, provisional, notes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "at the top level")
        formatVersion = try c.requiredInt(.formatVersion)
        guard formatVersion == Self.supportedFormatVersion else {
            throw DefinitionIssue(path: "formatVersion",
                                  message: "format version \(formatVersion) is not supported; this version of Tend reads format \(Self.supportedFormatVersion)")
        }
        id = try c.requiredString(.id)
        version = try c.requiredString(.version)
        name = try c.requiredString(.name)
        abbreviation = try c.requiredString(.abbreviation)
        citation = try c.required(Citation.self, .citation, expected: "an object with text and doi")
        licence = try c.requiredString(.licence)
        itemCount = try c.requiredInt(.itemCount)
        responseRange = try c.required(ResponseRange.self, .responseRange, expected: "an object with min and max")
        recallPeriod = try c.optionalString(.recallPeriod)
        itemLabels = try c.optionalStrings(.itemLabels)
        reverseKeyed = try c.requiredInts(.reverseKeyed)
        riskItems = try c.required([RiskItem].self, .riskItems, expected: "a list of risk items ([] for none)")
        scales = try c.required([Scale].self, .scales, expected: "a list of scales")
        provisional = try c.optional(Provisional.self, .provisional, expected: "an object with a reason")
        notes = try c.optionalStrings(.notes) ?? []
    }
}

extension InstrumentDefinition.Citation: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case text, doi }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a citation")
        text = try c.requiredString(.text)
        doi = try c.optionalString(.doi)
    }
}

extension InstrumentDefinition.ResponseRange: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case min, max, anchors }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a response range")
        min = try c.requiredInt(.min)
        max = try c.requiredInt(.max)
        anchors = try c.optionalString(.anchors)
    }
}

extension InstrumentDefinition.RiskItem: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case item, atOrAbove, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a risk item")
        item = try c.requiredInt(.item)
        atOrAbove = try c.requiredInt(.atOrAbove)
        reason = try c.requiredString(.reason)
    }
}

extension InstrumentDefinition.Provisional: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a provisional flag")
        reason = try c.requiredString(.reason)
    }
}

extension InstrumentDefinition.PreferredCriterion: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case criterion, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a preferred criterion")
        criterion = try c.required(InstrumentDefinition.Criterion.self, .criterion,
                                   expected: InstrumentDefinition.Criterion.expectation)
        reason = try c.requiredString(.reason)
    }
}

extension InstrumentDefinition.Band: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case label, min, max, note }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self, what: "in a band")
        label = try c.requiredString(.label)
        min = try c.requiredDouble(.min)
        max = try c.requiredDouble(.max)
        note = try c.optionalString(.note)
    }
}

extension InstrumentDefinition.Direction {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}

extension InstrumentDefinition.ScoringRule {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}

extension InstrumentDefinition.Criterion {
    public init(from decoder: any Decoder) throws { self = try Self.decodeStrictly(from: decoder) }
}
