import Foundation
import Testing
import TendCore
@testable import TendServer

/// The player other pages place above an exercise's script.
@Suite("Media player view")
struct MediaPlayerViewTests {
    static func item(kind: MediaSlot.Kind, format: MediaFormat, transcript: String? = nil) -> MediaItem {
        MediaItem(id: UUID(uuidString: "6f1c2d3e-0000-4000-8000-000000000001")!, title: "Soothing <rhythm> breathing",
                  kind: kind, format: format, contentType: format.contentType, byteCount: 1_000,
                  programmeID: "compassionate-living-pain", exerciseID: "arriving", transcript: transcript)
    }

    static func render(_ markup: Markup) -> String { markup.html }

    @Test("Audio gets an <audio> player with controls, metadata preload, no autoplay, and an accessible name")
    func audio() {
        let html = Self.render(MediaViews.player(for: Self.item(kind: .audio, format: .mp3), transcript: nil))
        #expect(html.contains("<audio class=\"media-player__media\" controls=\"controls\" preload=\"metadata\" aria-labelledby=\"media-6f1c2d3e-0000-4000-8000-000000000001-title\">"))
        #expect(html.contains("<figcaption id=\"media-6f1c2d3e-0000-4000-8000-000000000001-title\" class=\"media-player__title\">Soothing &lt;rhythm&gt; breathing</figcaption>"))
        #expect(html.contains("<source src=\"/media/6f1c2d3e-0000-4000-8000-000000000001/file\" type=\"audio/mpeg\"/>")
                || html.contains("<source src=\"/media/6f1c2d3e-0000-4000-8000-000000000001/file\" type=\"audio/mpeg\">"))
        #expect(!html.contains("autoplay"))
        #expect(!html.contains("<video"))
    }

    @Test("Without a transcript the player says the written script covers the same practice")
    func noTranscript() {
        let audio = Self.render(MediaViews.player(for: Self.item(kind: .audio, format: .ogg), transcript: "  \n "))
        #expect(audio.contains("The written script below covers the same practice"))
        #expect(audio.contains("as well as, listening."))
        #expect(!audio.contains("<details"))
        let video = Self.render(MediaViews.player(for: Self.item(kind: .video, format: .webm), transcript: nil))
        #expect(video.contains("<video class=\"media-player__media\" controls=\"controls\" preload=\"metadata\""))
        #expect(video.contains("as well as, watching."))
    }

    @Test("A transcript is shown in paragraphs, escaped, under a summary naming the recording")
    func transcript() {
        let html = Self.render(MediaViews.player(for: Self.item(kind: .video, format: .mp4),
                                                 transcript: "Breathe in <slowly>.\nAnd out.\n\nNotice your feet."))
        #expect(html.contains("<summary>Transcript of Soothing &lt;rhythm&gt; breathing</summary>"))
        #expect(html.contains("<p>Breathe in &lt;slowly&gt;. And out.</p><p>Notice your feet.</p>"))
        #expect(!html.contains("covers the same practice"))
    }
}

/// `TEND_MEDIA_MAX_MB` and the `TEND_S3_` variables.
@Suite("Media configuration")
struct MediaConfigurationTests {
    @Test("Defaults: 500 MB, the data directory")
    func defaults() throws {
        let configuration = try MediaConfiguration.fromEnvironment([:])
        #expect(configuration.sizeRule.maximumBytes == 500 * 1_048_576)
        #expect(configuration.storage == .dataDirectory)
    }

    @Test("A maximum and a complete S3 configuration are read")
    func s3() throws {
        let configuration = try MediaConfiguration.fromEnvironment([
            "TEND_MEDIA_MAX_MB": "200", "TEND_S3_ENDPOINT": "http://127.0.0.1:9000/", "TEND_S3_BUCKET": "tend-media",
            "TEND_S3_ACCESS_KEY_ID": "key", "TEND_S3_SECRET_ACCESS_KEY": "secret",
        ])
        #expect(configuration.sizeRule.maximumBytes == 200 * 1_048_576)
        #expect(configuration.storage == .s3(S3Settings(endpoint: URL(string: "http://127.0.0.1:9000")!, bucket: "tend-media",
                                                        region: "us-east-1", accessKeyID: "key", secretAccessKey: "secret")))
    }

    @Test("Bad values name the variable and what was expected")
    func errors() {
        #expect(throws: ConfigurationError.self) { try MediaConfiguration.fromEnvironment(["TEND_MEDIA_MAX_MB": "0"]) }
        do {
            _ = try MediaConfiguration.fromEnvironment(["TEND_S3_ENDPOINT": "https://s3.example.org"])
            Issue.record("an endpoint without a bucket should be refused")
        } catch {
            #expect(error.variable == "TEND_S3_BUCKET")
        }
        do {
            _ = try MediaConfiguration.fromEnvironment(["TEND_S3_ENDPOINT": "s3.example.org", "TEND_S3_BUCKET": "b"])
            Issue.record("an endpoint without a scheme should be refused")
        } catch {
            #expect(error.variable == "TEND_S3_ENDPOINT")
        }
    }
}
