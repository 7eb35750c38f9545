import Fluent
import Foundation
import TendCore
import TendResources

/// A stored recording as pages show it: enough to render a player and a row in the library.
struct MediaItem: Sendable, Equatable {
    var id: UUID
    var title: String
    var kind: MediaSlot.Kind
    var format: MediaFormat
    var contentType: String
    var byteCount: Int64
    var programmeID: String
    var exerciseID: String
    var transcript: String?
    var uploadedBy: String?
    var uploadedAt: Date?

    /// Where the player fetches the file (streamed, with byte ranges).
    var sourcePath: String { SiteURL.mediaFile(.value(id)).path }

    init(id: UUID, title: String, kind: MediaSlot.Kind, format: MediaFormat, contentType: String, byteCount: Int64,
         programmeID: String, exerciseID: String, transcript: String?, uploadedBy: String? = nil, uploadedAt: Date? = nil) {
        self.id = id
        self.title = title
        self.kind = kind
        self.format = format
        self.contentType = contentType
        self.byteCount = byteCount
        self.programmeID = programmeID
        self.exerciseID = exerciseID
        self.transcript = transcript
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }

    init(_ model: MediaItemModel) throws {
        self.init(id: try model.requireID(), title: model.title, kind: model.kind, format: model.format,
                  contentType: model.contentType, byteCount: model.byteCount, programmeID: model.programmeID,
                  exerciseID: model.exerciseID, transcript: model.transcript,
                  uploadedBy: model.$uploadedBy.value??.name, uploadedAt: model.createdAt)
    }
}

/// Looks up the recordings uploaded for programme exercises.
enum MediaLibrary {
    /// The recordings for one exercise of one programme, oldest first, for a page to place a player
    /// (``MediaViews/player(for:transcript:)``) above the exercise's written script.
    static func items(programmeID: String, exerciseID: String, on database: any Database) async throws -> [MediaItem] {
        try await MediaItemModel.query(on: database)
            .filter(\.$programmeID == programmeID)
            .filter(\.$exerciseID == exerciseID)
            .sort(\.$createdAt, .ascending)
            .all()
            .map(MediaItem.init)
    }

    /// The recordings for several exercises of one programme in one query, by exercise id, oldest first
    /// (for a session page with several exercises). Exercises without a recording are absent.
    static func items(programmeID: String, exerciseIDs: [String], on database: any Database) async throws -> [String: [MediaItem]] {
        guard !exerciseIDs.isEmpty else { return [:] }
        let items = try await MediaItemModel.query(on: database)
            .filter(\.$programmeID == programmeID)
            .filter(\.$exerciseID ~~ exerciseIDs)
            .sort(\.$createdAt, .ascending)
            .all()
            .map(MediaItem.init)
        return Dictionary(grouping: items, by: \.exerciseID)
    }

    /// Every recording, newest first, with who uploaded it.
    static func all(on database: any Database) async throws -> [MediaItem] {
        try await MediaItemModel.query(on: database).with(\.$uploadedBy)
            .sort(\.$createdAt, .descending)
            .all()
            .map(MediaItem.init)
    }

    /// An exercise a recording can be uploaded for: one of a built-in programme's exercises.
    struct ExerciseChoice: Sendable, Equatable {
        var programmeID: String
        var programmeTitle: String
        var exerciseID: String
        var exerciseTitle: String
        var kind: MediaSlot.Kind?

        /// The value of the form's select option.
        var value: String { programmeID + "/" + exerciseID }
    }

    /// Every exercise of every built-in programme, programme by programme.
    static func exerciseChoices(in programmes: [Programme] = (try? ProgrammeCatalog.builtIn()) ?? []) -> [ExerciseChoice] {
        programmes.flatMap { programme in
            programme.exercises.map {
                ExerciseChoice(programmeID: programme.id, programmeTitle: programme.title, exerciseID: $0.id,
                               exerciseTitle: $0.title, kind: $0.recording?.kind)
            }
        }
    }

    /// The choice a form value names, if it is one.
    static func choice(_ value: String, in choices: [ExerciseChoice]) -> ExerciseChoice? {
        choices.first { $0.value == value }
    }
}
