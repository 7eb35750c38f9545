import ArgumentParser
import Foundation
import TendCore
import TendResources

@main
struct Tend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "Compassion-focused programmes and the research around them.",
        subcommands: [ServeCommand.self, MigrateCommand.self, WorkerCommand.self, DemoCommand.self, AnalyseCommand.self, ScoreCommand.self,
                      InstrumentsCommand.self, ProgrammesCommand.self, HandoutsCommand.self]
    )

    static func main() async {
        // `tend analyse` and `tend score` need the built-in instrument definitions: reading them starts now, on
        // a thread of its own, while the arguments are parsed (the commands then wait for it, or find it done).
        if let command = CommandLine.arguments.dropFirst().first, ["analyse", "analyze", "score"].contains(command) {
            Thread.detachNewThread { _ = try? InstrumentCatalog.builtIn() }
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
