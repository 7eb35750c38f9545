import Foundation
import Testing
import TendCore
import TendResources

/// The built-in definitions against the facts in instruments.md (v3), and loading researchers' folders.
@Suite("Built-in instrument definitions")
struct InstrumentBuiltInDefinitionsTests {
    static let expectedIDs: Set<String> = [
        "scs-sf", "fscrs", "pseq", "ldq", "ocdus", "dass21", "gad7", "phq9", "peg3",
        "fcs-self", "fcs-from-others", "fcs-to-others", "pain", "craving", "mood",
    ]

    static func library() throws -> InstrumentLibrary { try InstrumentCatalog.builtIn() }

    @Test("every built-in JSON file loads and validates, one per expected instrument")
    func everyFileLoads() throws {
        let directory = try #require(InstrumentCatalog.builtInDirectory)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.expectedIDs.map { "\($0).json" }))
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let definition = try InstrumentDefinition.load(data: data, file: file)
            #expect(definition.id + ".json" == file)
            #expect(definition.validationIssues().isEmpty)
        }
        let library = try Self.library()
        #expect(Set(library.definitions.map(\.id)) == Self.expectedIDs)
        #expect(library.origin(of: "pseq") == "built-in pseq.json")
    }

    @Test("the measure ids the analysis uses all exist", arguments: [
        "scs-sf.total", "scs-sf.self-kindness", "fscrs.inadequate-self", "fscrs.hated-self", "fscrs.reassured-self",
        "dass21.depression", "dass21.depression-raw", "pseq.total", "ldq.total", "ocdus.total", "gad7.total",
        "phq9.total", "peg3.total", "pain.rating", "craving.rating", "mood.rating",
        "fcs-self.total", "fcs-from-others.total", "fcs-to-others.total",
    ])
    func measureExists(_ id: String) throws {
        let m = try #require(try Self.library().measure(id))
        #expect(m.id == id)
    }

    @Test("SCS-SF: 12 items 1–5, reverse 1, 4, 8, 9, 11, 12; subscales stored un-reversed")
    func scsSF() throws {
        let d = try #require(try Self.library().instrument("scs-sf"))
        #expect(d.itemCount == 12 && d.responseRange.min == 1 && d.responseRange.max == 5)
        #expect(d.reverseKeyed == [1, 4, 8, 9, 11, 12])
        let expected: [String: [Int]] = ["self-kindness": [2, 6], "self-judgment": [11, 12], "common-humanity": [5, 10],
                                         "isolation": [4, 8], "mindfulness": [3, 7], "over-identification": [1, 9]]
        for (id, items) in expected {
            let s = try #require(d.scale(id))
            #expect(s.items == items && s.rule == .mean && !s.appliesReverseKeys && s.family == "subscales")
        }
        #expect(d.scale("self-judgment")?.direction == .lowerIsBetter)
        #expect(d.scale("self-kindness")?.direction == .higherIsBetter)
        let total = try #require(d.scale("total"))
        #expect(total.appliesReverseKeys && total.rule == .mean && total.metric == "item-mean")
        #expect(d.scale("total-sum")?.metric == "sum")
        let m = try #require(try Self.library().measure("scs-sf.total"))
        #expect(m.defaultReliability.value == 0.83)
        #expect(m.preferredCriterion?.criterion == .c)
        guard case .notFound(let source, _) = m.functionalNorm else { Issue.record("Kotera & Sheffield values are NOT FOUND"); return }
        #expect(source.contains("Kotera") && source.contains("10.1007/s42399-020-00309-w"))
        #expect(m.bands.isEmpty)
    }

    @Test("FSCRS: 22 items 0–4, IS/HS/RS keys, both metrics as distinct measures, item 9 a risk item")
    func fscrs() throws {
        let library = try Self.library()
        let d = try #require(library.instrument("fscrs"))
        #expect(d.itemCount == 22 && d.responseRange.min == 0 && d.responseRange.max == 4 && d.reverseKeyed.isEmpty)
        #expect(d.riskItems.map(\.item) == [9])
        #expect(d.provisional != nil)
        let keys: [(String, [Int], Double, InstrumentDefinition.Direction)] = [
            ("inadequate-self", [1, 2, 4, 6, 7, 14, 17, 18, 20], 0.89, .lowerIsBetter),
            ("hated-self", [9, 10, 12, 15, 22], 0.87, .lowerIsBetter),
            ("reassured-self", [3, 5, 8, 11, 13, 16, 19, 21], 0.86, .higherIsBetter),
        ]
        for (id, items, alpha, direction) in keys {
            let sum = try #require(library.measure("fscrs.\(id)"))
            let mean = try #require(library.measure("fscrs.\(id)-mean"))
            #expect(d.scale(id)?.items == items && d.scale(id + "-mean")?.items == items)
            #expect(sum.metric == "sum" && sum.rule == .sum && mean.metric == "item-mean" && mean.rule == .mean)
            #expect(sum.defaultReliability.value == alpha && mean.defaultReliability.value == alpha)
            #expect(sum.direction == direction && mean.direction == direction)
            #expect(sum.preferredCriterion?.criterion == .c)
            #expect(sum.functionalNorm.norm == nil && sum.clinicalNorm.norm == nil)   // Baião 2015 values NOT FOUND
        }
        #expect(library.measure("fscrs.inadequate-self")?.scoreRange == .init(min: 0, max: 36))
        #expect(library.measure("fscrs.hated-self")?.scoreRange == .init(min: 0, max: 20))
        #expect(library.measure("fscrs.reassured-self")?.scoreRange == .init(min: 0, max: 32))
        #expect(d.scale("hated-self")?.missing.mustBeAnswered == [9])
    }

    @Test("PSEQ: sum 0–60, higher is better, α 0.88, criterion a, no non-clinical norms")
    func pseq() throws {
        let m = try #require(try Self.library().measure("pseq.total"))
        #expect(m.scoreRange == .init(min: 0, max: 60) && m.direction == .higherIsBetter)
        #expect(m.defaultReliability.value == 0.88)
        #expect(m.preferredCriterion?.criterion == .a)
        guard case .notFound(_, let note) = m.functionalNorm else { Issue.record("no non-clinical norms exist"); return }
        #expect(note.contains("No non-clinical norms exist"))
        guard case .notFound(_, let clinicalNote) = m.clinicalNorm else { Issue.record("ePPOC SD is NOT FOUND"); return }
        #expect(clinicalNote.contains("20.7") && clinicalNote.contains("SD was NOT FOUND"))
    }

    @Test("LDQ, OCDUS, DASS-21, GAD-7, PHQ-9, PEG-3: keys, bands and flags from the reference")
    func otherKeys() throws {
        let library = try Self.library()
        let ldq = try #require(library.instrument("ldq")?.scale("total"))
        #expect(ldq.missing.method == .prorateMean && ldq.missing.maxMissing == 2 && ldq.missing.basis == .published)
        #expect(ldq.bands.map(\.label) == ["low", "moderate", "severe"] && ldq.band(for: 10)?.label == "low")
        #expect(ldq.defaultReliability.value == 0.94)

        let ocdus = try #require(library.instrument("ocdus"))
        #expect(ocdus.scales.map(\.id) == ["total"] && ocdus.itemCount == 13)
        #expect(ocdus.provisional?.reason.contains("NOT FOUND") == true)
        #expect(library.measure("ocdus.total")?.provisional != nil)
        #expect(library.measure("ocdus.total")?.defaultReliability.value == nil)

        let dass = try #require(library.instrument("dass21"))
        #expect(dass.scale("depression")?.items == [3, 5, 10, 13, 16, 17, 21])
        #expect(dass.scale("anxiety")?.items == [2, 4, 7, 9, 15, 19, 20])
        #expect(dass.scale("stress")?.items == [1, 6, 8, 11, 12, 14, 18])
        #expect(dass.scale("depression")?.multiplier == 2 && dass.scale("depression-raw")?.multiplier == 1)
        #expect(dass.scale("depression-raw")?.bands.isEmpty == true)
        #expect(dass.riskItems.map(\.item) == [21])
        #expect(library.measure("dass21.stress")?.bands.map(\.min) == [0, 15, 19, 26, 34])
        #expect(library.measure("dass21.anxiety")?.bands.map(\.min) == [0, 8, 10, 15, 20])
        #expect(library.measure("dass21.depression")?.defaultReliability == .known(.init(
            value: 0.88, kind: .alpha, source: "Henry & Crawford (2005): D .88, A .82, S .90, total .93 (recalled, NOT verified in instruments.md v3).", verified: false)))

        let gad = try #require(library.measure("gad7.total"))
        #expect(gad.bands.map(\.min) == [0, 5, 10, 15] && gad.scoreRange.max == 21)
        #expect(gad.otherNorms.map(\.id).contains("hinz-2017-men"))
        #expect(gad.otherNorms.allSatisfy { !$0.norm.verified })

        let phq = try #require(library.instrument("phq9"))
        #expect(phq.riskItems.map(\.item) == [9] && phq.riskItems[0].atOrAbove == 1)
        #expect(phq.scale("total")?.missing.method == .requireAll)
        #expect(phq.scale("total")?.bands.map(\.min) == [0, 5, 10, 15, 20])

        let peg = try #require(library.measure("peg3.total"))
        #expect(peg.rule == .mean && peg.scoreRange == .init(min: 0, max: 10) && peg.direction == .lowerIsBetter)
    }

    @Test("FCS: three forms as three instruments of 15, 13 and 10 items, each one provisional sum")
    func fcs() throws {
        let library = try Self.library()
        for (id, count) in [("fcs-self", 15), ("fcs-from-others", 13), ("fcs-to-others", 10)] {
            let d = try #require(library.instrument(id))
            #expect(d.itemCount == count && d.scales.count == 1)
            #expect(d.scales[0].items == Array(1...count) && d.scales[0].rule == .sum)
            #expect(d.provisional != nil)
        }
    }

    @Test("single-item ratings 0–10: pain and craving lower is better, mood higher is better")
    func singleItems() throws {
        let library = try Self.library()
        for (id, direction) in [("pain", InstrumentDefinition.Direction.lowerIsBetter), ("craving", .lowerIsBetter), ("mood", .higherIsBetter)] {
            let m = try #require(library.measure("\(id).rating"))
            #expect(m.direction == direction && m.scoreRange == .init(min: 0, max: 10))
        }
    }

    @Test("no built-in default norm is a guess: every known default norm is verified")
    func noUnverifiedDefaults() throws {
        for m in try Self.library().measures {
            for reference in [m.clinicalNorm, m.functionalNorm] {
                if let norm = reference.norm { #expect(norm.verified, "\(m.id) has an unverified default norm") }
            }
        }
    }

    @Test("no item label is longer than five words")
    func labelsAreShort() throws {
        for d in try Self.library().definitions {
            for label in d.itemLabels ?? [] { #expect(label.split(separator: " ").count <= 5, "\(d.id): \(label)") }
        }
    }

    // MARK: - Researchers' folders

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tend-instruments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, _ name: String, in folder: URL) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    @Test("a researcher's folder adds instruments next to the built-in ones")
    func researcherFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let own = InstrumentFixture.pseqLike.replacingOccurrences(of: "\"id\": \"pseq\"", with: "\"id\": \"my-pseq\"")
        try write(own, "my-pseq.json", in: folder)
        try write("not a definition", "README.txt", in: folder)

        let combined = try InstrumentCatalog.load(directory: folder, includingBuiltIn: true)
        #expect(combined.instrument("my-pseq") != nil && combined.instrument("phq9") != nil)
        #expect(combined.origin(of: "my-pseq") == folder.appendingPathComponent("my-pseq.json").path)
        let alone = try InstrumentCatalog.load(directory: folder, includingBuiltIn: false)
        #expect(alone.definitions.map(\.id) == ["my-pseq"])
    }

    @Test("a folder file that redefines a built-in id is an error naming both files")
    func duplicateOfBuiltIn() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(InstrumentFixture.pseqLike, "pseq.json", in: folder)
        let path = folder.appendingPathComponent("pseq.json").path
        #expect(throws: InstrumentCatalogError.library(.duplicateInstrument(id: "pseq", firstOrigin: "built-in pseq.json", secondOrigin: path))) {
            try InstrumentCatalog.load(directory: folder, includingBuiltIn: true)
        }
        #expect(try InstrumentCatalog.load(directory: folder, includingBuiltIn: false).instrument("pseq") != nil)
    }

    @Test("a bad file in a folder is reported with its path and field; the id must match the file name")
    func badFolderFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(InstrumentFixture.pseqLike.replacingOccurrences(of: "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", with: "[1, 2, 3, 11, 5, 6, 7, 8, 9, 10]"), "pseq.json", in: folder)
        let path = folder.appendingPathComponent("pseq.json").path
        do {
            _ = try InstrumentCatalog.load(directory: folder, includingBuiltIn: false)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path): scales[0].items[3]: 11 is outside 1…10 (the instrument has 10 items)")
        }

        try FileManager.default.removeItem(atPath: path)
        try write(InstrumentFixture.pseqLike, "pain-efficacy.json", in: folder)
        do {
            _ = try InstrumentCatalog.load(directory: folder, includingBuiltIn: false)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasSuffix("pain-efficacy.json: id: \"pseq\" does not match the file name; expected \"pain-efficacy\", or rename the file to pseq.json"))
        }

        let missing = folder.appendingPathComponent("nowhere")
        #expect(throws: InstrumentCatalogError.notADirectory(missing.path)) {
            try InstrumentCatalog.load(directory: missing, includingBuiltIn: false)
        }
    }
}
