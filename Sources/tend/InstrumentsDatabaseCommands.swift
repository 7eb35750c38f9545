import ArgumentParser
import Foundation
import TendCore
import TendServer

extension InstrumentsCommand {
    /// `tend instruments import FILE`: a study's licensed item wording, as a FHIR R4 Questionnaire.
    struct ImportWording: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import item wording from a FHIR R4 Questionnaire (JSON) into the server's database.",
            discussion: """
            Each question's linkId is the item number ("7") or the instrument id and the number ("phq9.7"). \
            The wording is checked against the instrument's definition (every item once, answer codes in the \
            response range) and replaces any earlier import for that instrument. Uses the same TEND_ \
            environment as `tend serve`.
            """
        )

        @Argument(help: "The Questionnaire JSON file.")
        var file: String

        @Option(help: "The instrument id (e.g. phq9); needed only when the file fits more than one.")
        var instrument: String?

        func run() async throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw CLIError("\(file): cannot be read (\(error.localizedDescription))")
            }
            let configuration: ServerConfiguration
            do { configuration = try ServerConfiguration.fromEnvironment() } catch { throw CLIError("\(error)") }
            do {
                let imported = try await InstrumentAdministration.importWordingPack(data, instrument: instrument, configuration: configuration)
                print("\(file): \(imported.replaced ? "replaced the" : "imported") wording of \(imported.instrument) (\(imported.items) items)")
            } catch let error as InstrumentInputError {
                throw CLIError("\(file): \(error)")
            }
        }
    }

    /// `tend instruments rescore ID`: scores stored answers again with the current definition.
    struct Rescore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-score stored questionnaire answers whose scoring definition has changed; each changed score is audited.")

        @Argument(help: "The instrument id, e.g. phq9.")
        var id: String

        func run() async throws {
            let configuration: ServerConfiguration
            do { configuration = try ServerConfiguration.fromEnvironment() } catch { throw CLIError("\(error)") }
            let result: Rescoring.Result
            do {
                result = try await InstrumentAdministration.rescore(instrument: id, configuration: configuration)
            } catch let error as InstrumentInputError {
                throw CLIError("\(error)")
            }
            print("\(id): \(result.checked) questionnaire\(result.checked == 1 ? "" : "s") scored with an earlier definition; \(result.changes.count) score\(result.changes.count == 1 ? "" : "s") changed")
            for change in result.changes {
                let old = change.old.map { Fmt.num($0, 2) } ?? "none", new = change.new.map { Fmt.num($0, 2) } ?? "none"
                print("  \(change.assignment.uuidString.lowercased())  \(change.measure): \(old) → \(new)")
            }
        }
    }
}
