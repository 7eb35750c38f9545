import Fluent
import Foundation
import TendCore

/// A wording pack that cannot be imported (naming the linkId or JSON field and what was expected), or
/// an instrument id the library does not have.
public struct InstrumentInputError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// Imported item wording: a FHIR R4 Questionnaire read with TendCore's ``WordingPackReader``, checked
/// against the instrument's definition and stored, one pack per instrument (a new import replaces it).
public enum WordingPacks {
    public struct Imported: Sendable, Equatable {
        public var instrument: String
        public var items: Int
        public var replaced: Bool
    }

    /// Reads `data` for `instrument` (or, when nil, the one instrument whose definition the file fits)
    /// and stores it.
    public static func importPack(data: Data, instrument: String?, on db: any Database, now: Date) async throws -> Imported {
        let library = try QuestionnaireScoring.library()
        let pack: WordingPack
        if let instrument {
            guard let definition = library.instrument(instrument) else {
                throw InstrumentInputError(description: "instrument \"\(instrument)\" is not in the library; expected one of \(library.definitions.map(\.id).joined(separator: ", "))")
            }
            do { pack = try WordingPackReader.read(json: data, for: definition) }
            catch { throw InstrumentInputError(description: "\(definition.id): \(error)") }
        } else {
            var fits: [WordingPack] = []
            var firstError: String?
            for definition in library.definitions {
                do { fits.append(try WordingPackReader.read(json: data, for: definition)) }
                catch { if firstError == nil, isAboutThisInstrument(data, definition.id) { firstError = "\(definition.id): \(error)" } }
            }
            guard fits.count == 1, let only = fits.first else {
                if fits.isEmpty {
                    throw InstrumentInputError(description: firstError
                        ?? "the file fits no instrument in the library; name it with --instrument ID to see what does not match")
                }
                throw InstrumentInputError(description: "the file fits \(fits.map(\.instrument).joined(separator: ", ")); name the instrument with --instrument ID")
            }
            pack = only
        }
        let existing = try await WordingPackModel.query(on: db).filter(\.$instrumentID == pack.instrument).first()
        let model = existing ?? WordingPackModel()
        model.instrumentID = pack.instrument
        model.source = pack.source
        model.packJSON = String(decoding: try JSONEncoder().encode(pack), as: UTF8.self)
        model.importedAt = now
        try await model.save(on: db)
        return Imported(instrument: pack.instrument, items: pack.items.count, replaced: existing != nil)
    }

    /// Whether the file's linkIds are written with this instrument's id (`"phq9.1"`), so its error is the one to show.
    private static func isAboutThisInstrument(_ data: Data, _ id: String) -> Bool {
        guard let text = String(data: data, encoding: .utf8) else { return false }
        return text.contains("\"\(id).") || text.contains("\"\(id)-")
    }

    /// The stored pack for an instrument, if one was imported.
    static func pack(for instrument: String, on db: any Database) async throws -> WordingPack? {
        try await WordingPackModel.query(on: db).filter(\.$instrumentID == instrument).first()?.pack
    }
}
