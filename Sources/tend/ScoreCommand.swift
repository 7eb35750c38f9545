import ArgumentParser
import Foundation
import TendCore
import TendResources
import TendServer

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score questionnaire item responses into tidy scores, with Cronbach's alpha per scale and timepoint.",
        discussion: """
        ITEMS.csv has the columns participant, timepoint, optional arm, and one column per item (item1, item_1, \
        <id>_1, <id>1 or 1). The scores (participant,arm,timepoint,measure,score) go to --out or standard output; \
        problems, missing scores, risk items and the reliability table go to standard error. Valid rows are \
        scored even when other rows have bad cells.
        """
    )

    @Argument(help: "Item responses CSV.")
    var items: String

    @Option(help: "Instrument id, e.g. scs-sf, pseq, fscrs, dass21 (see `tend instruments list`).")
    var instrument: String

    @Option(help: "Write the scores to this file instead of standard output.")
    var out: String?

    @Option(help: "A folder of your own instrument definitions (JSON), added to the built-in ones.")
    var instruments: String?

    func run() throws {
        let library = try loadLibrary(instruments)
        guard let definition = library.instrument(instrument) else {
            throw CLIError("--instrument \(instrument): no such instrument; the library has \(library.definitions.map(\.id).joined(separator: ", "))")
        }
        let text: String
        do {
            text = try String(contentsOfFile: items, encoding: .utf8)
        } catch {
            throw CLIError("\(items): cannot read the file (\(error.localizedDescription))")
        }
        let document: CSVDocument
        do {
            document = try CSVDocument(parsing: text)
        } catch {
            throw CLIError("\(items): \(error)")
        }
        let report: ScoringReport
        do {
            report = try InstrumentScorer.score(document: document, instrument: definition)
        } catch {
            throw CLIError("\(items): \(error)")
        }
        Terminal.note(ScoringSummary.render(report, file: items))
        let csv = Data(report.tidyCSV().utf8)
        if let out {
            try csv.write(to: URL(fileURLWithPath: out))
            Terminal.note("\(report.scores.count) scores written to \(out)")
        } else {
            FileHandle.standardOutput.write(csv)
        }
        if report.scores.isEmpty {
            throw CLIError("\(items): no row could be scored")
        }
    }
}

