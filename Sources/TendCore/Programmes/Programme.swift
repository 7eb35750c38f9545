import Foundation

/// A curriculum: what a programme teaches, in which order, and how it is delivered.
///
/// Programmes are content, not code: they are written as Markdown files with YAML front matter (one folder
/// per programme, see `docs/programmes.md`), read by `TendResources`, and turned into this value by
/// ``ProgrammeBuilder``, which checks every rule and names the file, line and field of each problem.
public struct Programme: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case letters, digits and hyphens; the same as the programme's folder name.
    public var id: String
    public var title: String
    /// One or two sentences for a list of programmes.
    public var summary: String
    /// Who the programme is for, in plain words.
    public var audience: String
    public var delivery: DeliveryMode
    /// How people take part (for example "video call" or "website"), free text.
    public var format: String?
    public var arm: Arm
    /// Set when ``arm`` is ``Arm/control``: what kind of control, and which programme it is matched to.
    public var control: ControlArm?
    /// At least one; the first is the default.
    public var versions: [ProgrammeVersion]
    /// Every session or module, in number order. A version picks some of them.
    public var sessions: [Session]
    public var exercises: [Exercise]
    public var handouts: [Handout]
    /// The welcome text shown before the first session (Markdown).
    public var introduction: String

    public init(id: String, title: String, summary: String, audience: String, delivery: DeliveryMode,
                format: String? = nil, arm: Arm, control: ControlArm? = nil, versions: [ProgrammeVersion],
                sessions: [Session], exercises: [Exercise], handouts: [Handout], introduction: String) {
        self.id = id
        self.title = title
        self.summary = summary
        self.audience = audience
        self.delivery = delivery
        self.format = format
        self.arm = arm
        self.control = control
        self.versions = versions
        self.sessions = sessions
        self.exercises = exercises
        self.handouts = handouts
        self.introduction = introduction
    }

    /// How a programme reaches people.
    public enum DeliveryMode: String, Codable, Sendable, CaseIterable {
        /// Meetings at a fixed weekday and time, led by facilitators (in a room or on a video call).
        case scheduledGroup = "scheduled-group"
        /// One module a week on a weekday the participant chooses; every earlier module stays open.
        case weeklySelfHelp = "weekly-self-help"
        /// A short practice every day; each module is the practice for a number of days.
        case dailyPractice = "daily-practice"

        /// What one unit is called in this mode ("session", "module").
        public var unitName: String {
            switch self {
            case .scheduledGroup: return "session"
            case .weeklySelfHelp, .dailyPractice: return "module"
            }
        }
    }

    /// Whether the programme is the therapy being studied or a comparison for it.
    public enum Arm: String, Codable, Sendable, CaseIterable {
        case intervention
        case control
    }

    /// The version with this id, if there is one.
    public func version(_ id: String) -> ProgrammeVersion? { versions.first { $0.id == id } }

    /// The default version (the first one written).
    public var defaultVersion: ProgrammeVersion { versions[0] }

    public func session(number: Int) -> Session? { sessions.first { $0.number == number } }
    public func exercise(_ id: String) -> Exercise? { exercises.first { $0.id == id } }
    public func handout(_ id: String) -> Handout? { handouts.first { $0.id == id } }

    /// The sessions or modules of a version, in the order they are delivered.
    public func sessions(in version: ProgrammeVersion) -> [Session] {
        version.sessionNumbers.compactMap { session(number: $0) }
    }

    /// Minutes of a version from start to finish: the sum of its sessions' minutes, each daily module
    /// counted once per day it is practised.
    public func totalMinutes(of version: ProgrammeVersion) -> Int {
        sessions(in: version).reduce(0) { $0 + $1.minutes * ($1.days ?? 1) }
    }

    /// Days a daily-practice version lasts (the sum of its modules' days); nil for other modes.
    public func totalDays(of version: ProgrammeVersion) -> Int? {
        guard delivery == .dailyPractice else { return nil }
        return sessions(in: version).reduce(0) { $0 + ($1.days ?? 1) }
    }

    /// The exercises a version uses (in segments or homework), in order of first use.
    public func exercises(in version: ProgrammeVersion) -> [Exercise] {
        var seen: [String] = []
        for session in sessions(in: version) {
            for id in session.segments.compactMap(\.exercise) + session.homework.compactMap(\.exercise) where !seen.contains(id) {
                seen.append(id)
            }
        }
        return seen.compactMap { exercise($0) }
    }

    /// The participant pack of a version: every handout its sessions give out, in order of first use.
    public func participantPack(for version: ProgrammeVersion) -> [Handout] {
        var seen: [String] = []
        for session in sessions(in: version) {
            for id in session.handouts where !seen.contains(id) { seen.append(id) }
        }
        return seen.compactMap { handout($0) }
    }
}

