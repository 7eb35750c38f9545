import Foundation

/// Turns parsed programme folders into ``Programme`` values, checking every rule and naming the file,
/// line and field of each problem.
///
/// Rules (each reported, not just the first):
/// - every required field is present, no unknown field is written, values have the right type;
/// - ids are lower-case letters, digits and hyphens; the programme id equals its folder name; an exercise's
///   or handout's id equals its file name; a session file is named `NN-…md` after its number;
/// - no two sessions share a number, no two exercises or handouts an id, no two versions an id;
/// - each session's segment minutes add up to its minutes (the error says by how much they differ);
/// - a segment's exercise fits in it, settling-in, experiential and practice segments name an exercise,
///   breaks do not;
/// - every referenced exercise, handout and session number exists;
/// - session formats and `days` suit the programme's delivery mode;
/// - a control arm's programme exists and matches it in time (and in weighting when asked).
public enum ProgrammeBuilder {
    /// Builds and checks several programmes, including the rules between them (unique ids, controls).
    public static func build(_ sources: [ProgrammeSource]) throws(ProgrammeContentError) -> [Programme] {
        let log = IssueLog()
        var built: [(programme: Programme, source: ProgrammeSource, controlLine: Int)] = []
        for source in sources {
            log.append(contentsOf: source.readingIssues)
            // programme.md could not be read or parsed: that issue is enough.
            if source.readingIssues.contains(where: { $0.file == source.programme.file }) { continue }
            let before = log.issues.count
            if let programme = buildOne(source, log: log), log.issues.count == before {
                built.append((programme, source, controlLine(source)))
            }
        }
        var seen: [String: String] = [:]
        for entry in built {
            if let other = seen[entry.programme.id] {
                log.add(entry.source.programme.file, nil, "id", "\"\(entry.programme.id)\" is also the id of \(other); programme ids must be unique")
            }
            seen[entry.programme.id] = entry.source.programme.file
        }
        for entry in built {
            guard let control = entry.programme.control else { continue }
            let file = entry.source.programme.file
            guard let target = built.first(where: { $0.programme.id == control.matches })?.programme else {
                log.add(file, entry.controlLine, "control.matches", "no programme has the id \"\(control.matches)\"; expected the id of the programme this control is matched to")
                continue
            }
            for issue in controlMismatches(entry.programme, target: target, matching: control.matching) {
                log.add(file, entry.controlLine, "control", issue)
            }
        }
        guard log.isEmpty else { throw ProgrammeContentError(sorted(log.issues)) }
        return built.map(\.programme).sorted { $0.id < $1.id }
    }

    /// Builds and checks one programme on its own (a control's match is not checked).
    public static func build(_ source: ProgrammeSource) throws(ProgrammeContentError) -> Programme {
        let log = IssueLog()
        log.append(contentsOf: source.readingIssues)
        let programme = source.readingIssues.contains(where: { $0.file == source.programme.file }) ? nil : buildOne(source, log: log)
        guard log.isEmpty, let programme else { throw ProgrammeContentError(sorted(log.issues)) }
        return programme
    }

