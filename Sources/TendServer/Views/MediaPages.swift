import Foundation
import TendCore

/// The media library for staff: the list of recordings, the upload form, and one recording's page.
enum MediaPages {
    /// What was typed into the upload form, kept when it is sent back with a problem (the file itself
    /// cannot be kept: browsers never refill a file field).
    struct UploadForm: Sendable, Equatable {
        var title: String = ""
        var exercise: String? = nil
        var transcript: String = ""
    }

    /// The text fields' limits.
    static let titleLimit = 120
    static let transcriptLimit = 50_000

    static func exerciseLabel(_ item: MediaItem, choices: [MediaLibrary.ExerciseChoice]) -> String {
        if let choice = choices.first(where: { $0.programmeID == item.programmeID && $0.exerciseID == item.exerciseID }) {
            return choice.exerciseTitle + " (" + choice.programmeTitle + ")"
        }
        return item.exerciseID + " (" + item.programmeID + ", no longer in the programme)"
    }

    static func typeLabel(_ item: MediaItem) -> String { item.format.displayName }

    // MARK: Library

    static func library(viewer: Viewer, items: [MediaItem], choices: [MediaLibrary.ExerciseChoice], form: UploadForm,
                        errors: FormErrors, maximumBytes: Int64, csrf: String) -> String {
        Layout.page(title: "Media library", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Media library")]),
            .el("p", [:], [.text("Recordings your service has made for the programmes' guided exercises. Participants see a recording above the exercise's written script.")]),
            .el("section", ["aria-labelledby": "recordings-heading"], [
                .el("h2", ["id": "recordings-heading"], [.text("Recordings")]),
                items.isEmpty ? .el("p", [:], [.text("No recordings have been uploaded yet.")]) :
                    .el("div", ["class": "table-scroll", "role": "region", "aria-labelledby": "recordings-heading", "tabindex": "0"], [
                        .el("table", ["class": "table"], [
                            .el("caption", ["class": "visually-hidden"], [.text("Recordings in the media library")]),
                            .el("thead", [:], [.el("tr", [:], [
                                .el("th", ["scope": "col"], [.text("Title")]),
                                .el("th", ["scope": "col"], [.text("Kind")]),
                                .el("th", ["scope": "col"], [.text("Type")]),
                                .el("th", ["scope": "col"], [.text("Size")]),
                                .el("th", ["scope": "col"], [.text("Exercise")]),
                                .el("th", ["scope": "col"], [.text("Uploaded")]),
                            ])]),
                            .el("tbody", [:], items.map { item in
                                .el("tr", [:], [
                                    .el("th", ["scope": "row"], [.el("a", ["href": SiteURL.mediaItem(.value(item.id)).path], [.txt(item.title)])]),
                                    .el("td", [:], [.txt(item.kind == .video ? "Video" : "Audio")]),
                                    .el("td", [:], [.txt(typeLabel(item))]),
                                    .el("td", [:], [.txt(MediaSizeRule.describe(item.byteCount))]),
                                    .el("td", [:], [.txt(exerciseLabel(item, choices: choices))]),
                                    .el("td", [:], [.txt(uploadedText(item))]),
                                ])
                            }),
                        ]),
                    ]),
            ]),
            uploadSection(choices: choices, form: form, errors: errors, maximumBytes: maximumBytes, csrf: csrf),
        ])
    }

    static func uploadedText(_ item: MediaItem) -> String {
        let who = item.uploadedBy ?? "a former member of staff"
        guard let when = item.uploadedAt else { return "By " + who }
        return "By " + who + ", " + Layout.format(when)
    }

    private static func uploadSection(choices: [MediaLibrary.ExerciseChoice], form: UploadForm, errors: FormErrors,
                                      maximumBytes: Int64, csrf: String) -> Markup {
        .el("section", ["aria-labelledby": "upload-heading"], [
            .el("h2", ["id": "upload-heading"], [.text("Upload a recording")]),
            // The CSRF field comes first: the server checks it before it stores any of the file.
            .el("form", ["method": "post", "action": SiteURL.mediaLibrary.path, "enctype": "multipart/form-data", "novalidate": "novalidate"], [
                Layout.csrfInput(csrf),
                FormComponents.textField(.init(id: "title", label: "Title", value: form.title,
                                               hint: "What participants see above the player, like \"Soothing rhythm breathing, 8 minutes\".",
                                               autocomplete: "off"), errors: errors),
                exerciseSelect(choices: choices, selected: form.exercise, errors: errors),
                textArea(id: "transcript", label: "Transcript (optional)", value: form.transcript,
                         hint: "What the recording says, for people who would rather read. Leave blank if it follows the written script.",
                         errors: errors),
                fileField(maximumBytes: maximumBytes, errors: errors),
                FormComponents.submit("Upload recording"),
            ]),
        ])
    }

    private static func fieldStart(id: String, hint: String?, errors: FormErrors) -> (error: String?, describedBy: String?, hintNode: Markup, errorNode: Markup) {
        let error = errors.message(for: id)
        let hintID = hint == nil ? nil : id + "-hint"
        let errorID = error == nil ? nil : id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        let hintNode: Markup = hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty
        let errorNode: Markup = error.map { message in
            Markup.el("p", ["class": "error-message", "id": errorID], [.el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message)])
        } ?? .empty
        return (error, describedBy.isEmpty ? nil : describedBy, hintNode, errorNode)
    }

    private static func exerciseSelect(choices: [MediaLibrary.ExerciseChoice], selected: String?, errors: FormErrors) -> Markup {
        let parts = fieldStart(id: "exercise", hint: "The recording plays above this exercise's written script.", errors: errors)
        var programmes: [(String, [MediaLibrary.ExerciseChoice])] = []
        for choice in choices {
            if let index = programmes.firstIndex(where: { $0.0 == choice.programmeTitle }) {
                programmes[index].1.append(choice)
            } else {
                programmes.append((choice.programmeTitle, [choice]))
            }
        }
        let chooseOption: Markup = .el("option", ["value": "", "selected": selected == nil || selected == "" ? "selected" : nil],
                                       [.text("Choose an exercise")])
        let groups: [Markup] = programmes.map { programme -> Markup in
            let options: [Markup] = programme.1.map { choice -> Markup in
                let label = choice.exerciseTitle + (choice.kind.map { " (\($0.rawValue) planned)" } ?? "")
                return .el("option", ["value": choice.value, "selected": selected == choice.value ? "selected" : nil], [.txt(label)])
            }
            return .el("optgroup", ["label": programme.0], options)
        }
        return .el("div", ["class": parts.error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": "exercise"], [.text("Programme exercise")]),
            parts.hintNode, parts.errorNode,
            .el("select", ["class": parts.error == nil ? "select" : "select select--error", "id": "exercise", "name": "exercise",
                           "aria-describedby": parts.describedBy, "aria-invalid": parts.error == nil ? nil : "true"],
                [chooseOption] + groups),
        ])
    }

    private static func textArea(id: String, label: String, value: String, hint: String?, errors: FormErrors) -> Markup {
        let parts = fieldStart(id: id, hint: hint, errors: errors)
        return .el("div", ["class": parts.error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            parts.hintNode, parts.errorNode,
            .el("textarea", ["class": parts.error == nil ? "textarea" : "textarea textarea--error", "id": id, "name": id, "rows": "8",
                             "aria-describedby": parts.describedBy, "aria-invalid": parts.error == nil ? nil : "true"], [.txt(value)]),
        ])
    }

    private static func fileField(maximumBytes: Int64, errors: FormErrors) -> Markup {
        let hint = "MP4, M4A, WebM, MP3, Ogg or WAV, up to \(MediaSizeRule.describe(maximumBytes)). "
            + (errors.isEmpty ? "" : "Choose the file again: browsers do not keep a chosen file when a form comes back.")
        let parts = fieldStart(id: "file", hint: hint, errors: errors)
        return .el("div", ["class": parts.error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": "file"], [.text("Recording")]),
            parts.hintNode, parts.errorNode,
            .void("input", ["class": "file-input", "id": "file", "name": "file", "type": "file",
                            "accept": "audio/mp4,audio/mpeg,audio/ogg,audio/wav,audio/webm,video/mp4,video/webm,.mp3,.m4a,.mp4,.webm,.ogg,.oga,.wav",
                            "aria-describedby": parts.describedBy, "aria-invalid": parts.error == nil ? nil : "true"]),
        ])
    }

    // MARK: One recording

    static func item(viewer: Viewer, item: MediaItem, choices: [MediaLibrary.ExerciseChoice], csrf: String) -> String {
        Layout.page(title: item.title, viewer: viewer, csrf: csrf, content: [
            .el("p", [:], [.el("a", ["href": SiteURL.mediaLibrary.path], [.text("Back to the media library")])]),
            .el("h1", [:], [.txt(item.title)]),
            .el("dl", ["class": "summary-list"], [
                .el("dt", [:], [.text("Exercise")]), .el("dd", [:], [.txt(exerciseLabel(item, choices: choices))]),
                .el("dt", [:], [.text("Type")]), .el("dd", [:], [.txt(typeLabel(item))]),
                .el("dt", [:], [.text("Size")]), .el("dd", [:], [.txt(MediaSizeRule.describe(item.byteCount))]),
                .el("dt", [:], [.text("Uploaded")]), .el("dd", [:], [.txt(uploadedText(item))]),
            ]),
            .el("h2", [:], [.text("As participants see it")]),
            MediaViews.player(for: item),
            .el("h2", [:], [.text("Delete this recording")]),
            .el("p", [:], [.text("Participants will no longer see it; the exercise's written script stays. This cannot be undone.")]),
            FormComponents.form(action: SiteURL.mediaDelete(.value(item.id)).path, csrf: csrf, [
                .el("button", ["type": "submit", "class": "button button--warning"], [.text("Delete "), .txt(item.title)]),
            ]),
        ])
    }
}