/// A control arm: what it offers and which programme it is matched to.
public struct ControlArm: Codable, Sendable, Equatable {
    /// What the control offers instead of the therapy.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case relaxation
        case music
        case other
    }

    /// How closely the control must follow the programme it is matched to.
    public enum Matching: String, Codable, Sendable, CaseIterable {
        /// The same versions, the same number of sessions or modules, the same minutes (and days) each.
        case time
        /// As ``time``, and within each session the same minutes of each kind of segment
        /// (psychoeducation, experiential exercise, …).
        case weighting
    }

    public var kind: Kind
    /// The id of the programme this control is matched to.
    public var matches: String
    public var matching: Matching

    public init(kind: Kind, matches: String, matching: Matching) {
        self.kind = kind
        self.matches = matches
        self.matching = matching
    }
}

/// One way of running a programme, such as the 8-session or the 10-session version.
public struct ProgrammeVersion: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var summary: String?
    /// The numbers of the sessions or modules it delivers, in delivery order.
    public var sessionNumbers: [Int]

    public init(id: String, title: String, summary: String? = nil, sessionNumbers: [Int]) {
        self.id = id
        self.title = title
        self.summary = summary
        self.sessionNumbers = sessionNumbers
    }
}

/// A session of a group programme, or a module of a self-help or daily programme.
public struct Session: Codable, Sendable, Equatable {
    /// How a session is held.
    public enum Format: String, Codable, Sendable, CaseIterable {
        /// Everyone together with the facilitators.
        case group
        /// One participant with one facilitator, booked in the group's week.
        case oneToOne = "one-to-one"
        /// A module a participant works through alone.
        case selfHelp = "self-help"
        /// A module practised alone, a little every day.
        case daily
    }

    /// The content number (1, 2, …); a version may skip some numbers.
    public var number: Int
    public var title: String
    /// The length of one sitting: a group meeting, or one day's practice for a daily module.
    public var minutes: Int
    public var format: Format
    /// For daily-practice modules: on how many consecutive days this module is the day's practice.
    public var days: Int?
    public var summary: String
    /// What happens, in order; their minutes add up to ``minutes``.
    public var segments: [Segment]
    public var homework: [Homework]
    /// Ids of the handouts and worksheets given out in this session.
    public var handouts: [String]
    /// Recordings a service uploads for this session (a teaching video, say); the written text of the
    /// session is always shown beside them.
    public var media: [MediaSlot]
    /// The session's written content (Markdown): the teaching in words, so nothing depends on a video.
    public var body: String

    public init(number: Int, title: String, minutes: Int, format: Format, days: Int? = nil, summary: String,
                segments: [Segment], homework: [Homework] = [], handouts: [String] = [], media: [MediaSlot] = [],
                body: String) {
        self.number = number
        self.title = title
        self.minutes = minutes
        self.format = format
        self.days = days
        self.summary = summary
        self.segments = segments
        self.homework = homework
        self.handouts = handouts
        self.media = media
        self.body = body
    }

    /// Minutes spent on each kind of segment (a session's weighting of teaching and exercises).
    public var minutesByKind: [Segment.Kind: Int] {
        segments.reduce(into: [:]) { $0[$1.kind, default: 0] += $1.minutes }
    }
}

