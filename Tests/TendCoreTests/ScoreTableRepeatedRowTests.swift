import Foundation
import Testing
@testable import TendCore

/// Rows that repeat the last row's participant, arm and timepoint are read without splitting them into
/// fields when they are plain (`ScoreChunkParser.readRepeatedRow`); every input reads exactly as it does
/// with every row split into fields, in one pass or in two halves.
@Suite struct ScoreTableRepeatedRowTests {
    /// Every observable part of two tables is the same (scores compared bit for bit, so NaN = NaN).
    private func same(_ x: ScoreTable, _ y: ScoreTable) -> Bool {
        x.participants == y.participants && x.arms == y.arms && x.armOfParticipant == y.armOfParticipant
            && x.timepoints == y.timepoints && x.measures == y.measures
            && x.scores.map { $0.map { $0.map(\.bitPattern) } } == y.scores.map { $0.map { $0.map(\.bitPattern) } }
            && x.covariateNames == y.covariateNames && x.covariates == y.covariates
            && x.issues == y.issues && x.rowCount == y.rowCount && x.hasArmColumn == y.hasArmColumn
    }

    private func outcome(_ text: String, _ split: ScoreTableSplit, repeatedRows: Bool) -> Result<ScoreTable, ScoreTableError> {
        do throws(ScoreTableError) {
            return .success(try ScoreTable.parse(text, split: split, repeatedRows: repeatedRows).table)
        } catch {
            return .failure(error)
        }
    }

