import ArgumentParser
import Foundation
import TendCore
import TendResources

struct AnalyseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract: "Reliable and clinically significant change, mixed ANOVA, drop-out and feasibility from a scores CSV.",
        discussion: """
        SCORES.csv has the columns participant, [arm,] timepoint, measure, score (as `tend score` writes them); \
        any other column is a participant-level variable for the baseline table. Options that name a measure \
        repeat, one per measure: --reliability scs-sf.total=0.83 --reliability pseq.total=0.88.
        """,
        aliases: ["analyze"]
    )

    @Argument(help: "Tidy scores CSV: participant,[arm,]timepoint,measure,score.")
    var scores: String

    @Option(help: "Timepoint taken as before (default: the first in the file).")
    var pre: String?

    @Option(help: "Timepoint taken as after (default: the second in the file).")
    var post: String?

    @Option(name: .customLong("levels"), help: "Comma-separated timepoints for the mixed ANOVA's within factor (default: pre and post).")
    var levels: String?

    @Option(name: .customLong("measure"), help: "Analyse only this measure (repeat for more).")
    var measures: [String] = []

    @Option(help: "Reliable change method: jt (Jacobson–Truax), gln, en, ha, hll.")
    var method: String = "jt"

    @Option(help: "Reliability of a measure, ID=R (repeat per measure).")
    var reliability: [String] = []

    @Option(help: "Norms of a measure, ID=clinMean,clinSD,funcMean,funcSD; leave the clinical pair blank to use the sample's pre scores.")
    var norms: [String] = []

    @Option(help: "Direction of a measure, ID=higher or ID=lower.")
    var better: [String] = []

    @Option(help: "Clinically significant change cut-off: a, b or c for every measure, or ID=a|b|c for one (default: c with non-clinical norms, else the definition's).")
    var criterion: [String] = []

    @Option(name: .customLong("type"), help: "Sums of squares for the mixed ANOVA: 3 (SPSS, afex) or 2 (pingouin).")
    var ssType: Int = 3

    @Option(help: "Confidence level of the between-arm differences in mean change, e.g. 0.80 for a pilot trial.")
    var ci: Double = 0.95

    @Flag(help: "Welch's unequal-variance intervals for the between-arm differences (default: pooled).")
    var welch = false

    @Option(help: "Recruitment funnel counts, e.g. approached=103,agreed=69 (baseline and completed follow from the data unless given).")
    var funnel: String?

    @Option(help: "Feasibility success criteria, e.g. agreed/approached=0.60,baseline/agreed=0.70,completed/baseline=0.50.")
    var criteria: String?

    @Option(help: "Output: text, json or csv (per-participant table).")
    var format: String = "text"

    @Option(help: "Also write a self-contained HTML report to this file.")
    var report: String?

    @Option(help: "Write the output to this file instead of standard output.")
    var out: String?

    @Flag(help: "Include every participant's row in the JSON output.")
    var participants = false

    @Option(help: "A folder of your own instrument definitions (JSON), added to the built-in ones.")
    var instruments: String?

    @Option(help: "A CSV of participant-level variables for the baseline table: participant plus one column per variable.")
    var covariates: String?

    func run() throws {
        let options = try makeOptions()
        guard ["text", "json", "csv"].contains(format) else {
            throw ValidationError("--format \(format): expected text, json or csv")
        }
        keepFreedMemoryForReuse()
        // The instrument definitions are read while the scores are, on another thread; a problem with them is
        // still reported first.
        let libraryLoad = BackgroundResult { [instruments] in try loadLibrary(instruments) }
        let clock = ContinuousClock()
        let t0 = clock.now
        let read = Result { try readScores(scores) }
        let library = try libraryLoad.value()
        var table = try read.get()
        if let covariates {
            let text: String
            do { text = try String(contentsOfFile: covariates, encoding: .utf8) } catch {
                throw CLIError("\(covariates): cannot read the file (\(error.localizedDescription))")
            }
            do {
                try table.addCovariates(try CSVDocument(parsing: text), file: covariates)
            } catch {
                throw CLIError("\(covariates): \(error)")
            }
        }
        let t1 = clock.now
        var defaults: [String: MeasureDefaults] = [:]
        for id in table.measures { if let d = library.analysisDefaults(for: id) { defaults[id] = d } }

        let result: OutcomeAnalysisResult
        do {
            result = try OutcomeAnalysis.run(table: table, options: options, defaults: defaults)
        } catch {
            throw CLIError("\(scores): \(error)")
        }
        let t2 = clock.now
        let output: Data
        switch format {
        case "json": output = try JSONReport.render(result)
        case "csv": output = Data(ParticipantCSV.render(result).utf8)
        default: output = Data(TextReport.render(result).utf8)
        }
        if let out {
            try output.write(to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(output)
            if format == "json" { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
        if ProcessInfo.processInfo.environment["TEND_PHASES"] != nil {
            Terminal.note("phases: read \(t1 - t0), analyse \(t2 - t1), write \(clock.now - t2)")
        }
        if let report {
            try Data(HTMLReport.render(result, title: URL(fileURLWithPath: scores).lastPathComponent).utf8)
                .write(to: URL(fileURLWithPath: report))
            Terminal.note("report written to \(report)")
        }
        let anyValid = table.scores.contains { $0.contains { $0.contains { !$0.isNaN } } }
        if !anyValid { throw CLIError("\(scores): no valid score in the file, so nothing could be analysed") }
        // Everything is written. Freeing the table and the result piece by piece would only delay the exit
        // (milliseconds for a large file); the system takes the memory back at once, the score columns' on
        // both cores.
        returnScoreMemory(of: table)
        Foundation.exit(EXIT_SUCCESS)
    }

    func makeOptions() throws -> OutcomeAnalysisOptions {
        var o = OutcomeAnalysisOptions()
        o.pre = pre
        o.post = post
        o.anovaLevels = levels.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } }
        o.measures = measures.isEmpty ? nil : measures
        guard let m = ReliableChangeMethod(rawValue: method.lowercased()) else {
            throw ValidationError("--method \(method): expected one of jt, gln, en, ha, hll")
        }
        o.method = m
        for item in reliability {
            let (id, value) = try keyValue(item, option: "--reliability", example: "scs-sf.total=0.83")
            guard let r = Double(value), r > 0, r < 1 else {
                throw ValidationError("--reliability \(item): the reliability must be a number between 0 and 1 (exclusive), such as 0.83")
            }
            o.reliability[id] = r
        }
        for item in norms {
            let (id, value) = try keyValue(item, option: "--norms", example: "scs-sf.total=,,3.5,0.7")
            let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
            guard parts.count == 4 else {
                throw ValidationError("--norms \(item): expected four comma-separated values clinMean,clinSD,funcMean,funcSD (blank for unknown), e.g. --norms \(id)=,,3.5,0.7")
            }
            let names = ["clinical mean", "clinical SD", "functional mean", "functional SD"]
            var numbers: [Double?] = []
            for (k, part) in parts.enumerated() {
                if part.isEmpty { numbers.append(nil); continue }
                guard let v = Double(part), v.isFinite else { throw ValidationError("--norms \(item): the \(names[k]) \"\(part)\" is not a number") }
                if k % 2 == 1 && v <= 0 { throw ValidationError("--norms \(item): the \(names[k]) must be above 0") }
                numbers.append(v)
            }
            if (numbers[0] == nil) != (numbers[1] == nil) || (numbers[2] == nil) != (numbers[3] == nil) {
                throw ValidationError("--norms \(item): give each mean with its SD (both clinical values or neither; both functional values or neither)")
            }
            o.norms[id] = NormsOverride(clinicalMean: numbers[0], clinicalSD: numbers[1], functionalMean: numbers[2], functionalSD: numbers[3])
        }
        for item in better {
            let (id, value) = try keyValue(item, option: "--better", example: "pseq.total=higher")
            guard let d = Direction(rawValue: value.lowercased()) else {
                throw ValidationError("--better \(item): expected higher or lower after the =")
            }
            o.better[id] = d
        }
        for item in criterion {
            if item.contains("=") {
                let (id, value) = try keyValue(item, option: "--criterion", example: "pseq.total=a")
                guard let c = ClinicalCutoffCriterion(rawValue: value.lowercased()) else {
                    throw ValidationError("--criterion \(item): expected a, b or c after the =")
                }
                o.criterionByMeasure[id] = c
            } else {
                guard let c = ClinicalCutoffCriterion(rawValue: item.lowercased()) else {
                    throw ValidationError("--criterion \(item): expected a, b or c (or ID=a|b|c for one measure)")
                }
                o.criterion = c
            }
        }
        guard let type = SumOfSquaresType(rawValue: ssType) else { throw ValidationError("--type \(ssType): expected 3 or 2") }
        o.anovaType = type
        guard ci > 0, ci < 1 else { throw ValidationError("--ci \(ci): expected a confidence level between 0 and 1, such as 0.80") }
        o.confidenceLevel = ci
        o.welch = welch
        if let funnel {
            var counts = FunnelCounts()
            for part in funnel.split(separator: ",") {
                let (stage, value) = try keyValue(String(part), option: "--funnel", example: "approached=103")
                guard let n = Int(value), n >= 0 else { throw ValidationError("--funnel \(part): the count must be a whole number of 0 or more") }
                switch stage.lowercased() {
                case "approached": counts.approached = n
                case "agreed": counts.agreed = n
                case "baseline": counts.baseline = n
                case "completed": counts.completed = n
                default: throw ValidationError("--funnel \(part): unknown stage \(stage); expected approached, agreed, baseline or completed")
                }
            }
            o.funnel = counts
        }
        if let criteria {
            for part in criteria.split(separator: ",") {
                let (key, value) = try keyValue(String(part), option: "--criteria", example: "agreed/approached=0.60")
                guard let threshold = Double(value), threshold >= 0, threshold <= 1 else {
                    throw ValidationError("--criteria \(part): the threshold must be a proportion between 0 and 1, such as 0.60")
                }
                let sides = key.split(separator: "/").map { String($0).lowercased() }
                let stages = FunnelCounts.stages
                let numerator = sides[0]
                guard let ni = stages.firstIndex(of: numerator), ni > 0 else {
                    throw ValidationError("--criteria \(part): \(numerator) is not a funnel stage after the first; expected agreed, baseline or completed")
                }
                let denominator = sides.count > 1 ? sides[1] : stages[ni - 1]
                guard let di = stages.firstIndex(of: denominator), di < ni else {
                    throw ValidationError("--criteria \(part): the denominator \(denominator) must be an earlier funnel stage than \(numerator) (approached, agreed, baseline, completed)")
                }
                o.criteria.append(FeasibilityCriterion(numerator: numerator, denominator: denominator, threshold: threshold))
            }
        }
        o.keepParticipants = participants || format != "json" || report != nil
        return o
    }

    func keyValue(_ item: String, option: String, example: String) throws -> (String, String) {
        guard let eq = item.firstIndex(of: "=") else {
            throw ValidationError("\(option) \(item): expected ID=VALUE, e.g. \(option) \(example)")
        }
        let key = String(item[..<eq]).trimmingWhitespace(), value = String(item[item.index(after: eq)...]).trimmingWhitespace()
        guard !key.isEmpty else { throw ValidationError("\(option) \(item): the part before = is empty; e.g. \(option) \(example)") }
        return (key, value)
    }
}

