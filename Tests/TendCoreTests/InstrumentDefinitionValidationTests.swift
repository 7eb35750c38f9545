import Foundation
import Testing
@testable import TendCore

/// A small valid definition used as the starting point of the validation tests.
enum InstrumentFixture {
    static let pseqLike = """
    {
      "formatVersion": 1,
      "id": "pseq",
      "version": "1",
      "name": "Pain Self-Efficacy Questionnaire",
      "abbreviation": "PSEQ",
      "citation": {"text": "Nicholas MK (2007). European Journal of Pain 11(2):153–163.", "doi": "10.1016/j.ejpain.2005.12.008"},
      "licence": "Confirm with the author.",
      "itemCount": 10,
      "responseRange": {"min": 0, "max": 6},
      "reverseKeyed": [],
      "riskItems": [],
      "scales": [
        {
          "id": "total",
          "name": "Total",
          "items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
          "rule": "sum",
          "appliesReverseKeys": false,
          "direction": "higher-is-better",
          "metric": "sum",
          "missing": {"method": "prorate-mean", "maxMissing": 2, "basis": "tend-policy"},
          "defaultReliability": {"value": 0.88, "kind": "alpha", "source": "Brown et al. 2022", "verified": true},
          "norms": {
            "clinical": {"status": "not-found", "source": "Nicholas et al. 2019", "note": "SD not found"},
            "functional": {"mean": 40, "sd": 10, "n": 100, "population": "test population", "metric": "sum", "source": "fabricated for this test", "verified": false}
          }
        }
      ]
    }
    """

    static func load(_ text: String, file: String = "pseq.json") throws(InstrumentDefinitionError) -> InstrumentDefinition {
        try InstrumentDefinition.load(data: Data(text.utf8), file: file)
    }

