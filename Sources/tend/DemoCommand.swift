import ArgumentParser
import Foundation
import TendServer

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill an empty database with a fabricated, living service to explore.",
        discussion: """
        Uses the same environment as `tend serve` (TEND_DATA_DIR, TEND_DATABASE_URL): migrates the database, \
        then creates an admin, facilitators and a researcher, groups and cohorts of every built-in programme \
        part-way through, participants with accounts on every roster, and the attendance registers of the \
        meetings already held. Every name is invented; every account shares one password, printed at the end. \
        Refuses a database that already has accounts. Then run `tend serve` and sign in.
        """
    )

    @Option(help: "How many participants to create, spread over groups of 8 to 12.")
    var participants: Int = 120

    @Option(help: "The password of every demo account (default: a new random one, printed at the end).")
    var password: String?

    func run() async throws {
        guard participants >= 1, participants <= 200_000 else {
            throw CLIError("--participants is \(participants); expected a whole number from 1 to 200000")
        }
        let secret = password ?? Self.randomPassword()
        guard secret.count >= 12 else {
            throw CLIError("--password has \(secret.count) characters; expected at least 12")
        }
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment()
            configuration.logLevel = .warning
        } catch {
            throw CLIError("\(error)")
        }
        ServerRunner.bootstrapLogging(level: .warning)
        let started = Date()
        let summary: DemoService.Summary
        do {
            summary = try await ServerRunner.demo(configuration: configuration,
                                                  options: DemoService.Options(participants: participants, password: secret))
        } catch let error as DemoService.DemoError {
            throw CLIError(error.description)
        }
        let seconds = Date().timeIntervalSince(started)
        print("""
        The demo service is ready (\(summary.groups) groups, \(summary.participants) participants, \
        \(summary.attendanceMarks) attendance marks; \(String(format: "%.1f", seconds)) s).

        Every account's password: \(secret)

          admin        \(summary.admin)
          facilitator  \(summary.facilitators.prefix(3).joined(separator: ", "))\(summary.facilitators.count > 3 ? ", …" : "")
          researcher   \(summary.researcher)
        """)
        for sample in summary.sampleParticipants {
            print("  participant  \(sample.email)  (\(sample.programme))")
        }
        print("\nStart the platform with `tend serve` and sign in at /login. Everyone here is invented.")
    }

    static func randomPassword() -> String {
        let words = ["river", "lantern", "meadow", "harbour", "willow", "ember", "pebble", "orchard", "breeze", "candle", "maple", "tide"]
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: "-")
    }
}
