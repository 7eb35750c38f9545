import Foundation
import Testing
@testable import TendCore
import TendResources

/// A small valid programme as file texts, keyed by path inside the programme folder.
private func minimalFiles() -> [String: String] {
    [
        "programme.md": """
        ---
        id: demo
        title: Demo
        summary: A demo.
        audience: Anyone.
        delivery: scheduled-group
        arm: intervention
        versions:
          - id: two
            title: Two sessions
            sessions: [1, 2]
        ---
        Welcome.
        """,
        "sessions/01-first.md": """
        ---
        number: 1
        title: First
        minutes: 90
        format: group
        summary: The first.
        segments:
          - kind: settling-in
            minutes: 10
            exercise: breath
          - kind: psychoeducation
            minutes: 35
          - kind: break
            minutes: 15
          - kind: experiential
            minutes: 20
            exercise: breath
          - kind: homework
            minutes: 10
        homework:
          - title: Breathe
            detail: Once a day.
            exercise: breath
        handouts: [sheet]
        ---
        Teaching.
        """,
        "sessions/02-second.md": """
        ---
        number: 2
        title: Second
        minutes: 60
        format: group
        summary: The second.
        segments:
          - kind: homework-review
            minutes: 20
          - kind: experiential
            minutes: 40
            exercise: breath
        ---
        More teaching.
        """,
        "exercises/breath.md": """
        ---
        id: breath
        title: Breath
        kind: breathing
        minutes: 10
        summary: Breathing.
        ---
        You can stop at any time. Breathe.
        """,
        "handouts/sheet.md": """
        ---
        id: sheet
        title: Sheet
        kind: worksheet
        ---
        Write here.
        """,
    ]
}

private func source(_ files: [String: String], folder: String = "demo") throws -> ProgrammeSource {
    func doc(_ path: String) throws -> ContentDocument {
        try ProgrammeCatalog.parse(files[path]!, file: "\(folder)/\(path)").get()
    }
    let keys = files.keys.sorted()
    return ProgrammeSource(folder: folder, programme: try doc("programme.md"),
                           sessions: try keys.filter { $0.hasPrefix("sessions/") }.map(doc),
                           exercises: try keys.filter { $0.hasPrefix("exercises/") }.map(doc),
                           handouts: try keys.filter { $0.hasPrefix("handouts/") }.map(doc))
}

private func issues(_ files: [String: String]) throws -> [ProgrammeIssue] {
    buildIssues([try source(files)])
}

private func buildIssues(_ sources: [ProgrammeSource]) -> [ProgrammeIssue] {
    do {
        _ = try ProgrammeBuilder.build(sources)
        return []
    } catch {
        return error.issues
    }
}

private func edit(_ files: [String: String], _ path: String, _ old: String, _ new: String) -> [String: String] {
    var copy = files
    precondition(copy[path]!.contains(old), "\(old) not in \(path)")
    copy[path] = copy[path]!.replacingOccurrences(of: old, with: new)
    return copy
}

@Suite("Programme validation: every problem names the file, the line and the field")
struct ProgrammeValidationTests {
    @Test("The minimal programme is valid and reads as written")
    func valid() throws {
        let p = try ProgrammeBuilder.build(try source(minimalFiles()))
        #expect(p.id == "demo" && p.sessions.count == 2 && p.exercises.map(\.id) == ["breath"])
        #expect(p.sessions[0].segments.map(\.minutes) == [10, 35, 15, 20, 10])
        #expect(p.sessions[0].homework.first?.exercise == "breath")
        #expect(p.totalMinutes(of: p.defaultVersion) == 150)
        #expect(p.participantPack(for: p.defaultVersion).map(\.id) == ["sheet"])
        #expect(p.exercises[0].script == "You can stop at any time. Breathe.")
        #expect(p.introduction == "Welcome.")
    }

    @Test("An unknown field is named with its line and a likely correction")
    func unknownField() throws {
        let found = try issues(edit(minimalFiles(), "sessions/01-first.md", "format: group\n", "format: group\nsumary: typo\n"))
        #expect(found.count == 1)
        #expect(found[0].file == "demo/sessions/01-first.md")
        #expect(found[0].line == 6)
        #expect(found[0].field == "sumary")
        #expect(found[0].message.contains("unknown field") && found[0].message.contains("did you mean \"summary\""))
        #expect(found[0].description.hasPrefix("demo/sessions/01-first.md:6: sumary: unknown field"))
    }

