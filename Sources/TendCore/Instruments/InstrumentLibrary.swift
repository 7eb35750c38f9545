import Foundation

/// A set of instrument definitions with unique ids, and the measures they produce.
///
/// Built from definitions already in memory; `TendResources.InstrumentCatalog` builds one from the
/// built-in JSON files and from a researcher's folder.
public struct InstrumentLibrary: Sendable, Equatable {
    /// A definition and where it came from (a file name, or `definitions[i]`), for error messages.
    public struct Entry: Sendable, Equatable {
        public var definition: InstrumentDefinition
        public var origin: String

        public init(definition: InstrumentDefinition, origin: String) {
            self.definition = definition
            self.origin = origin
        }
    }

    /// In the order given.
    public private(set) var entries: [Entry]
    private var indexByID: [String: Int]

    /// Validates every definition and rejects a second definition with an id already used.
    public init(definitions: [InstrumentDefinition]) throws(InstrumentLibraryError) {
        try self.init(entries: definitions.enumerated().map { Entry(definition: $1, origin: "definitions[\($0)]") })
    }

    /// Validates every definition and rejects a second definition with an id already used, naming both
    /// origins.
    public init(entries: [Entry]) throws(InstrumentLibraryError) {
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            let issues = entry.definition.validationIssues()
            if !issues.isEmpty {
                throw .invalidDefinition(InstrumentDefinitionError(file: entry.origin, issues: issues))
            }
            if let first = index[entry.definition.id] {
                throw .duplicateInstrument(id: entry.definition.id, firstOrigin: entries[first].origin,
                                           secondOrigin: entry.origin)
            }
            index[entry.definition.id] = i
        }
        self.entries = entries
        self.indexByID = index
    }

    public var definitions: [InstrumentDefinition] { entries.map(\.definition) }

    /// The definition with this instrument id, e.g. `"pseq"`.
    public func instrument(_ id: String) -> InstrumentDefinition? {
        indexByID[id].map { entries[$0].definition }
    }

    /// Where the definition with this id came from.
    public func origin(of id: String) -> String? {
        indexByID[id].map { entries[$0].origin }
    }

    /// Every measure id, instrument by instrument in library order, scales in definition order.
    public var measureIDs: [String] {
        entries.flatMap { entry in entry.definition.scales.map { entry.definition.measureID(of: $0) } }
    }

    /// What is known about a measure `"<instrument>.<scale>"`, e.g. `"fscrs.hated-self"`; nil when the
    /// library has no such instrument or scale.
    public func measure(_ id: String) -> MeasureInfo? {
        // Instrument ids contain no dots, so the first dot separates instrument from scale.
        guard let dot = id.firstIndex(of: "."),
              let definition = instrument(String(id[..<dot])),
              let scale = definition.scale(String(id[id.index(after: dot)...])) else { return nil }
        return MeasureInfo(definition: definition, scale: scale)
    }

    /// Every measure of the library, in ``measureIDs`` order.
    public var measures: [MeasureInfo] {
        entries.flatMap { entry in entry.definition.scales.map { MeasureInfo(definition: entry.definition, scale: $0) } }
    }
}

/// Why a set of definitions cannot form a library.
public enum InstrumentLibraryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two definitions share an id.
    case duplicateInstrument(id: String, firstOrigin: String, secondOrigin: String)
    /// A definition breaks a rule of the format.
    case invalidDefinition(InstrumentDefinitionError)

    public var description: String {
        switch self {
        case .duplicateInstrument(let id, let first, let second):
            return "\(second): id: the instrument id \"\(id)\" is already defined by \(first); every instrument needs its own id (rename one of them)"
        case .invalidDefinition(let error):
            return error.description
        }
    }
}

/// Everything the analysis needs to know about one measure before it sees data.
public struct MeasureInfo: Sendable, Equatable {
    /// `"<instrument>.<scale>"`, e.g. `"dass21.depression"`.
    public var id: String
    public var instrumentID: String
    public var instrumentName: String
    public var instrumentAbbreviation: String
    /// Version of the scoring key that produces this measure.
    public var keyVersion: String
    public var scaleID: String
    /// The scale's name, e.g. "Hated self".
    public var name: String
    public var direction: InstrumentDefinition.Direction
    /// The metric scores and norms are in, e.g. `"item-mean"`.
    public var metric: String
    public var scoreRange: InstrumentDefinition.ScoreRange
    public var rule: InstrumentDefinition.ScoringRule
    public var multiplier: Double
    public var defaultReliability: InstrumentDefinition.ReliabilityReference
    public var clinicalNorm: InstrumentDefinition.NormReference
    public var functionalNorm: InstrumentDefinition.NormReference
    /// Further published norms an analyst may choose explicitly; never used by default.
    public var otherNorms: [InstrumentDefinition.AlternativeNorm]
    public var bands: [InstrumentDefinition.Band]
    public var preferredCriterion: InstrumentDefinition.PreferredCriterion?
    /// The scale's provisional flag, else the instrument's.
    public var provisional: InstrumentDefinition.Provisional?
    public var citation: InstrumentDefinition.Citation
    /// The scale's notes followed by the instrument's.
    public var notes: [String]

    public init(definition: InstrumentDefinition, scale: InstrumentDefinition.Scale) {
        id = definition.measureID(of: scale)
        instrumentID = definition.id
        instrumentName = definition.name
        instrumentAbbreviation = definition.abbreviation
        keyVersion = definition.version
        scaleID = scale.id
        name = scale.name
        direction = scale.direction
        metric = scale.metric
        scoreRange = definition.scoreRange(of: scale)
        rule = scale.rule
        multiplier = scale.multiplier
        defaultReliability = scale.defaultReliability
        clinicalNorm = scale.norms.clinical
        functionalNorm = scale.norms.functional
        otherNorms = scale.norms.others
        bands = scale.bands
        preferredCriterion = scale.preferredCriterion
        provisional = scale.provisional ?? definition.provisional
        citation = definition.citation
        notes = scale.notes + definition.notes
    }

    /// "SCS-SF self-kindness"-style label for tables.
    public var displayName: String { "\(instrumentAbbreviation) \(name)" }
}