/// The human-readable account of a scoring run.
enum ScoringSummary {
    static func render(_ r: ScoringReport, file: String) -> String {
        var lines: [String] = []
        lines.append("\(file): \(r.scores.count) scores for instrument \(r.instrumentID) (scoring key \(r.keyVersion)); items read from \(r.itemColumns.first ?? "")…\(r.itemColumns.last ?? "")")
        for note in r.notes { lines.append("Note: \(note)") }
        if !r.rowErrors.isEmpty {
            lines.append("Rows not scored (\(r.rowErrors.count)):")
            lines += r.rowErrors.map { "  \($0)" }
        }
        if !r.cellErrors.isEmpty {
            lines.append("Cells not valid (\(r.cellErrors.count)):")
            lines += r.cellErrors.map { "  \($0)" }
        }
        if !r.missingScores.isEmpty {
            lines.append("Scores not computed (\(r.missingScores.count)):")
            lines += r.missingScores.map { "  \($0)" }
        }
        if !r.riskFlags.isEmpty {
            lines.append("Risk items to review with the participant's clinician (\(r.riskFlags.count)):")
            lines += r.riskFlags.map { "  \($0)" }
            var reasons: [Int: String] = [:]
            for flag in r.riskFlags { reasons[flag.item] = flag.reason }
            lines += reasons.sorted { $0.key < $1.key }.map { "  Item \($0.key): \($0.value)" }
        }
        if !r.reliability.isEmpty {
            lines.append("Internal consistency (Cronbach's α with Feldt 95% interval, rows with every item answered):")
            var rows: [[String]] = []
            var unstableNote: String? = nil
            for e in r.reliability {
                let published = e.defaultReliability.value.map { Fmt.num($0, 2) } ?? "not known"
                if let a = e.alpha {
                    rows.append([e.measure, e.timepoint, "\(e.completeRows)", Fmt.num(a.alpha, 3), "\(Fmt.num(a.lower, 3)) to \(Fmt.num(a.upper, 3))", published, a.stability.isStable ? "" : "unstable (see below)"])
                    if !a.stability.isStable { unstableNote = "Unstable: the Feldt 95% lower bound is below 0.5, Tend's own convention (not a published rule) for a sample too small for a stable α; use the published reliability for those scales." }
                } else {
                    rows.append([e.measure, e.timepoint, "\(e.completeRows)", "–", "–", published, e.problem ?? ""])
                }
            }
            lines.append(table(["measure", "timepoint", "n", "α", "95% CI", "published", "note"], rows))
            if let unstableNote { lines.append(unstableNote) }
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var s = "  " + cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

struct InstrumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruments",
        abstract: "List the instrument library, check definition files of your own, import item wording, re-score stored answers.",
        subcommands: [List.self, Check.self, ImportWording.self, Rescore.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every instrument and measure with its direction, reliability and norms.")

        @Option(help: "A folder of your own instrument definitions to include.")
        var instruments: String?

        @Flag(help: "Print each instrument's id, version and scoring fingerprint (the hash stored with every questionnaire it scores) instead.")
        var fingerprints = false

        func run() throws {
            let library = try loadLibrary(instruments)
            var lines: [String] = []
            if fingerprints {
                for entry in library.entries {
                    lines.append("\(entry.definition.id) \(entry.definition.version) \(InstrumentFingerprint.of(entry.definition))")
                }
                print(lines.joined(separator: "\n"))
                return
            }
            for entry in library.entries {
                let d = entry.definition
                lines.append("\(d.id): \(d.name) — \(d.itemCount) items, responses \(d.responseRange.min)–\(d.responseRange.max)" + (entry.origin.hasPrefix("built-in") ? "" : " [\(entry.origin)]"))
                for scale in d.scales {
                    guard let info = library.measure(d.measureID(of: scale)) else { continue }
                    let direction = info.direction == .higherIsBetter ? "higher is better" : "lower is better"
                    let reliability = info.defaultReliability.value.map { "reliability \(Fmt.num($0, 2))" } ?? "reliability not known"
                    let norms = info.functionalNorm.norm.map { "functional norm \(Fmt.num($0.mean, 2)) (\(Fmt.num($0.sd, 2)))" } ?? "functional norms not found"
                    lines.append("  \(info.id)  \(info.rule.rawValue) \(info.scoreRange), \(direction), \(reliability), \(norms)" + (info.provisional != nil ? ", PROVISIONAL" : ""))
                }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a definition file or a folder of them; errors name the file and the field.")

        @Argument(help: "A definition file (<id>.json) or a folder of them.")
        var path: String

        func run() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIError("\(path): no such file or folder")
            }
            if isDirectory.boolValue {
                let library = try loadLibrary(path)
                let own = library.entries.filter { !$0.origin.hasPrefix("built-in") }
                print("\(own.count) definition\(own.count == 1 ? "" : "s") valid: " + own.map { "\($0.definition.id) (\($0.definition.scales.count) scales)" }.joined(separator: ", "))
            } else {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                do {
                    let d = try InstrumentDefinition.load(data: data, file: URL(fileURLWithPath: path).lastPathComponent)
                    print("\(path): valid — \(d.id), \(d.itemCount) items, scales \(d.scales.map(\.id).joined(separator: ", "))")
                } catch {
                    throw CLIError("\(error)")
                }
            }
        }
    }
}

func loadLibrary(_ directory: String?) throws -> InstrumentLibrary {
    do {
        if let directory { return try InstrumentCatalog.load(directory: URL(fileURLWithPath: directory), includingBuiltIn: true) }
        return try InstrumentCatalog.builtIn()
    } catch {
        throw CLIError("instrument definitions: \(error)")
    }
}