/// One part of a session, with its length.
public struct Segment: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Hello, introductions, ground rules.
        case welcome
        /// An informal check-in before the group proper (how the week went).
        case checkIn = "check-in"
        /// A short exercise to arrive and settle.
        case settlingIn = "settling-in"
        /// Talking through last week's practice.
        case homeworkReview = "homework-review"
        /// Teaching in plain words.
        case psychoeducation
        /// A guided exercise done together.
        case experiential
        /// Sharing and talking in the group.
        case discussion
        /// A comfort break.
        case `break`
        /// Agreeing the practice for the coming week.
        case homework
        /// A short ending.
        case closing
        /// Questionnaires (before and after a course, for example).
        case measures
        /// Watching a teaching video (its text is shown beside it).
        case video
        /// Reading a handout.
        case reading
        /// A practice done alone (audio with its written script).
        case practice
        /// Writing in a diary or journal.
        case journal
        /// Thinking or writing something through alone (a worksheet, a kind reply to a critical thought).
        case reflection

        /// Kinds that are built around one exercise and must name it.
        public var needsExercise: Bool {
            switch self {
            case .settlingIn, .experiential, .practice: return true
            default: return false
            }
        }

        /// Kinds that may not name an exercise.
        public var forbidsExercise: Bool { self == .break || self == .measures }
    }

    public var kind: Kind
    public var title: String?
    public var minutes: Int
    /// The id of the exercise this segment guides, if any.
    public var exercise: String?
    /// Guidance for facilitators, if any (Markdown).
    public var notes: String?

    public init(kind: Kind, title: String? = nil, minutes: Int, exercise: String? = nil, notes: String? = nil) {
        self.kind = kind
        self.title = title
        self.minutes = minutes
        self.exercise = exercise
        self.notes = notes
    }
}

/// Practice between sessions.
public struct Homework: Codable, Sendable, Equatable {
    public var title: String
    /// What to do, in plain words.
    public var detail: String
    /// The exercise to practise, if any.
    public var exercise: String?
    /// How often, in words ("once a day", "twice this week").
    public var frequency: String?

    public init(title: String, detail: String, exercise: String? = nil, frequency: String? = nil) {
        self.title = title
        self.detail = detail
        self.exercise = exercise
        self.frequency = frequency
    }
}

/// A guided exercise. Its written script is always shown beside any recording, so nothing depends on
/// hearing; a transcript of the recording can be added when a service records its own.
public struct Exercise: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case breathing
        case mindfulness
        case imagery
        case bodyScan = "body-scan"
        case relaxation
        case movement
        case writing
        case reflection
        case music
    }

    public var id: String
    public var title: String
    public var kind: Kind
    /// How long it takes when guided.
    public var minutes: Int
    public var summary: String
    /// The recording a service may upload for it (audio or video), if one is planned.
    public var recording: MediaSlot?
    /// The written script (Markdown): what a facilitator or recording says, in our own words.
    public var script: String
    /// The transcript of the service's own recording, when it differs from the script; nil until then.
    public var transcript: String?

    public init(id: String, title: String, kind: Kind, minutes: Int, summary: String, recording: MediaSlot? = nil,
                script: String, transcript: String? = nil) {
        self.id = id
        self.title = title
        self.kind = kind
        self.minutes = minutes
        self.summary = summary
        self.recording = recording
        self.script = script
        self.transcript = transcript
    }

    /// Shown with every exercise, whatever its script says.
    public static let stopAnyTimeNotice = "You can stop this exercise at any time. Open your eyes, move, or step away whenever you need to."
}

/// A handout, worksheet, booklet or slides outline (Markdown that prints cleanly).
public struct Handout: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case handout
        case worksheet
        case booklet
        case slides
        case diary
    }

    public var id: String
    public var title: String
    public var kind: Kind
    public var body: String

    public init(id: String, title: String, kind: Kind, body: String) {
        self.id = id
        self.title = title
        self.kind = kind
        self.body = body
    }
}

/// A place for a recording the service uploads (the file itself lives in the media store).
public struct MediaSlot: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case audio
        case video
    }

    public var kind: Kind
    public var title: String
    /// Expected length, if known.
    public var minutes: Int?

    public init(kind: Kind, title: String, minutes: Int? = nil) {
        self.kind = kind
        self.title = title
        self.minutes = minutes
    }
}