    private func agree(_ a: Result<ScoreTable, ScoreTableError>, _ b: Result<ScoreTable, ScoreTableError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): return same(x, y)
        case (.failure(let x), .failure(let y)): return x == y
        default: return false
        }
    }

    /// Whether `text` reads the same both ways in one pass and split near every `stride`-th byte.
    private func readsTheSame(_ text: String, stride: Int = 1) -> Bool {
        let fields = outcome(text, .never, repeatedRows: false)
        if !agree(fields, outcome(text, .never, repeatedRows: true)) { return false }
        for offset in Swift.stride(from: 0, through: text.utf8.count, by: stride)
        where !agree(fields, outcome(text, .near(offset), repeatedRows: true)) {
            return false
        }
        return true
    }

    @Test func plainRowsAreReadAsWhenSplitIntoFields() throws {
        let text = """
        participant,arm,timepoint,measure,score
        P1,a,pre,m1,1
        P1,a,pre,m2,2.5
        P1,a,pre,m1,3
        P1,a,post,m1,-4
        P1,a,post,m2,+5.25

        """
        #expect(readsTheSame(text))
        let table = try ScoreTable.parse(text)
        #expect(table.measures == ["m1", "m2"])
        #expect(table.score(measure: 1, timepoint: 1, participant: 0) == 5.25)
        #expect(table.issues.map(\.row) == [4])
    }

    @Test func awkwardRowsAfterARepeatedStartReadTheSame() throws {
        let rows = [
            "P1,a,pre,m1,1", "P1,a,pre,m2,",              // a blank score is missing
            "P1,a,pre,m3,NA", "P1,a,pre,m4,.",           // missing markers
            "P1,a,pre,m5,1e3", "P1,a,pre,m6,1-2",        // an exponent; not a number
            "P1,a,pre,m1 ,7", "P1,a,pre, m2,8",          // spaces around the measure
            "P1,a,pre,m2,9 ", "P1,a,pre,m2, 9",          // spaces around the score
            "P1,a,pre,\"m1\",10", "P1,a,pre,m1,\"11\"",  // quotes
            "P1,a,pre,m1,12,extra", "P1,a,pre,m1",        // a field too many; too few
            "P1,a,pre,m10,13", "P1,a,pre,m,14",          // labels that start like others
            "P1,a,pre,m1,15\r", "P1,a,pre,m2,\r",        // CRLF, and CRLF after a blank score
            "P1,b,pre,m1,16", "P1,a,post,m1,17",         // a second arm; a new timepoint
            "P1,a,post,m1,18", "P2,a,post,m1,12345678901234567890",
        ]
        let text = "participant,arm,timepoint,measure,score\n" + rows.joined(separator: "\n") + "\nP2,a,post,m2,19"
        #expect(readsTheSame(text))
        #expect(readsTheSame(text + "\n"))
    }

    /// The same participant moving to their next timepoint is read without splitting the row into fields
    /// too (`readNewTimepointRow`); every other change of the start reads in full, and all read the same.
    @Test func aParticipantsNextTimepointReadsTheSame() throws {
        let rows = [
            "P1,a,pre,m1,1", "P1,a,pre,m2,2", "P1,a,post,m1,3", "P1,a,post,m2,4",   // pre → post
            "P1,a,pre,m1,5",                                                         // back: a second score
            "P1,a,week 12,m1,6", "P1,a,week 12,m2,7", "P1,a,post,m2,8",             // a new label; its successor
            "P1,a,post ,m1,9", "P1,a, pre,m1,10", "P1,a,\"pre\",m2,11",              // spaces, quotes
            "P1,a,pre,m9,12", "P1,a,post,m1,1e1", "P1,a,post,m1",                   // a new measure; an exponent; too few
            "P1,b,pre,m1,13", "P1,,post,m1,14", "P1,a,post,m2,15\r",                 // another arm, none; CRLF
            "P2,a,pre,m1,16", "P2,a,post,m1,17", "P2,a,pre,m1,",                    // the next participant; a blank score
            "P2,a,prex,m1,18", "P2,a,pr,m1,19", "P2,a,post,m2,20,x",                // labels that start like others
        ]
        let text = "participant,arm,timepoint,measure,score\n" + rows.joined(separator: "\n") + "\nP3,a,pre,m1,21"
        #expect(readsTheSame(text))
        #expect(readsTheSame(text + "\n"))
        // Timepoint before the arm: the rows after a change of timepoint are still read as repeated rows.
        let other = "participant,timepoint,arm,measure,score\n" + ["P1,pre,a,m1,1", "P1,post,a,m1,2", "P1,post,a,m2,3",
                                                                    "P1,pre,b,m1,4", "P2,pre,a,m1,5"].joined(separator: "\n") + "\n"
        #expect(readsTheSame(other))
        let table = try ScoreTable.parse(text)
        #expect(table.timepoints == ["pre", "post", "week 12", "prex", "pr"])
        #expect(table.score(measure: 1, timepoint: 2, participant: 0) == 7)
        #expect(table.score(measure: 0, timepoint: 1, participant: 1) == 17)
    }

    /// Rows that start a new participant (in order, out of order, seen before, with awkward or blank
    /// fields) read the same with and without the repeated-row paths, in one pass and split anywhere.
    @Test func rowsThatStartANewParticipantReadTheSame() throws {
        let rows = [
            "P1,a,pre,m1,1", "P1,a,pre,m2,2", "P2,b,pre,m1,3", "P2,b,pre,m2,4",     // plain new participants
            "P10,a,post,m1,5", "P3,a,pre,m1,6", "P2,b,post,m1,7", "P1,a,pre,m1,8",   // out of order; seen before; a second score
            " P4,a,pre,m1,9", "P5 ,a,pre,m1,10", "P6\t,a,pre,m1,11", "\"P7\",a,pre,m1,12",  // spaces, tab, quotes
            "P8\r,a,pre,m1,13", "P9,a\r,pre,m1,14", "P1\"1,a,pre,m1,15", ",a,pre,m1,16",  // carriage returns; a quote inside; blank
            "P12,,pre,m1,17", "P13,a,,m1,18", "P14,a,pre,,19", "P15,a,pre,m1",          // blank arm, timepoint, measure; too few
            "P16,c,pre,m1,20", "P17,a,week 2,m1,21", "P18,a,pre,m3,22", "P19,a,pre,m1,1e3",  // a new arm, timepoint, measure; an exponent
            "P20,a,pre,m1,23,x", "P21,a,pre,m1,-", "P22,a,pre,m2,24\r", "P23,b,post,m2,", // a field too many; not a number; CRLF; blank
            "P1,b,pre,m1,25",                                                         // a second arm
            "P25, a,pre,m1,26", "P26,a,pre\t,m2,27", "P27,\"b\",pre,m1,28", "P28,a,\rpre,m2,29",  // arm, timepoint not plain
            "P29,a,pre,m2, 30", "P30,a,pre,m2,31", "P31,a,pre,m1,3 2", "P32,a,pre,m1,",    // score not plain; a measure out of turn
        ]
        let text = "participant,arm,timepoint,measure,score\n" + rows.joined(separator: "\n") + "\nP24,a,pre,m1,26"
        #expect(readsTheSame(text))
        #expect(readsTheSame(text + "\n"))
        let table = try ScoreTable.parse(text + "\n")
        #expect(Array(table.participants.prefix(5)) == ["P1", "P2", "P10", "P3", "P4"])
        #expect(table.score(measure: 0, timepoint: 0, participant: 3) == 6)
        #expect(table.arms == ["a", "b", "c"])
        // Participant last, and no arm column.
        for header in ["arm,timepoint,participant,measure,score", "timepoint,participant,measure,score"] {
            let hasArm = header.hasPrefix("arm")
            let lines = [("P1", "pre", "1"), ("P1", "pre", "2"), ("P2", "pre", "3"), ("P2", "post", "4"), ("P3 ", "pre", "5"), ("P1", "post", "6")]
                .enumerated().map { k, row in (hasArm ? "a," : "") + "\(row.1),\(row.0),m\(k % 2),\(row.2)" }
            #expect(readsTheSame(header + "\n" + lines.joined(separator: "\n") + "\n"), "\(header)")
        }
    }

    @Test func aQuotedLabelHoldingACommaIsNotMatchedByPlainBytes() throws {
        // "m,1" is one measure label; the later raw row m,1,5 is measure m, score 1 and an extra field.
        let text = """
        participant,timepoint,measure,score
        P1,pre,m0,1
        P1,pre,"m,1",4
        P1,pre,m,1,5
        P1,pre,m,6

        """
        #expect(readsTheSame(text))
        let table = try ScoreTable.parse(text)
        #expect(table.measures == ["m0", "m,1", "m"])
        #expect(table.score(measure: 2, timepoint: 0, participant: 0) == 1)
        #expect(table.issues.map(\.row) == [5])
    }

    @Test func layoutsWithOtherColumnsReadTheSame() {
        for header in ["participant,timepoint,measure,score,age", "measure,score,participant,timepoint",
                       "participant,timepoint,score,measure", "participant,timepoint,measure,score,completed_at"] {
            let columns = header.split(separator: ",")
            var text = header + "\n"
            for (p, t, m, s) in [("P1", "pre", "m1", "1"), ("P1", "pre", "m2", "2"), ("P1", "post", "m1", "3"), ("P1", "post", "m2", "")] {
                text += columns.map { c -> String in
                    switch c { case "participant": p; case "timepoint": t; case "measure": m; case "score": s; default: "x" }
                }.joined(separator: ",") + "\n"
            }
            #expect(readsTheSame(text), "\(header)")
        }
    }

    @Test func runsOfRepeatedRowsStopWhereTheyMustAndReadTheSame() throws {
        // Long runs of one participant's rows (read by `readRepeatedRun`), broken by each row it leaves to
        // `run`: a duplicate score, a measure first seen in the run (a new cell), a number of eight digits, an
        // exponent, a blank line, a carriage return, a missing score, a second arm.
        var text = "participant,arm,timepoint,measure,score\n"
        for p in 1...3 {
            for t in ["pre", "post"] {
                text += "P\(p),a,\(t),m1,1\nP\(p),a,\(t),m2,2.5\nP\(p),a,\(t),m3,3\n"
            }
        }
        text += "P4,a,pre,m1,1\nP4,a,pre,m2,2\nP4,a,pre,m1,9\nP4,a,pre,m3,3\n"      // a duplicate m1 (row 22)
        text += "P4,a,pre,m4,4\nP4,a,pre,m5,1e1\n"                                   // a new cell; an exponent
        text += "P4,a,post,m1,1\n\nP4,a,post,m2,12345678.25\r\nP4,a,post,m3,\nP4,a,post,m4,4\n"
        text += "P4,b,post,m5,5\nP4,a,post,m5,6\n"                                   // another arm (31), a duplicate (32)
        #expect(readsTheSame(text))
        let table = try ScoreTable.parse(text)
        #expect(table.measures == ["m1", "m2", "m3", "m4", "m5"])
        let p4 = try #require(table.participants.firstIndex(of: "P4"))
        let pre = try #require(table.timepointIndex("pre")), post = try #require(table.timepointIndex("post"))
        #expect(table.score(measure: 1, timepoint: post, participant: p4) == 12_345_678.25)
        #expect(table.score(measure: 4, timepoint: pre, participant: p4) == 10)
        #expect(table.score(measure: 2, timepoint: post, participant: p4) == nil)
        #expect(table.score(measure: 0, timepoint: pre, participant: p4) == 1)
        #expect(table.score(measure: 4, timepoint: post, participant: p4) == 5)
        #expect(table.issues.map(\.row) == [22, 31, 32])
    }

    @Test func randomFilesOfRepeatedRowsReadTheSame() {
        // Seeded: runs of rows for one participant and timepoint, with now and then a blank line, CRLF,
        // an awkward measure or score, a second arm or a duplicate.
        var state: UInt64 = 0x5EED_F00D
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let measures = ["m1", "m2", "m3", "m1", "m2", "m3", " m1", "\"m2\"", "m", "m10", "\"m,1\""]
        let scores = ["1", "2.5", "-3", "0.125", "", "NA", "x", "1e2", " 4", "+5", "007", "1.2.3"]
        var failures: [String] = []
        for _ in 0..<150 {
            var text = "participant,arm,timepoint,measure,score\n"
            for _ in 0..<(1 + next(8)) {
                let participants = ["P0", "P1", "P2", "P3", "P10", " P1", "\"P2\"", "P3 "]
                let participant = participants[next(4) == 0 ? next(participants.count) : next(4)]
                let arm = next(6) == 0 ? "b" : "a", timepoint = next(2) == 0 ? "pre" : "post"
                for _ in 0..<(1 + next(6)) {
                    let measure = measures[next(3) == 0 ? next(measures.count) : next(3)]
                    let score = scores[next(3) == 0 ? next(scores.count) : next(4)]
                    text += "\(participant),\(arm),\(timepoint),\(measure),\(score)"
                    switch next(12) {
                    case 0: text += "\r\n"
                    case 1: text += "\n\n"
                    default: text += "\n"
                    }
                }
            }
            if next(3) == 0 { text.removeLast() }
            if !readsTheSame(text, stride: 5) { failures.append(text.debugDescription) }
        }
        #expect(failures.isEmpty, "\(failures.count) differ, e.g. \(failures.prefix(2))")
    }
}

