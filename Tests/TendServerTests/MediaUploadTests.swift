import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Staff upload recordings for programme exercises: checked by content and size as they arrive,
/// stored under names from ids, listed, played on the item's page, and deleted with an audit entry.
@Suite("Media library uploads")
struct MediaUploadTests {
    @Test("An admin's MP3 upload is stored under its id, listed, and played on its page with the transcript")
    func adminUpload() async throws {
        try await MediaFixtures.withMediaApp { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let bytes = MediaFixtures.mp3(40_000)
            let id = try await MediaFixtures.uploadRecording(admin, bytes: bytes, title: "Arriving <read by Sam>",
                                                             transcript: "Find a comfortable position.\n\nNotice the chair beneath you.")
            let item = try #require(try await MediaItemModel.find(id, on: app.db))
            #expect(item.format == .mp3)
            #expect(item.kind == .audio)
            #expect(item.contentType == "audio/mpeg")
            #expect(item.byteCount == Int64(bytes.count))
            #expect(item.programmeID == "compassionate-living-pain")
            #expect(item.exerciseID == "arriving")
            #expect(item.storageKey == id.uuidString.lowercased() + ".mp3")
            let stored = try Data(contentsOf: URL(fileURLWithPath: directory + "/media/" + item.storageKey))
            #expect(Array(stored) == bytes)
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)

            let list = try await admin.get("/media")
            #expect(list.status == .ok)
            #expect(list.text.contains("Arriving &lt;read by Sam&gt;"))
            #expect(list.text.contains("MP3 audio"))
            #expect(list.text.contains("Arriving (Compassionate"))

            let page = try await admin.get("/media/" + id.uuidString.lowercased())
            #expect(page.status == .ok)
            #expect(page.text.contains("<audio class=\"media-player__media\" controls=\"controls\" preload=\"metadata\""))
            #expect(page.text.contains("<source src=\"/media/\(id.uuidString.lowercased())/file\" type=\"audio/mpeg\""))
            #expect(!page.text.contains("autoplay"))
            #expect(page.text.contains("<p>Notice the chair beneath you.</p>"))

            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == .mediaUploaded).all()
            #expect(audit.count == 1)
            #expect(audit.first?.subjectID == id)
        }
    }

    @Test("A facilitator can upload; the upload form lists each programme's exercises")
    func facilitatorUpload() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            let form = try await facilitator.get("/media")
            #expect(form.text.contains("enctype=\"multipart/form-data\""))
            #expect(form.text.contains("<option value=\"compassionate-living-pain/arriving\""))
            _ = try await MediaFixtures.uploadRecording(facilitator)
            #expect(try await MediaItemModel.query(on: app.db).count() == 1)
        }
    }

    @Test("A file whose first bytes are not a recording is refused, whatever its name, and the form keeps its fields")
    func wrongType() async throws {
        try await MediaFixtures.withMediaApp { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let pdf = Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0x20, count: 3_000)
            let response = try await MediaFixtures.upload(admin, [
                .field("title", "Body scan"), .field("exercise", MediaFixtures.exercise),
                .field("transcript", "Breathe in, and out."), .file(pdf, filename: "body-scan.mp3", contentType: "audio/mpeg"),
            ])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("The file must be an MP4, M4A, WebM, MP3, Ogg or WAV recording"))
            #expect(response.text.contains("value=\"Body scan\""))
            #expect(response.text.contains("<option value=\"compassionate-living-pain/arriving\" selected=\"selected\""))
            #expect(response.text.contains("Breathe in, and out.</textarea>"))
            #expect(try await MediaItemModel.query(on: app.db).count() == 0)
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)
        }
    }

    @Test("A file over the configured maximum is refused with 413 and the limit in words; nothing is left behind")
    func tooLarge() async throws {
        try await MediaFixtures.withMediaApp({ $0.media.sizeRule = .init(maximumMegabytes: 1) }) { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let response = try await MediaFixtures.upload(admin, [
                .field("title", "Long practice"), .field("exercise", MediaFixtures.exercise),
                .file(MediaFixtures.mp3(1_048_576)),
            ])
            #expect(response.status == .payloadTooLarge)
            #expect(response.text.contains("The file must be 1 MB or smaller"))
            #expect(response.text.contains("value=\"Long practice\""))
            #expect(try await MediaItemModel.query(on: app.db).count() == 0)
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)
            let media = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/media")) ?? []
            #expect(media.filter { $0 != ".staging" }.isEmpty)
        }
    }

    @Test("A body far beyond the maximum gets 413 with the fields kept and nothing stored")
    func farTooLarge() async throws {
        try await MediaFixtures.withMediaApp({ $0.media.sizeRule = .init(maximumMegabytes: 1) }) { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let response = try await MediaFixtures.upload(admin, [
                .field("title", "Whole course"), .field("exercise", MediaFixtures.exercise),
                .file(MediaFixtures.mp3(6 * 1_048_576)), .field("transcript", "after the file"),
            ])
            #expect(response.status == .payloadTooLarge)
            #expect(response.text.contains("The file must be 1 MB or smaller"))
            #expect(response.text.contains("value=\"Whole course\""))
            #expect(try await MediaItemModel.query(on: app.db).count() == 0)
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)
        }
    }

    @Test("An empty upload names the title, the exercise and the file")
    func emptyForm() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let response = try await MediaFixtures.upload(admin, [
                .field("title", " "), .field("exercise", ""), .field("transcript", ""), .file([], filename: "", contentType: "application/octet-stream"),
            ])
            #expect(response.status == .unprocessableEntity)
            for message in ["Enter a title for the recording", "Choose the programme exercise this recording is for",
                            "Choose an audio or video file to upload"] {
                #expect(response.text.contains(message), "missing \(message)")
            }
            #expect(response.text.contains("<title>Error: Media library"))
        }
    }

    @Test("An exercise that is not in the catalogue is refused")
    func unknownExercise() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let response = try await MediaFixtures.upload(admin, [
                .field("title", "Arriving"), .field("exercise", "compassionate-living-pain/../../etc"), .file(MediaFixtures.mp3()),
            ])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Choose the programme exercise this recording is for"))
        }
    }

    @Test("An upload without the CSRF token, or with it after the file, is refused before anything is stored")
    func csrf() async throws {
        try await MediaFixtures.withMediaApp { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let missing = try await MediaFixtures.upload(admin, [
                .field("title", "Arriving"), .field("exercise", MediaFixtures.exercise), .file(MediaFixtures.mp3()),
            ], csrf: "")
            #expect(missing.status == .forbidden)
            let late = try await MediaFixtures.upload(admin, [
                .field("title", "Arriving"), .field("exercise", MediaFixtures.exercise), .file(MediaFixtures.mp3()),
                .field("csrf", admin.csrf ?? ""),
            ], csrf: "")
            #expect(late.status == .forbidden)
            let wrong = try await MediaFixtures.upload(admin, [.file(MediaFixtures.mp3())], csrf: "not-the-token")
            #expect(wrong.status == .forbidden)
            #expect(try await MediaItemModel.query(on: app.db).count() == 0)
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)
        }
    }

    @Test("A body that is not a multipart form gets a clear message")
    func notMultipart() async throws {
        try await MediaFixtures.withMediaApp { app, _ in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/media")
            let response = try await admin.post("/media", ["title": "Arriving"])
            #expect(response.status == .badRequest)
            #expect(response.text.contains("The upload did not arrive as a form with a file"))
        }
    }

    @Test("Participants and researchers can neither see the library, upload nor delete")
    func participantsCannotUploadOrDelete() async throws {
        try await MediaFixtures.withMediaApp { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let id = try await MediaFixtures.uploadRecording(admin)
            for role in [Role.participant, .researcher] {
                let browser = Browser(app)
                let user = try await Fixtures.user(role, email: "\(role.rawValue)-media@example.org", on: app)
                try await browser.get("/login")
                let signIn = try await browser.post("/login", ["email": user.email, "password": Fixtures.password])
                try await browser.get(signIn.location ?? "/")
                #expect(try await browser.get("/media").status == .forbidden)
                #expect(try await browser.get("/media/" + id.uuidString.lowercased()).status == .forbidden)
                let upload = try await MediaFixtures.upload(browser, [
                    .field("title", "Mine"), .field("exercise", MediaFixtures.exercise), .file(MediaFixtures.mp3()),
                ])
                #expect(upload.status == .forbidden)
                let delete = try await browser.post("/media/\(id.uuidString.lowercased())/delete", [:])
                #expect(delete.status == .forbidden)
            }
            #expect(try await MediaItemModel.query(on: app.db).count() == 1)
            #expect(MediaFixtures.stagedFiles(in: directory).isEmpty)
        }
    }

    @Test("Deleting a recording removes its file and its row, and is audited")
    func delete() async throws {
        try await MediaFixtures.withMediaApp { app, directory in
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let id = try await MediaFixtures.uploadRecording(admin)
            let key = try #require(try await MediaItemModel.find(id, on: app.db)).storageKey
            #expect(FileManager.default.fileExists(atPath: directory + "/media/" + key))
            let facilitator = try await Fixtures.signedIn(.facilitator, on: app)
            try await facilitator.get("/media/" + id.uuidString.lowercased())
            let response = try await facilitator.post("/media/\(id.uuidString.lowercased())/delete", [:])
            #expect(response.status == .seeOther)
            #expect(response.location == "/media")
            #expect(try await MediaItemModel.find(id, on: app.db) == nil)
            #expect(!FileManager.default.fileExists(atPath: directory + "/media/" + key))
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == .mediaDeleted).all()
            #expect(audit.count == 1)
            #expect(audit.first?.subjectID == id)
            #expect(try await facilitator.get("/media/" + id.uuidString.lowercased()).status == .notFound)
        }
    }
}
