import ArgumentParser
import TendCore

@main
struct Tend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "Compassion-focused programmes and the research around them.",
        subcommands: [ServeCommand.self, MigrateCommand.self, WorkerCommand.self, DemoCommand.self, AnalyseCommand.self, ScoreCommand.self,
                      InstrumentsCommand.self, ProgrammesCommand.self, HandoutsCommand.self]
    )
}
