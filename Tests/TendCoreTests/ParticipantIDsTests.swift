import Foundation
import Testing
@testable import TendCore

/// A table's participant identifiers are held as bytes (`ParticipantIDs`) and read as strings: the same
/// strings, in the same order, as an array of them would hold.
@Suite struct ParticipantIDsTests {
    @Test func identifiersReadBackAsTheyWereAdded() {
        let strings = ["P1", "", "a participant with a long identifier", "Zoë", "P1", "🙂"]
        let ids = ParticipantIDs(strings)
        #expect(ids.count == strings.count)
        #expect(Array(ids) == strings)
        #expect(ids[3] == "Zoë" && ids[1] == "")
        #expect(ids.firstIndex(of: "P1") == 0)
        #expect(ids.firstIndex(of: "") == 1)
        #expect(ids.firstIndex(of: "Zoë") == 3)
        #expect(ids.firstIndex(of: "P") == nil)
        #expect(ids.description == strings.description)
        #expect(ParticipantIDs() == [] && ids != ["P1"])
        #expect(ids == ParticipantIDs(strings))
    }

    @Test func aCopyKeepsItsIdentifiersWhenTheOriginalChanges() {
        var ids: ParticipantIDs = ["P1", "P2"]
        let copy = ids
        ids.append("P3")
        ids.append(contentsOf: copy, from: 0)
        #expect(Array(copy) == ["P1", "P2"])
        #expect(Array(ids) == ["P1", "P2", "P3", "P1", "P2"])
        var grown = ParticipantIDs()
        for k in 0..<5_000 { grown.append("participant-\(k)-" + String(repeating: "x", count: k % 40)) }
        #expect(grown.count == 5_000 && grown[4_999] == "participant-4999-" + String(repeating: "x", count: 4_999 % 40))
        #expect(Set([ids, copy, ParticipantIDs(["P1", "P2"])]).count == 2)
    }

    @Test func appendingAnotherListCarriesOnFromWhereItEnds() {
        var first: ParticipantIDs = ["a", "bb"]
        let second: ParticipantIDs = ["ccc", "d", "éé"]
        first.append(contentsOf: second, from: 1)
        #expect(Array(first) == ["a", "bb", "d", "éé"])
        first.append(second, at: 0)
        #expect(Array(first) == ["a", "bb", "d", "éé", "ccc"])
        first.append(contentsOf: second, from: 3)
        #expect(first.count == 5)
        var empty = ParticipantIDs()
        empty.append(contentsOf: second, from: 0)
        #expect(empty == second)
    }

    @Test func aFileReadInTwoHalvesHasItsIdentifiersAsTextWouldReadThem() throws {
        // Plain, non-ASCII and invalid UTF-8 identifiers (repaired as `String(decoding:as:)` repairs them),
        // with a second half whose participants follow the first's and one that does not.
        var lines: [[UInt8]] = [Array("participant,arm,timepoint,measure,score\n".utf8)]
        var expected: [String] = []
        for p in 0..<3_000 {
            var id = Array("P\(100_000 + p)".utf8)
            if p % 7 == 3 { id += Array("ë".utf8) }
            if p % 11 == 5 { id += [0xFF, 0x41] }
            expected.append(String(decoding: id, as: UTF8.self))
            for t in ["pre", "post"] { lines.append(id + Array(",a,\(t),m,\(p % 9)\n".utf8)) }
        }
        let bytes = lines.flatMap { $0 }
        for split in [ScoreTableSplit.near(bytes.count / 2), .near(bytes.count / 3), .never] {
            let run = try bytes.withUnsafeBytes { try ScoreTable.parse($0, progress: nil, split: split) }
            let table = run.table
            #expect(run.strategy == (split == .never ? .singleThread : .split))
            #expect(Array(table.participants) == expected, "\(split)")
            #expect(table.participants.firstIndex(of: expected[2_999]) == 2_999)
            #expect(table.participants.firstIndex(of: expected[5]) == 5)  // repaired: "P100005\u{FFFD}A"
        }
        // Out of order: the second half's participants are looked up and appended one by one.
        let shuffled = [lines[0]] + lines[1...].reversed()
        let reversed = Array(expected.reversed())
        let run = try shuffled.flatMap { $0 }.withUnsafeBytes {
            try ScoreTable.parse($0, progress: nil, split: .near(bytes.count / 2))
        }
        #expect(run.strategy == .split)
        #expect(Array(run.table.participants) == reversed)
    }
}