    @Test("An unknown field inside a segment is named by its path")
    func unknownNestedField() throws {
        let found = try issues(edit(minimalFiles(), "sessions/02-second.md", "  - kind: homework-review\n    minutes: 20\n", "  - kind: homework-review\n    minutes: 20\n    colour: blue\n"))
        #expect(found.map(\.field) == ["segments[0].colour"])
        #expect(found[0].line == 10)
    }

    @Test("A missing field is named, on the line of the fields it belongs to")
    func missingField() throws {
        let found = try issues(edit(minimalFiles(), "exercises/breath.md", "title: Breath\n", ""))
        #expect(found.count == 1)
        #expect(found[0].file == "demo/exercises/breath.md" && found[0].field == "title" && found[0].line == 2)
        #expect(found[0].message.contains("is missing"))
    }

    @Test("Minutes that do not add up say by how much, short or over")
    func minutesShort() throws {
        let short = try issues(edit(minimalFiles(), "sessions/01-first.md", "  - kind: psychoeducation\n    minutes: 35", "  - kind: psychoeducation\n    minutes: 30"))
        #expect(short.count == 1)
        #expect(short[0].field == "segments" && short[0].line == 7)
        #expect(short[0].message.contains("add up to 85 minutes, 5 minutes short of the 90 minutes given on line 4"))
        let over = try issues(edit(minimalFiles(), "sessions/02-second.md", "minutes: 40", "minutes: 41"))
        #expect(over.count == 1 && over[0].message.contains("61 minutes, 1 minute over the 60 minutes"))
    }

    @Test("A reference to an exercise that does not exist names the segment and suggests the nearest id")
    func unknownExercise() throws {
        let found = try issues(edit(minimalFiles(), "sessions/02-second.md", "    exercise: breath", "    exercise: breth"))
        #expect(found.count == 1)
        #expect(found[0].field == "segments[1].exercise" && found[0].line == 12)
        #expect(found[0].message.contains("no exercise has the id \"breth\" (did you mean \"breath\"?)"))
        let homework = try issues(edit(minimalFiles(), "sessions/01-first.md", "    exercise: breath\nhandouts", "    exercise: nothing\nhandouts"))
        #expect(homework.map(\.field) == ["homework[0].exercise"])
    }

    @Test("Unknown handouts and session numbers are named")
    func unknownReferences() throws {
        let handout = try issues(edit(minimalFiles(), "sessions/01-first.md", "handouts: [sheet]", "handouts: [sheet, leaflet]"))
        #expect(handout.map(\.field) == ["handouts[1]"])
        let version = try issues(edit(minimalFiles(), "programme.md", "sessions: [1, 2]", "sessions: [1, 2, 3]"))
        #expect(version.count == 1 && version[0].field == "versions[0].sessions[2]" && version[0].file == "demo/programme.md")
        #expect(version[0].message.contains("no session or module has the number 3"))
    }

    @Test("Duplicate ids and numbers are reported with both places")
    func duplicates() throws {
        var files = minimalFiles()
        files["exercises/breath-2.md"] = files["exercises/breath.md"]
        let exercise = try issues(files)
        // Files are read in name order, so breath-2.md comes first and breath.md is the duplicate.
        #expect(exercise.contains { $0.file == "demo/exercises/breath.md" && $0.field == "id" && $0.line == 2 && $0.message.contains("is also the id of demo/exercises/breath-2.md") })
        #expect(exercise.contains { $0.file == "demo/exercises/breath-2.md" && $0.message.contains("does not match the file name") })
        var sessions = minimalFiles()
        sessions["sessions/01-again.md"] = sessions["sessions/01-first.md"]
        let numbers = try issues(sessions)
        #expect(numbers.contains { $0.file == "demo/sessions/01-first.md" && $0.field == "number" && $0.line == 2 && $0.message.contains("is also the number of demo/sessions/01-again.md") })
        let versions = try issues(edit(minimalFiles(), "programme.md", "    sessions: [1, 2]\n", "    sessions: [1, 2]\n  - id: two\n    title: Again\n    sessions: [1]\n"))
        #expect(versions.map(\.field) == ["versions[1].id"])
        let keys = try issues(edit(minimalFiles(), "programme.md", "title: Demo\n", "title: Demo\ntitle: Demo again\n"))
        #expect(keys.count == 1 && keys[0].line == 4 && keys[0].message.contains("written twice (first on line 3)"))
    }