/// Short scores are read eight bytes at once (`ScoreChunkParser.shortNumber`): it must give exactly what
/// the byte-by-byte scanner gives wherever it gives anything, and give something for every score of one to
/// seven digits with at most one point.
@Suite struct ShortNumberTests {
    /// Reads `text` padded to 16 bytes both ways; nil when it is not the kind `shortNumber` takes.
    private func check(_ text: [UInt8]) -> Bool {
        var bytes = text + [UInt8](repeating: 0x0A, count: 16)
        return bytes.withUnsafeMutableBufferPointer { buffer -> Bool in
            let base = UnsafePointer(buffer.baseAddress!)
            let scanned = ScoreChunkParser.scanNumber(base, 0, 16)
            let isDigitOrPoint = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || b == 0x2E }
            let run = text.prefix { isDigitOrPoint($0) }
            let points = run.filter { $0 == 0x2E }.count
            let expected = !run.isEmpty && run.count <= 7 && points <= 1 && run.count > points
            guard let (value, length) = ScoreChunkParser.shortNumber(base) else { return !expected }
            guard expected, length == run.count, scanned.end == length, let v = scanned.value else { return false }
            let reference = Double(String(decoding: run, as: UTF8.self))
            return value.bitPattern == v.bitPattern && reference.map { $0.bitPattern == value.bitPattern } ?? false
        }
    }

    @Test func everyShortStringReadsAsTheScannerReadsIt() {
        // Every string of up to five of these bytes, then the line break padding.
        let alphabet: [UInt8] = Array("0159.-+x/:\n".utf8)
        var failures: [String] = []
        var text: [UInt8] = []
        func extend(_ depth: Int) {
            if !check(text) { failures.append(String(decoding: text, as: UTF8.self).debugDescription) }
            guard depth < 5 else { return }
            for b in alphabet { text.append(b); extend(depth + 1); text.removeLast() }
        }
        extend(0)
        #expect(failures.isEmpty, "\(failures.count) differ, e.g. \(failures.prefix(5))")
    }

    @Test func longerScoresReadAsTheScannerReadsThem() {
        var rng = SeededGenerator(seed: 0x5C0E)
        var failures: [String] = []
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...9, using: &rng)
            var text = (0..<digits).map { _ in UInt8(0x30 + Int.random(in: 0...9, using: &rng)) }
            if Bool.random(using: &rng) { text.insert(0x2E, at: Int.random(in: 0...digits, using: &rng)) }
            text.append([0x0A, 0x2C, 0x0D, 0x41][Int.random(in: 0..<4, using: &rng)])
            if !check(text) { failures.append(String(decoding: text, as: UTF8.self).debugDescription) }
        }
        #expect(failures.isEmpty, "\(failures.count) differ, e.g. \(failures.prefix(5))")
        for text in ["2.67\n", "17\n", "3\n", "1234567\n", "0.125\n", ".5\n", "5.\n", "000.100\n"] {
            var bytes = Array(text.utf8) + [UInt8](repeating: 0x0A, count: 16)
            let read = bytes.withUnsafeMutableBufferPointer { ScoreChunkParser.shortNumber(UnsafePointer($0.baseAddress!)) }
            #expect(read?.value == Double(text.dropLast()) && read?.length == text.utf8.count - 1, "\(text.debugDescription)")
        }
    }
}

@Suite struct PowersOfTenTests {
    @Test func theWrittenOutPowersAreTheComputedOnes() {
        #expect(ScoreChunkParser.powersOfTen.count == 23)
        for (k, p) in ScoreChunkParser.powersOfTen.enumerated() {
            #expect(p.bitPattern == Foundation.pow(10.0, Double(k)).bitPattern, "10^\(k)")
        }
    }
}
