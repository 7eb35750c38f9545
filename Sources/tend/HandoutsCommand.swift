import ArgumentParser
import Foundation
import TendCore
import TendResources

struct HandoutsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handouts",
        abstract: "Export programme handouts as PDF files.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write handouts as PDF files named <programme>-<handout>.pdf.",
            discussion: "Without PROGRAMME, every handout of every built-in programme is written. The folder is created if it does not exist."
        )

        @Argument(help: "A programme id (default: all programmes).")
        var programme: String?

        @Option(help: "The folder to write to (default: the current folder).")
        var out: String = "."

        @Option(help: "Folder of programmes to read instead of the built-in ones.")
        var programmes: String?

        func run() throws {
            let all: [Programme]
            do {
                all = try programmes.map { try ProgrammeCatalog.load(directory: URL(fileURLWithPath: $0)) } ?? ProgrammeCatalog.builtIn()
            } catch {
                throw CLIError("programmes: \(error)")
            }
            let chosen: [Programme]
            if let programme {
                guard let p = all.first(where: { $0.id == programme }) else {
                    throw CLIError("no programme has the id \"\(programme)\"; known: \(all.map(\.id).joined(separator: ", "))")
                }
                chosen = [p]
            } else {
                chosen = all
            }
            let folder = URL(fileURLWithPath: out, isDirectory: true)
            try Self.prepare(folder)
            let created = Date()
            var written = 0
            for p in chosen {
                for handout in p.handouts {
                    let file = folder.appendingPathComponent("\(p.id)-\(handout.id).pdf")
                    let pdf = handout.printableDocument().render(creationDate: created)
                    do {
                        try pdf.write(to: file, options: .atomic)
                    } catch {
                        throw CLIError("\(file.path): could not write the file (\(Self.reason(error)))")
                    }
                    print("wrote \(file.path) (\(handout.title), \(pdf.count) bytes)")
                    written += 1
                }
            }
            if written == 0 {
                Terminal.note("no handouts: \(chosen.map(\.id).joined(separator: ", ")) \(chosen.count == 1 ? "has" : "have") none")
            }
        }

        /// Creates `folder` when missing; a clear error when it is a file or cannot be written to.
        static func prepare(_ folder: URL) throws {
            let fm = FileManager.default
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw CLIError("--out \(folder.path): is a file, not a folder")
                }
            } else {
                do {
                    try fm.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    // Name the folder that stops it: the nearest one that exists.
                    var parent = folder.deletingLastPathComponent()
                    while !fm.fileExists(atPath: parent.path), parent.path != "/" { parent = parent.deletingLastPathComponent() }
                    let why = fm.isWritableFile(atPath: parent.path) ? "" : "; \(parent.path) is not writable"
                    throw CLIError("--out \(folder.path): could not create the folder\(why)")
                }
            }
            guard fm.isWritableFile(atPath: folder.path) else {
                throw CLIError("--out \(folder.path): the folder is not writable")
            }
        }

        static func reason(_ error: Error) -> String {
            let ns = error as NSError
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
                return underlying.localizedDescription
            }
            return ns.localizedDescription
        }
    }
}