    static func sorted(_ issues: [ProgrammeIssue]) -> [ProgrammeIssue] {
        issues.enumerated().sorted { a, b in
            if a.element.file != b.element.file { return a.element.file < b.element.file }
            if (a.element.line ?? 0) != (b.element.line ?? 0) { return (a.element.line ?? 0) < (b.element.line ?? 0) }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func controlLine(_ source: ProgrammeSource) -> Int {
        guard case .mapping(let pairs, let line) = source.programme.frontMatter else { return 1 }
        return pairs.first { $0.key == "control" }?.keyLine ?? line
    }

    static let idPattern = "lower-case letters, digits and hyphens (e.g. \"soothing-breath\")"

    static func isValidID(_ id: String) -> Bool {
        guard let first = id.first, first.isLetter || first.isNumber, id.last != "-" else { return false }
        return id.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    static func stem(_ file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return name.hasSuffix(".md") ? String(name.dropLast(3)) : name
    }

    // MARK: - One programme

    static func buildOne(_ source: ProgrammeSource, log: IssueLog) -> Programme? {
        let doc = source.programme
        guard let r = MappingReader(doc.frontMatter, file: doc.file, path: "", log: log, what: "the programme's fields") else { return nil }
        let id = r.string("id", expected: idPattern)
        if let id {
            if !isValidID(id) { log.add(doc.file, r.lineOf("id"), "id", "\"\(id)\" is not allowed; expected \(idPattern)") }
            if id != source.folder { log.add(doc.file, r.lineOf("id"), "id", "\"\(id)\" does not match the folder name \"\(source.folder)\"; rename one so they are equal") }
        }
        let title = r.string("title")
        let summary = r.string("summary")
        let audience = r.string("audience")
        let delivery = r.choice("delivery", Programme.DeliveryMode.self)
        let format = r.string("format", required: false)
        let arm = r.choice("arm", Programme.Arm.self)
        var control: ControlArm?
        if let c = r.mapping("control", what: "the control's fields (kind, matches, matching)") {
            let kind = c.choice("kind", ControlArm.Kind.self)
            let matches = c.string("matches", expected: "the id of the programme this control is matched to")
            let matching = c.choice("matching", ControlArm.Matching.self)
            c.finish()
            if let kind, let matches, let matching { control = ControlArm(kind: kind, matches: matches, matching: matching) }
        }
        if arm == .control && !r.present("control") {
            log.add(doc.file, r.lineOf("arm"), "control", "is missing; a control arm must say its kind, the programme it matches and how (control: kind, matches, matching)")
        }
        if arm == .intervention && r.present("control") {
            log.add(doc.file, r.lineOf("control"), "control", "is only for `arm: control`; remove it or change the arm")
        }
        var versions: [(version: ProgrammeVersion, line: Int, field: String)] = []
        for item in r.list("versions", required: true, expected: "a list of versions (id, title, sessions)") {
            guard let v = MappingReader(item.node, file: doc.file, path: item.field, log: log, what: "a version (id, title, sessions)") else { continue }
            let vid = v.string("id", expected: idPattern)
            if let vid, !isValidID(vid) { log.add(doc.file, v.lineOf("id"), v.field("id"), "\"\(vid)\" is not allowed; expected \(idPattern)") }
            let vtitle = v.string("title")
            let vsummary = v.string("summary", required: false)
            var numbers: [Int] = []
            for n in v.list("sessions", required: true, expected: "a list of session or module numbers in delivery order") {
                if let k = MappingReader.int(n.node, file: doc.file, field: n.field, range: 1...999, expected: "a session number", log: log) {
                    if numbers.contains(k) { log.add(doc.file, n.node.line, n.field, "session \(k) is listed twice in this version") }
                    numbers.append(k)
                }
            }
            v.finish()
            if let vid, let vtitle { versions.append((ProgrammeVersion(id: vid, title: vtitle, summary: vsummary, sessionNumbers: numbers), v.line, item.field)) }
        }
        r.finish()
        var versionIDs: [String: Int] = [:]
        for v in versions {
            if let first = versionIDs[v.version.id] {
                log.add(doc.file, v.line, v.field + ".id", "\"\(v.version.id)\" is also the id of the version on line \(first); version ids must be unique")
            }
            versionIDs[v.version.id] = v.line
        }

        let exercises = buildExercises(source.exercises, log: log)
        let handouts = buildHandouts(source.handouts, log: log)
        let sessions = buildSessions(source.sessions, delivery: delivery, exercises: exercises, handouts: handouts,
                                     declaredExercises: declaredIDs(source.exercises).union(unreadableStems(source, folder: "exercises")),
                                     declaredHandouts: declaredIDs(source.handouts).union(unreadableStems(source, folder: "handouts")), log: log)

        let numbers = Set(sessions.map(\.session.number))
        for v in versions {
            for (index, n) in v.version.sessionNumbers.enumerated() where !numbers.contains(n) {
                log.add(doc.file, v.line, "\(v.field).sessions[\(index)]", "no session or module has the number \(n); the programme has \(numbers.sorted().map(String.init).joined(separator: ", "))")
            }
        }
        if source.sessions.isEmpty {
            log.add(doc.file, nil, "(folder)", "the programme has no sessions; expected files sessions/NN-title.md (or modules/NN-title.md)")
        }
        if doc.body.isEmpty {
            log.add(doc.file, doc.bodyLine, "(body)", "is empty; expected a welcome text in Markdown after the front matter")
        }

        guard let id, let title, let summary, let audience, let delivery, let arm, !versions.isEmpty else { return nil }
        return Programme(id: id, title: title, summary: summary, audience: audience, delivery: delivery, format: format,
                         arm: arm, control: control, versions: versions.map(\.version),
                         sessions: sessions.map(\.session).sorted { $0.number < $1.number },
                         exercises: exercises.map(\.exercise), handouts: handouts.map(\.handout), introduction: doc.body)
    }

    // MARK: - Exercises and handouts

    static func buildExercises(_ docs: [ContentDocument], log: IssueLog) -> [(exercise: Exercise, file: String)] {
        var out: [(Exercise, String)] = []
        var ids: [String: String] = [:]
        for doc in docs {
            guard let r = MappingReader(doc.frontMatter, file: doc.file, path: "", log: log, what: "the exercise's fields") else { continue }
            let id = fileID(r, doc: doc, log: log, seen: &ids, kind: "exercise")
            let title = r.string("title")
            let kind = r.choice("kind", Exercise.Kind.self)
            let minutes = r.int("minutes", range: 1...240)
            let summary = r.string("summary")
            let recording = mediaSlot(r.mapping("recording", what: "a recording slot (kind, title, minutes)"))
            let transcript = r.string("transcript", required: false)
            r.finish()
            if doc.body.isEmpty {
                log.add(doc.file, doc.bodyLine, "(body)", "is empty; expected the written script of the exercise in Markdown after the front matter")
            }
            if let id, let title, let kind, let minutes, let summary, !doc.body.isEmpty {
                out.append((Exercise(id: id, title: title, kind: kind, minutes: minutes, summary: summary, recording: recording,
                                     script: doc.body, transcript: transcript), doc.file))
            }
        }
        return out
    }

    /// Reads a content file's `id` and checks it: allowed characters, equal to the file name, unique among
    /// the files of its kind (`seen` maps ids to the file that used them first).
    static func fileID(_ r: MappingReader, doc: ContentDocument, log: IssueLog, seen: inout [String: String], kind: String) -> String? {
        let id = r.string("id", expected: idPattern)
        if let id {
            if !isValidID(id) { log.add(doc.file, r.lineOf("id"), "id", "\"\(id)\" is not allowed; expected \(idPattern)") }
            if id != stem(doc.file) { log.add(doc.file, r.lineOf("id"), "id", "\"\(id)\" does not match the file name \"\(stem(doc.file)).md\"; rename one so they are equal") }
            if let other = seen[id] { log.add(doc.file, r.lineOf("id"), "id", "\"\(id)\" is also the id of \(other); \(kind) ids must be unique") }
            seen[id] = doc.file
        }
        return id
    }

    static func mediaSlot(_ r: MappingReader?) -> MediaSlot? {
        guard let r else { return nil }
        let kind = r.choice("kind", MediaSlot.Kind.self)
        let title = r.string("title")
        let minutes = r.int("minutes", required: false, range: 1...600)
        r.finish()
        guard let kind, let title else { return nil }
        return MediaSlot(kind: kind, title: title, minutes: minutes)
    }

    static func buildHandouts(_ docs: [ContentDocument], log: IssueLog) -> [(handout: Handout, file: String)] {
        var out: [(Handout, String)] = []
        var ids: [String: String] = [:]
        for doc in docs {
            guard let r = MappingReader(doc.frontMatter, file: doc.file, path: "", log: log, what: "the handout's fields") else { continue }
            let id = fileID(r, doc: doc, log: log, seen: &ids, kind: "handout")
            let title = r.string("title")
            let kind = r.choice("kind", Handout.Kind.self)
            r.finish()
            if doc.body.isEmpty {
                log.add(doc.file, doc.bodyLine, "(body)", "is empty; expected the handout's text in Markdown after the front matter")
            }
            if let id, let title, let kind, !doc.body.isEmpty {
                out.append((Handout(id: id, title: title, kind: kind, body: doc.body), doc.file))
            }
        }
        return out
    }

    // MARK: - Sessions

    /// The ids written in files, whether or not the files are otherwise valid (so that a broken exercise
    /// is reported once, not again at every reference to it).
    static func declaredIDs(_ docs: [ContentDocument]) -> Set<String> {
        Set(docs.compactMap { doc in
            guard case .mapping(let pairs, _) = doc.frontMatter,
                  case .scalar(let id, _, _)? = pairs.first(where: { $0.key == "id" })?.value else { return nil }
            return id.trimmingCharacters(in: .whitespaces)
        })
    }

    /// The file names (without `.md`) of files in `folder` that could not be read or parsed: their ids are
    /// taken to be their names, so references to them are not reported a second time.
    static func unreadableStems(_ source: ProgrammeSource, folder: String) -> Set<String> {
        Set(source.readingIssues.map(\.file).filter { $0.contains("/\(folder)/") && $0.hasSuffix(".md") }.map(stem))
    }

    static func buildSessions(_ docs: [ContentDocument], delivery: Programme.DeliveryMode?,
                              exercises: [(exercise: Exercise, file: String)], handouts: [(handout: Handout, file: String)],
                              declaredExercises: Set<String> = [], declaredHandouts: Set<String> = [],
                              log: IssueLog) -> [(session: Session, file: String)] {
        let exerciseByID = Dictionary(exercises.map { ($0.exercise.id, $0.exercise) }, uniquingKeysWith: { a, _ in a })
        let handoutIDs = Set(handouts.map(\.handout.id))
        func knownExercises() -> String {
            exerciseByID.isEmpty ? "there are no exercise files" : "known exercises: " + exerciseByID.keys.sorted().joined(separator: ", ")
        }
        var out: [(Session, String)] = []
        var numbers: [Int: String] = [:]
        for doc in docs {
            guard let r = MappingReader(doc.frontMatter, file: doc.file, path: "", log: log, what: "the session's fields") else { continue }
            let number = r.int("number", range: 1...999, expected: "the session or module number")
            if let number {
                let prefix = stem(doc.file).prefix { $0.isNumber }
                if Int(prefix) != number {
                    log.add(doc.file, r.lineOf("number"), "number", "\(number) does not match the file name \"\(stem(doc.file)).md\"; expected the name to start with \(String(format: "%02d", number))-")
                }
                if let other = numbers[number] { log.add(doc.file, r.lineOf("number"), "number", "\(number) is also the number of \(other); numbers must be unique") }
                numbers[number] = doc.file
            }
            let title = r.string("title")
            let minutes = r.int("minutes", range: 1...600)
            let format = r.choice("format", Session.Format.self)
            let days = r.int("days", required: false, range: 1...366, expected: "a whole number of days")
            let summary = r.string("summary")

            if let format, let delivery {
                let allowed: [Session.Format]
                switch delivery {
                case .scheduledGroup: allowed = [.group, .oneToOne]
                case .weeklySelfHelp: allowed = [.selfHelp]
                case .dailyPractice: allowed = [.daily]
                }
                if !allowed.contains(format) {
                    log.add(doc.file, r.lineOf("format"), "format", "\"\(format.rawValue)\" does not suit a \(delivery.rawValue) programme; expected \(allowed.map { "\"\($0.rawValue)\"" }.joined(separator: " or "))")
                }
                if delivery == .dailyPractice && days == nil && !r.present("days") {
                    log.add(doc.file, r.line, "days", "is missing; a daily-practice module must say on how many days it is the day's practice")
                }
                if delivery != .dailyPractice && r.present("days") {
                    log.add(doc.file, r.lineOf("days"), "days", "is only for daily-practice modules; remove it")
                }
            }

            var segments: [Segment] = []
            var segmentsComplete = true
            let segmentItems = r.list("segments", required: true, expected: "a list of segments (kind, minutes)")
            for item in segmentItems {
                guard let s = MappingReader(item.node, file: doc.file, path: item.field, log: log, what: "a segment (kind, minutes)") else { segmentsComplete = false; continue }
                let kind = s.choice("kind", Segment.Kind.self)
                let stitle = s.string("title", required: false)
                let sminutes = s.int("minutes", range: 1...600)
                let exercise = s.string("exercise", required: false, expected: "an exercise id")
                let notes = s.string("notes", required: false)
                s.finish()
                if let kind {
                    if kind.needsExercise && exercise == nil && !s.present("exercise") {
                        log.add(doc.file, s.line, s.field("exercise"), "is missing; a \(kind.rawValue) segment must name the exercise it guides (\(knownExercises()))")
                    }
                    if kind.forbidsExercise && exercise != nil {
                        log.add(doc.file, s.lineOf("exercise"), s.field("exercise"), "a \(kind.rawValue) segment cannot hold an exercise; remove it")
                    }
                }
                if let exercise {
                    if let ex = exerciseByID[exercise] {
                        if let sminutes, ex.minutes > sminutes {
                            log.add(doc.file, s.lineOf("exercise"), s.field("exercise"), "\"\(exercise)\" takes \(ex.minutes) minutes but this segment has \(sminutes); lengthen the segment or shorten the exercise")
                        }
                    } else if !declaredExercises.contains(exercise) {
                        log.add(doc.file, s.lineOf("exercise"), s.field("exercise"), "no exercise has the id \"\(exercise)\"" + (closest(exercise, among: Array(exerciseByID.keys)).map { " (did you mean \"\($0)\"?)" } ?? "") + "; \(knownExercises())")
                    }
                }
                if let kind, let sminutes {
                    segments.append(Segment(kind: kind, title: stitle, minutes: sminutes, exercise: exercise, notes: notes))
                } else {
                    segmentsComplete = false
                }
            }
            if let minutes, segmentsComplete, !segments.isEmpty {
                let sum = segments.reduce(0) { $0 + $1.minutes }
                if sum != minutes {
                    let diff = abs(sum - minutes)
                    let direction = sum < minutes ? "\(diff) minute\(diff == 1 ? "" : "s") short of" : "\(diff) minute\(diff == 1 ? "" : "s") over"
                    log.add(doc.file, r.lineOf("segments"), "segments", "the segments add up to \(sum) minutes, \(direction) the \(minutes) minutes given on line \(r.lineOf("minutes")); make them equal")
                }
            }

            var homework: [Homework] = []
            for item in r.list("homework", expected: "a list of practice tasks (title, detail)") {
                guard let h = MappingReader(item.node, file: doc.file, path: item.field, log: log, what: "a practice task (title, detail)") else { continue }
                let htitle = h.string("title")
                let detail = h.string("detail")
                let exercise = h.string("exercise", required: false, expected: "an exercise id")
                let frequency = h.string("frequency", required: false)
                h.finish()
                if let exercise, exerciseByID[exercise] == nil, !declaredExercises.contains(exercise) {
                    log.add(doc.file, h.lineOf("exercise"), h.field("exercise"), "no exercise has the id \"\(exercise)\"" + (closest(exercise, among: Array(exerciseByID.keys)).map { " (did you mean \"\($0)\"?)" } ?? "") + "; \(knownExercises())")
                }
                if let htitle, let detail { homework.append(Homework(title: htitle, detail: detail, exercise: exercise, frequency: frequency)) }
            }

            var handoutRefs: [String] = []
            for ref in r.strings("handouts", expected: "a list of handout ids") {
                if !handoutIDs.contains(ref.value) && !declaredHandouts.contains(ref.value) {
                    let known = handoutIDs.isEmpty ? "there are no handout files" : "known handouts: " + handoutIDs.sorted().joined(separator: ", ")
                    log.add(doc.file, ref.line, ref.field, "no handout has the id \"\(ref.value)\"" + (closest(ref.value, among: Array(handoutIDs)).map { " (did you mean \"\($0)\"?)" } ?? "") + "; \(known)")
                }
                if handoutRefs.contains(ref.value) { log.add(doc.file, ref.line, ref.field, "\"\(ref.value)\" is listed twice") }
                handoutRefs.append(ref.value)
            }
            var media: [MediaSlot] = []
            for item in r.list("media", expected: "a list of recording slots (kind, title, minutes)") {
                if let slot = mediaSlot(MappingReader(item.node, file: doc.file, path: item.field, log: log, what: "a recording slot (kind, title, minutes)")) {
                    media.append(slot)
                }
            }
            r.finish()
            if doc.body.isEmpty {
                log.add(doc.file, doc.bodyLine, "(body)", "is empty; expected the session's written content in Markdown after the front matter")
            }
            if let number, let title, let minutes, let format, let summary {
                out.append((Session(number: number, title: title, minutes: minutes, format: format, days: days, summary: summary,
                                    segments: segments, homework: homework, handouts: handoutRefs, media: media, body: doc.body), doc.file))
            }
        }
        return out
    }

    // MARK: - Controls

    /// How `control` differs from `target` under the matching rule; empty when they match.
    public static func controlMismatches(_ control: Programme, target: Programme, matching: ControlArm.Matching) -> [String] {
        var problems: [String] = []
        if control.delivery != target.delivery {
            problems.append("is delivered as \(control.delivery.rawValue) but \(target.id) as \(target.delivery.rawValue); a matched control must be delivered the same way")
        }
        let controlVersions = control.versions.map(\.id)
        let targetVersions = target.versions.map(\.id)
        if controlVersions != targetVersions {
            problems.append("has versions \(controlVersions.joined(separator: ", ")) but \(target.id) has \(targetVersions.joined(separator: ", ")); a matched control has the same versions")
        }
        for version in target.versions {
            guard let mine = control.version(version.id) else { continue }
            let a = control.sessions(in: mine)
            let b = target.sessions(in: version)
            guard a.count == b.count else {
                problems.append("version \(version.id) has \(a.count) \(control.delivery.unitName)s but \(target.id) has \(b.count)")
                continue
            }
            for (position, (x, y)) in zip(a, b).enumerated() {
                let label = "version \(version.id), \(control.delivery.unitName) \(position + 1) (\(x.title))"
                if x.minutes != y.minutes {
                    problems.append("\(label) lasts \(x.minutes) minutes but \(target.id)'s lasts \(y.minutes)")
                }
                if (x.days ?? 1) != (y.days ?? 1) {
                    problems.append("\(label) runs for \(x.days ?? 1) days but \(target.id)'s for \(y.days ?? 1)")
                }
                if matching == .weighting {
                    let mx = x.minutesByKind, my = y.minutesByKind
                    for kind in Segment.Kind.allCases where mx[kind, default: 0] != my[kind, default: 0] {
                        problems.append("\(label) gives \(mx[kind, default: 0]) minutes to \(kind.rawValue) but \(target.id)'s gives \(my[kind, default: 0])")
                    }
                }
            }
        }
        return problems
    }
}
