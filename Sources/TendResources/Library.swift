import Foundation
import TendCore

/// Reads instrument definitions from JSON files: the built-in ones shipped in this target's bundle, and
/// a researcher's own folder. All file I/O for instruments lives here; decoding and validation are
/// TendCore's (``InstrumentDefinition/load(data:file:)``).
///
/// A file is `<id>.json` and holds one definition whose `id` matches the file name. Other files in a
/// folder (not ending in `.json`, or hidden) are ignored; sub-folders are not searched.
public enum InstrumentCatalog {
    /// The library of built-in definitions (`Sources/TendResources/Instruments/*.json`), read and
    /// validated once per process.
    public static func builtIn() throws(InstrumentCatalogError) -> InstrumentLibrary {
        try builtInLibrary.get()
    }

    private static let builtInLibrary: Result<InstrumentLibrary, InstrumentCatalogError> = {
        do throws(InstrumentCatalogError) {
            return .success(try library(from: builtInEntries()))
        } catch {
            return .failure(error)
        }
    }()

    /// The definitions in `directory`, optionally after the built-in ones. An id defined twice (in two
    /// files, or in a file and the built-in set) is an error naming both files.
    public static func load(directory: URL, includingBuiltIn: Bool) throws(InstrumentCatalogError) -> InstrumentLibrary {
        var entries = includingBuiltIn ? try builtInEntries() : []
        entries += try entriesInDirectory(directory, label: { $0.path })
        return try library(from: entries)
    }

    /// The folder holding the built-in definition files.
    public static var builtInDirectory: URL? {
        Bundle.module.url(forResource: "Instruments", withExtension: nil)
    }

    static func builtInEntries() throws(InstrumentCatalogError) -> [InstrumentLibrary.Entry] {
        guard let directory = builtInDirectory else { throw .builtInResourcesMissing }
        return try entriesInDirectory(directory, label: { "built-in \($0.lastPathComponent)" })
    }

    static func library(from entries: [InstrumentLibrary.Entry]) throws(InstrumentCatalogError) -> InstrumentLibrary {
        do {
            return try InstrumentLibrary(entries: entries)
        } catch {
            throw .library(error)
        }
    }

    static func entriesInDirectory(_ directory: URL, label: (URL) -> String) throws(InstrumentCatalogError) -> [InstrumentLibrary.Entry] {
        let names: [String]
        do {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw InstrumentCatalogError.notADirectory(directory.path)
            }
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch let error as InstrumentCatalogError {
            throw error
        } catch {
            throw .unreadable(path: directory.path, reason: error.localizedDescription)
        }
        var entries: [InstrumentLibrary.Entry] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadable(path: url.path, reason: error.localizedDescription)
            }
            let origin = label(url)
            let definition: InstrumentDefinition
            do {
                definition = try InstrumentDefinition.load(data: data, file: origin)
            } catch {
                throw .definition(error)
            }
            let expected = String(name.dropLast(".json".count))
            guard definition.id == expected else {
                throw .definition(InstrumentDefinitionError(file: origin, issues: [.init(
                    path: "id", message: "\"\(definition.id)\" does not match the file name; expected \"\(expected)\", or rename the file to \(definition.id).json")]))
            }
            entries.append(.init(definition: definition, origin: origin))
        }
        return entries
    }
}

/// Why the instrument definitions could not be read.
public enum InstrumentCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The built-in definitions are not in the bundle (a packaging fault).
    case builtInResourcesMissing
    case notADirectory(String)
    case unreadable(path: String, reason: String)
    /// A file is not a valid definition.
    case definition(InstrumentDefinitionError)
    /// Valid files that cannot be combined (an id used twice).
    case library(InstrumentLibraryError)

    public var description: String {
        switch self {
        case .builtInResourcesMissing:
            return "the built-in instrument definitions are missing from the TendResources bundle"
        case .notADirectory(let path):
            return "\(path): not a folder; expected a folder of instrument definition files (<id>.json)"
        case .unreadable(let path, let reason):
            return "\(path): could not be read: \(reason)"
        case .definition(let error):
            return error.description
        case .library(let error):
            return error.description
        }
    }
}