    /// The error `text` fails with, or nil when it loads.
    static func error(_ text: String, file: String = "pseq.json") -> InstrumentDefinitionError? {
        do {
            _ = try load(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    /// The fixture with one exact piece of text replaced (which must occur).
    static func replacing(_ old: String, with new: String) -> String {
        precondition(pseqLike.contains(old), "fixture has no \(old)")
        return pseqLike.replacingOccurrences(of: old, with: new)
    }

    static var definition: InstrumentDefinition { try! load(pseqLike) }
}

@Suite("Instrument definition validation")
struct InstrumentDefinitionValidationTests {
    typealias F = InstrumentFixture

    func issue(_ error: InstrumentDefinitionError?, at path: String) -> InstrumentDefinitionError.Issue? {
        error?.issues.first { $0.path == path }
    }

    @Test("the fixture itself loads")
    func fixtureLoads() throws {
        let d = try F.load(F.pseqLike)
        #expect(d.id == "pseq" && d.itemCount == 10 && d.scales.count == 1)
        #expect(d.scales[0].multiplier == 1 && d.scales[0].bands.isEmpty && d.notes.isEmpty)
        #expect(d.scales[0].norms.functional.norm?.mean == 40)
    }

    @Test("an item outside 1…itemCount names file, field path and the allowed range")
    func itemOutOfRange() throws {
        let error = try #require(F.error(F.replacing("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", with: "[1, 2, 3, 11, 5, 6, 7, 8, 9, 10]")))
        #expect(error.description == "pseq.json: scales[0].items[3]: 11 is outside 1…10 (the instrument has 10 items)")
        #expect(error.file == "pseq.json")
    }

    @Test("unknown fields are rejected, with a suggestion for a misspelling")
    func unknownFields() throws {
        let top = try #require(F.error(F.replacing("\"reverseKeyed\": []", with: "\"reverseKeyd\": [], \"reverseKeyed\": []")))
        let i = try #require(issue(top, at: "reverseKeyd"))
        #expect(i.message.contains("unknown field"))
        #expect(i.message.contains("did you mean \"reverseKeyed\"?"))

        let nested = try #require(F.error(F.replacing("\"rule\": \"sum\",", with: "\"rule\": \"sum\", \"weight\": 2,")))
        #expect(nested.description.hasPrefix("pseq.json: scales[0].weight: unknown field"))
        #expect(nested.description.contains("appliesReverseKeys"))

        // A not-found norm may not carry numbers.
        let norm = try #require(F.error(F.replacing("\"note\": \"SD not found\"", with: "\"note\": \"SD not found\", \"mean\": 20.7")))
        #expect(issue(norm, at: "scales[0].norms.clinical.mean")?.message.contains("not-found norm") == true)
    }

    @Test("missing fields, wrong types and unknown enumeration values say what was expected")
    func shapeErrors() throws {
        let rule = try #require(F.error(F.replacing("\"rule\": \"sum\",", with: "")))
        #expect(rule.description == "pseq.json: scales[0].rule: is missing; expected one of \"sum\", \"mean\"")

        let direction = try #require(F.error(F.replacing("\"higher-is-better\"", with: "\"up\"")))
        #expect(direction.description == "pseq.json: scales[0].direction: \"up\" is not allowed; expected one of \"higher-is-better\", \"lower-is-better\"")

        let count = try #require(F.error(F.replacing("\"itemCount\": 10", with: "\"itemCount\": \"ten\"")))
        #expect(count.description == "pseq.json: itemCount: expected a whole number")

        let fraction = try #require(F.error(F.replacing("\"itemCount\": 10", with: "\"itemCount\": 10.5")))
        #expect(fraction.description == "pseq.json: itemCount: 10.5 is not a whole number")

        let itemText = try #require(F.error(F.replacing("[1, 2, 3, 4, 5,", with: "[1, \"2\", 3, 4, 5,")))
        #expect(itemText.description == "pseq.json: scales[0].items[1]: expected a whole number (an item number)")

        let verified = try #require(F.error(F.replacing("\"verified\": true", with: "\"verified\": \"yes\"")))
        #expect(verified.description == "pseq.json: scales[0].defaultReliability.verified: expected true or false")

        let scales = try #require(F.error(F.replacing("\"riskItems\": []", with: "\"riskItems\": {}")))
        #expect(scales.description == "pseq.json: riskItems: expected a list of risk items ([] for none)")
    }

    @Test("a file that is not JSON reports the line and column")
    func notJSON() throws {
        let error = try #require(F.error(F.replacing("\"itemCount\": 10,", with: "\"itemCount\": 10,,")))
        #expect(error.issues.count == 1)
        #expect(error.issues[0].path == "(file)")
        #expect(error.issues[0].message.hasPrefix("is not valid JSON"))
        #expect(error.issues[0].message.contains("(line 9, column"))
    }

    @Test("an unsupported format version is refused")
    func formatVersion() throws {
        let error = try #require(F.error(F.replacing("\"formatVersion\": 1", with: "\"formatVersion\": 2")))
        #expect(error.description == "pseq.json: formatVersion: format version 2 is not supported; this version of Tend reads format 1")
    }

    @Test("scales of one family may not share items; other scales may")
    func familyOverlap() throws {
        var d = F.definition
        var a = d.scales[0], b = d.scales[0]
        a.id = "first"; a.items = [1, 2, 3, 4, 5]; a.family = "subscales"
        b.id = "second"; b.items = [6, 7, 5, 8]; b.family = "subscales"
        a.norms.functional = .notFound(source: "none", note: "n/a"); b.norms.functional = a.norms.functional
        d.scales += [a, b]
        let issues = d.validationIssues()
        #expect(issues == [.init(path: "scales[2].items[2]", message: "item 5 is also in scale \"first\" (scales[1].items[4]); scales of family \"subscales\" must not share items")])

        // The total (no family) shares every item with both and is fine; so is a different family.
        d.scales[2].family = "other"
        #expect(d.validationIssues().isEmpty)
    }

    @Test("bands must lie in the score range, ascend and not overlap")
    func bands() throws {
        var d = F.definition
        d.scales[0].bands = [.init(label: "low", min: 0, max: 20), .init(label: "high", min: 20, max: 61)]
        let issues = d.validationIssues()
        #expect(issues.contains(.init(path: "scales[0].bands[1].max", message: "61 is outside the scale's score range 0…60")))
        #expect(issues.contains(.init(path: "scales[0].bands[1].min", message: "20 overlaps bands[0] (0…20); bands must ascend without overlapping")))
        #expect(issues.count == 2)

        d.scales[0].bands = [.init(label: "low", min: 0, max: 20), .init(label: "low", min: 21, max: 60)]
        #expect(d.validationIssues() == [.init(path: "scales[0].bands[1].label", message: "\"low\" is already the label of another band")])

        // The multiplier widens the range: DASS-style doubling of a 0…3 × 7 sum is 0…42.
        d.scales[0].bands = [.init(label: "all", min: 0, max: 120)]
        d.scales[0].multiplier = 2
        #expect(d.validationIssues().isEmpty)
    }

    @Test("reliability must lie strictly between 0 and 1; norms need SD > 0, n ≥ 2 and the scale's metric")
    func evidence() throws {
        let reliability = try #require(F.error(F.replacing("\"value\": 0.88", with: "\"value\": 1.2")))
        #expect(reliability.description == "pseq.json: scales[0].defaultReliability.value: 1.2 is outside (0, 1); a reliability lies strictly between 0 and 1")

        let sd = try #require(F.error(F.replacing("\"sd\": 10", with: "\"sd\": 0")))
        #expect(sd.description == "pseq.json: scales[0].norms.functional.sd: 0 is not a valid SD; expected a number greater than 0")

        let metric = try #require(F.error(F.replacing("\"metric\": \"sum\", \"source\"", with: "\"metric\": \"item-mean\", \"source\"")))
        #expect(metric.description == "pseq.json: scales[0].norms.functional.metric: \"item-mean\" does not match the scale's metric \"sum\"; a norm can only be used with a score in the same metric")

        let mean = try #require(F.error(F.replacing("\"mean\": 40", with: "\"mean\": 70")))
        #expect(mean.description == "pseq.json: scales[0].norms.functional.mean: 70 is outside the scale's score range 0…60")

        let n = try #require(F.error(F.replacing("\"n\": 100", with: "\"n\": 1")))
        #expect(issue(n, at: "scales[0].norms.functional.n")?.message == "1 is not a valid sample size; expected at least 2")
    }

    @Test("missing-item rules: proration must leave an item, and risk items are never prorated")
    func missingRules() throws {
        var d = F.definition
        d.scales[0].missing.maxMissing = 10
        #expect(d.validationIssues() == [.init(path: "scales[0].missing.maxMissing", message: "10 is not allowed for a 10-item scale; expected a whole number from 1 to 9")])

        d = F.definition
        d.riskItems = [.init(item: 9, atOrAbove: 1, reason: "risk content")]
        #expect(d.validationIssues() == [.init(path: "scales[0].missing.mustBeAnswered", message: "risk item 9 is in this scale and the rule prorates; list 9 here so that a missing risk item is never filled in by proration")])
        d.scales[0].missing.mustBeAnswered = [9]
        #expect(d.validationIssues().isEmpty)

        d.scales[0].missing = .init(method: .requireAll, maxMissing: 1, basis: .tendPolicy)
        #expect(d.validationIssues() == [.init(path: "scales[0].missing.maxMissing", message: "1 is not allowed with method \"require-all\"; leave it out or use method \"prorate-mean\"")])

        d.scales[0].missing = .init(method: .prorateMean, maxMissing: 1, mustBeAnswered: [9], atLeastOneAnsweredPer: "subscales", basis: .tendPolicy)
        #expect(d.validationIssues().map(\.path) == ["scales[0].missing.atLeastOneAnsweredPer"])
    }

    @Test("item lists, labels, risk items and ids are checked")
    func itemsAndLabels() throws {
        var d = F.definition
        d.reverseKeyed = [2, 2, 0]
        d.itemLabels = Array(repeating: "short label", count: 9)
        d.riskItems = [.init(item: 3, atOrAbove: 7, reason: "x")]
        d.scales[0].missing.mustBeAnswered = [3]
        d.id = "PSEQ"
        let issues = d.validationIssues()
        #expect(issues.contains(.init(path: "reverseKeyed[1]", message: "item 2 is listed twice (also at reverseKeyed[0])")))
        #expect(issues.contains(.init(path: "reverseKeyed[2]", message: "0 is outside 1…10 (the instrument has 10 items)")))
        #expect(issues.contains(.init(path: "itemLabels", message: "has 9 labels; expected 10, one per item in item order")))
        #expect(issues.contains(.init(path: "riskItems[0].atOrAbove", message: "7 is outside the response range 0…6")))
        #expect(issues.contains { $0.path == "id" && $0.message.hasPrefix("\"PSEQ\" is not a valid id") })

        d = F.definition
        d.itemLabels = Array(repeating: "a", count: 9) + ["one two three four five six"]
        #expect(d.validationIssues() == [.init(path: "itemLabels[9]", message: "has 6 words; a label is our own construct label of at most 5 words, never the item's wording")])
    }

    @Test("scale ids must be unique, DOIs well formed, the response range non-empty")
    func idsAndRanges() throws {
        var d = F.definition
        d.scales.append(d.scales[0])
        d.citation.doi = "https://doi.org/10.1016/j.ejpain.2005.12.008"
        d.responseRange = .init(min: 3, max: 3)
        let issues = d.validationIssues()
        #expect(issues.contains(.init(path: "scales[1].id", message: "\"total\" is already the id of scales[0]; scale ids must be unique")))
        #expect(issues.contains { $0.path == "citation.doi" && $0.message.contains("expected the form 10.NNNN/suffix") })
        #expect(issues.contains(.init(path: "responseRange.max", message: "3 is not greater than min (3); expected max > min")))
    }

    @Test("every rule violation is reported at once, each on its own line")
    func allIssuesReported() throws {
        let text = F.replacing("\"value\": 0.88", with: "\"value\": 0").replacingOccurrences(of: "\"sd\": 10", with: "\"sd\": -1")
        let error = try #require(F.error(text, file: "mine.json"))
        #expect(error.issues.count == 2)
        #expect(error.description.split(separator: "\n").count == 2)
        #expect(error.description.split(separator: "\n").allSatisfy { $0.hasPrefix("mine.json: scales[0].") })
    }

    @Test("a definition encodes to JSON that loads back unchanged")
    func roundTrip() throws {
        var d = F.definition
        d.scales[0].bands = [.init(label: "low", min: 0, max: 30, note: "x"), .init(label: "high", min: 31, max: 60)]
        d.scales[0].norms.others = [.init(id: "other-sample", role: .other,
                                          norm: .init(mean: 20, sd: 5, n: 50, population: "p", metric: "sum", source: "s", verified: false))]
        d.scales[0].defaultReliability = .notFound(source: nil, note: "none")
        d.provisional = .init(reason: "testing")
        let data = try JSONEncoder().encode(d)
        #expect(try InstrumentDefinition.load(data: data, file: "encoded.json") == d)
    }

    @Test("a library rejects a second definition with the same id, naming both origins")
    func duplicateIDs() throws {
        let d = F.definition
        #expect(throws: InstrumentLibraryError.duplicateInstrument(id: "pseq", firstOrigin: "definitions[0]", secondOrigin: "definitions[1]")) {
            try InstrumentLibrary(definitions: [d, d])
        }
        do {
            _ = try InstrumentLibrary(entries: [.init(definition: d, origin: "built-in pseq.json"), .init(definition: d, origin: "/study/pseq.json")])
            Issue.record("expected a duplicate-id error")
        } catch {
            #expect(error.description == "/study/pseq.json: id: the instrument id \"pseq\" is already defined by built-in pseq.json; every instrument needs its own id (rename one of them)")
        }
        var bad = d
        bad.id = "other"
        bad.scales[0].items = [0]
        #expect(throws: InstrumentLibraryError.self) { try InstrumentLibrary(definitions: [d, bad]) }
    }

    @Test("measure lookup by \"<instrument>.<scale>\"")
    func measureLookup() throws {
        let library = try InstrumentLibrary(definitions: [F.definition])
        let m = try #require(library.measure("pseq.total"))
        #expect(m.instrumentID == "pseq" && m.scaleID == "total" && m.direction == .higherIsBetter)
        #expect(m.scoreRange == .init(min: 0, max: 60))
        #expect(m.defaultReliability.value == 0.88)
        #expect(m.functionalNorm.norm?.sd == 10)
        #expect(library.measure("pseq.nothing") == nil)
        #expect(library.measure("nothing.total") == nil)
        #expect(library.measure("pseq") == nil)
        #expect(library.measureIDs == ["pseq.total"])
    }
}

@Suite("Instrument documentation example")
struct InstrumentDocumentationExampleTests {
    @Test("the complete example in docs/instruments.md loads and scores as the text says")
    func documentedExample() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/instruments.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let marker = try #require(text.range(of: "<!-- example-definition -->\n```json\n"))
        let end = try #require(text.range(of: "\n```", range: marker.upperBound..<text.endIndex))
        let definition = try InstrumentDefinition.load(data: Data(text[marker.upperBound..<end.lowerBound].utf8), file: "kind-practice.json")
        #expect(definition.scales.map { definition.measureID(of: $0) } == ["kind-practice.total", "kind-practice.kindness", "kind-practice.harshness"])

        let csv = try CSVDocument(parsing: "participant,timepoint,item1,item2,item3,item4,item5,item6\nP1,pre,4,0,3,1,4,2\n")
        let report = try InstrumentScorer.score(document: csv, instrument: definition)
        // 4 + (4 − 0) + 3 + (4 − 1) + 4 + (4 − 2) = 20; kindness (4 + 3 + 4) / 3; harshness (0 + 1 + 2) / 3.
        #expect(report.scores.map(\.score) == [20, 11.0 / 3.0, 1])
        #expect(report.scores[0].band == "high")
        #expect(report.riskFlags.isEmpty)   // item 6 = 2 is below its threshold of 3
    }
}