/// A value computed on another thread from the moment this is made; `value()` waits for it.
final class BackgroundResult<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    func value() throws -> T {
        done.wait()
        defer { done.signal() }
        return try result!.get()
    }
}

/// Reads a scores CSV, with a progress bar on a terminal for large files.
func readScores(_ path: String) throws -> ScoreTable {
    let url = URL(fileURLWithPath: path)
    let data: Data
    do {
        data = try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
        throw CLIError("\(path): cannot read the file (\(error.localizedDescription))")
    }
    let progress = Terminal.progressBar(label: "reading", total: data.count)
    let table: ScoreTable
    do {
        table = try data.withUnsafeBytes { buffer in try ScoreTable.parse(buffer, progress: progress) }
    } catch let error as ScoreTableError {
        Terminal.finishProgress(progress)
        throw CLIError("\(path): \(error)")
    }
    Terminal.finishProgress(progress)
    // Unmapping a large file takes a while (page by page): let another thread do it while analysis runs.
    if data.count > 1 << 24 { DispatchQueue.global(qos: .utility).async { withExtendedLifetime(data) {} } }
    return table
}

/// Gives the pages of a large table's score columns back to the system, half of each column on each core,
/// in a process about to exit; the table must not be read again. At exit the system frees a process's
/// memory on one core (about 8 ms for 130 MB here); given back on two first, the columns (most of a large
/// table's memory) take half as long. Unmapping them instead would not help: unmaps wait for each other.
func returnScoreMemory(of table: ScoreTable) {
    #if os(Linux)
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    var ranges: [(start: Int, pages: Int)] = []
    for measure in table.scores {
        for column in measure {
            column.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                let start = (Int(bitPattern: base) + page - 1) / page
                let end = (Int(bitPattern: base) + bytes.count) / page
                if end > start { ranges.append((start, end - start)) }
            }
        }
    }
    guard ranges.reduce(0, { $0 + $1.pages }) * page >= 16 << 20 else { return }
    let columns = ranges
    DispatchQueue.concurrentPerform(iterations: 2) { half in
        for (start, pages) in columns {
            let first = half == 0 ? start : start + pages / 2
            let count = half == 0 ? pages / 2 : pages - pages / 2
            if count > 0 { _ = madvise(UnsafeMutableRawPointer(bitPattern: first * page), count * page, MADV_DONTNEED) }
        }
    }
    #endif
}

/// Large files mean many large, short-lived arrays (score columns, per-analysis vectors). By default glibc
/// gives every block over 128 KB its own mapping and returns it to the system when freed, so the next one
/// is faulted in and zeroed page by page again; for a one-shot command it is cheaper to keep freed memory
/// in the heap and reuse it (blocks up to 32 MB, never trimmed until exit).
func keepFreedMemoryForReuse() {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    _ = mallopt(-3, 32 << 20)     // M_MMAP_THRESHOLD
    _ = mallopt(-1, Int32.max)    // M_TRIM_THRESHOLD
    #endif
}