    @Test("Names must agree: folder and programme id, file and exercise id, file prefix and session number")
    func names() throws {
        let folder = try issues(edit(minimalFiles(), "programme.md", "id: demo", "id: other"))
        #expect(folder.count == 1 && folder[0].field == "id" && folder[0].message.contains("folder name \"demo\""))
        let session = try issues(edit(minimalFiles(), "sessions/02-second.md", "number: 2", "number: 3"))
        #expect(session.contains { $0.field == "number" && $0.message.contains("start with 03-") })
        let badID = try issues(edit(minimalFiles(), "handouts/sheet.md", "id: sheet", "id: Sheet One"))
        #expect(badID.contains { $0.field == "id" && $0.message.contains("lower-case letters") })
    }

    @Test("Segment rules: exercises fit their segment, exercise segments name one, breaks hold none")
    func segmentRules() throws {
        let long = try issues(edit(minimalFiles(), "exercises/breath.md", "minutes: 10", "minutes: 25"))
        // Session 1's settling-in (10) and experiential (20) segments are too short; session 2's 40 is enough.
        #expect(long.map(\.field) == ["segments[0].exercise", "segments[3].exercise"])
        #expect(long.allSatisfy { $0.message.contains("takes 25 minutes but this segment has") })
        let noExercise = try issues(edit(minimalFiles(), "sessions/02-second.md", "    minutes: 40\n    exercise: breath", "    minutes: 40"))
        #expect(noExercise.map(\.field) == ["segments[1].exercise"])
        let breakExercise = try issues(edit(minimalFiles(), "sessions/01-first.md", "  - kind: break\n    minutes: 15", "  - kind: break\n    minutes: 15\n    exercise: breath"))
        #expect(breakExercise.map(\.field) == ["segments[2].exercise"])
    }

    @Test("Wrong types and values are named with what was expected")
    func types() throws {
        let text = try issues(edit(minimalFiles(), "sessions/01-first.md", "minutes: 90", "minutes: ninety"))
        #expect(text.contains { $0.field == "minutes" && $0.line == 4 && $0.message.contains("expected a whole number of minutes") })
        let kind = try issues(edit(minimalFiles(), "sessions/02-second.md", "kind: homework-review", "kind: homework review"))
        #expect(kind.contains { $0.field == "segments[0].kind" && $0.message.contains("did you mean \"homework-review\"") })
        let format = try issues(edit(minimalFiles(), "sessions/02-second.md", "format: group", "format: daily"))
        #expect(format.contains { $0.field == "format" && $0.message.contains("does not suit a scheduled-group programme") })
        let days = try issues(edit(minimalFiles(), "sessions/02-second.md", "format: group\n", "format: group\ndays: 3\n"))
        #expect(days.map(\.field) == ["days"])
    }

    @Test("Broken YAML gives the file line of the problem")
    func yamlSyntax() throws {
        let text = minimalFiles()["exercises/breath.md"]!.replacingOccurrences(of: "title: Breath", with: "title: [Breath")
        guard case .failure(let error) = ProgrammeCatalog.parse(text, file: "demo/exercises/breath.md") else {
            Issue.record("expected a YAML error")
            return
        }
        #expect(error.issues.count == 1)
        #expect(error.issues[0].field == "(front matter)" && error.issues[0].message.contains("not valid YAML"))
        #expect((3...4).contains(error.issues[0].line ?? 0))
        guard case .failure(let missing) = ProgrammeCatalog.parse("no front matter", file: "x.md") else {
            Issue.record("expected an error")
            return
        }
        #expect(missing.issues[0].line == 1 && missing.issues[0].message.contains("must start with a line `---`"))
    }

