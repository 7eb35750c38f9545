import Foundation

/// An error the command line reports as one plain sentence and exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Progress and notes on standard error; a progress bar only when standard error is a terminal.
enum Terminal {
    static var stderrIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// A callback for byte-position progress, or nil when standard error is not a terminal or the input
    /// is small enough to finish before a bar would help.
    static func progressBar(label: String, total: Int) -> (@Sendable (Int) -> Void)? {
        guard stderrIsTerminal, total > 20_000_000 else { return nil }
        return { done in
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let text = "\r\(label) \(bar) \(Int(fraction * 100))% of \(total / 1_000_000) MB"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    static func finishProgress(_ progress: ((Int) -> Void)?) {
        guard progress != nil else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
