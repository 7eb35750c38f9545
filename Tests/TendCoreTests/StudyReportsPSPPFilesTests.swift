import Foundation
import Testing
@testable import TendCore

/// Writes a wide CSV and its SPSS syntax into `$TEND_PSPP_DIR` for `crosscheck/spss_pspp_check.sh`, which
/// runs the syntax in GNU PSPP and compares what PSPP read with the CSV. Skipped unless the variable is set.
@Suite("Study reports: files for the PSPP cross-check")
struct StudyReportsPSPPFilesTests {
    static let directory = ProcessInfo.processInfo.environment["TEND_PSPP_DIR"]

    @Test("Write wide.csv and wide.sps", .enabled(if: directory != nil, "set TEND_PSPP_DIR to write the files"))
    func writeFiles() throws {
        let dir = URL(fileURLWithPath: try #require(Self.directory))
        let layout = try WideScoreExport.layout(measures: ["scs-sf.total", "dass21.depression", "phq9.total"],
                                                timepoints: ["pre", "post", "follow-up"], arms: ["CFT", "relaxation", "Kim's group"],
                                                labels: ["scs-sf.total": "SCS-SF total (item mean)", "dass21.depression": "DASS-21 depression",
                                                         "phq9.total": "PHQ-9 total"])
        let rows = [
            WideParticipantRow(studyCode: "S-01", arm: "CFT", scores: ["scs-sf.total": ["pre": 7.0 / 3.0, "post": 3.25, "follow-up": 3.5],
                                                                       "dass21.depression": ["pre": 28, "post": 14], "phq9.total": ["pre": 19]]),
            WideParticipantRow(studyCode: "S,\"02\"", arm: "Kim's group", scores: ["scs-sf.total": ["post": 0.1 + 0.2]]),
            WideParticipantRow(studyCode: "S-03", arm: nil, scores: ["phq9.total": ["pre": 4, "post": 2, "follow-up": 0]]),
        ]
        var csv = "", sps = ""
        try WideScoreExport.write(rows, layout: layout) { csv += $0 }
        SPSSSyntax.write(layout: layout, csvFileName: dir.appendingPathComponent("wide.csv").path) { sps += $0 }
        try csv.write(to: dir.appendingPathComponent("wide.csv"), atomically: true, encoding: .utf8)
        try sps.write(to: dir.appendingPathComponent("wide.sps"), atomically: true, encoding: .utf8)
    }
}