    @Test("A control must match its programme's structure and weighting")
    func controlMatching() throws {
        var control = minimalFiles()
        control["programme.md"] = control["programme.md"]!
            .replacingOccurrences(of: "id: demo", with: "id: demo-control")
            .replacingOccurrences(of: "arm: intervention", with: "arm: control\ncontrol:\n  kind: relaxation\n  matches: demo\n  matching: weighting")
        let matched = try ProgrammeBuilder.build([try source(minimalFiles()), try source(control, folder: "demo-control")])
        #expect(matched.map(\.id) == ["demo", "demo-control"])

        // Same minutes, different weighting: 5 minutes moved from teaching to discussion.
        let reweighted = edit(control, "sessions/01-first.md", "  - kind: psychoeducation\n    minutes: 35", "  - kind: psychoeducation\n    minutes: 30\n  - kind: discussion\n    minutes: 5")
        let weighting = buildIssues([try source(minimalFiles()), try source(reweighted, folder: "demo-control")])
        #expect(weighting.count == 2)
        for issue in weighting {
            #expect(issue.file == "demo-control/programme.md")
            #expect(issue.field == "control")
            #expect(issue.line == 8)
        }
        #expect(weighting.first?.message.contains("gives 30 minutes to psychoeducation but demo's gives 35") == true)
        // Matching by time only accepts the reweighted control.
        let timeOnly = edit(reweighted, "programme.md", "matching: weighting", "matching: time")
        #expect(throws: Never.self) { try ProgrammeBuilder.build([try source(minimalFiles()), try source(timeOnly, folder: "demo-control")]) }

        let missing = edit(control, "programme.md", "matches: demo", "matches: nothing")
        #expect(buildIssues([try source(missing, folder: "demo-control")]).map(\.field) == ["control.matches"])
    }

    @Test("Loading a folder from disk names files relative to it, and reports stray files and folders")
    func loadFromDisk() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tend-programme-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var files = edit(minimalFiles(), "sessions/02-second.md", "minutes: 40", "minutes: 45")
        files["exercise/typo.md"] = "---\nid: typo\n---\nx"
        files["sessions/notes.txt"] = "notes"
        for (path, text) in files {
            let url = root.appendingPathComponent("demo").appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        do {
            _ = try ProgrammeCatalog.load(directory: root)
            Issue.record("expected errors")
        } catch {
            let found = error.issues
            #expect(found.contains { $0.file == "demo/exercise/" && $0.message.contains("unexpected folder") })
            #expect(found.contains { $0.file == "demo/sessions/notes.txt" && $0.message.contains("only Markdown") })
            #expect(found.contains { $0.file == "demo/sessions/02-second.md" && $0.line == 7 && $0.message.contains("5 minutes over") })
        }
        // One programme folder works as well as a folder of them.
        try FileManager.default.removeItem(at: root.appendingPathComponent("demo/exercise"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("demo/sessions/notes.txt"))
        try minimalFiles()["sessions/02-second.md"]!.write(to: root.appendingPathComponent("demo/sessions/02-second.md"), atomically: true, encoding: .utf8)
        #expect(try ProgrammeCatalog.load(directory: root.appendingPathComponent("demo")).map(\.id) == ["demo"])
        #expect(try ProgrammeCatalog.load(directory: root).map(\.id) == ["demo"])
    }
}

@Suite("Programme validation: one problem is reported once")
struct ProgrammeValidationCascadeTests {
    @Test("An exercise file with broken YAML is reported once, not again at every session that uses it")
    func brokenExerciseReportedOnce() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tend-programme-cascade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var files = minimalFiles()
        files["exercises/breath.md"] = files["exercises/breath.md"]!.replacingOccurrences(of: "summary: Breathing.", with: "summary: Breathing: slow and steady.")
        for (path, text) in files {
            let url = root.appendingPathComponent("demo").appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        do {
            _ = try ProgrammeCatalog.load(directory: root)
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues.first?.file == "demo/exercises/breath.md")
            #expect(error.issues.first?.line == 6)
            #expect(error.issues.first?.message.contains("not valid YAML") == true)
        }
    }
}
