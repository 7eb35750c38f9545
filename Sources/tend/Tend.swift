import ArgumentParser
import TendCore

@main
struct Tend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "Compassion-focused programmes and the research around them.",
        subcommands: [AnalyseCommand.self, ScoreCommand.self, InstrumentsCommand.self, ServeCommand.self, MigrateCommand.self]
    )
}
