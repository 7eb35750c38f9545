import ArgumentParser
import TendCore

@main
struct Tend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "Compassion-focused programmes and the research around them.",
        subcommands: [AnalyseCommand.self, ScoreCommand.self, InstrumentsCommand.self, ProgrammesCommand.self]
    )
}
