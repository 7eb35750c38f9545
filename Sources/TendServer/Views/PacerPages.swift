import Foundation

/// The soothing-rhythm breathing pacer (`/my/pacer`).
enum PacerPages {
    /// The paces offered, in breaths a minute. The programmes' breathing exercises suggest breathing in
    /// for a count of about three or four and out for about the same; slowed a little, that is 5 to 6 breaths.
    static let paces = 4...8
    static let defaultPace = 6

    /// "5 seconds", "7.5 seconds": how long each half of a breath lasts at `bpm`.
    static func halfBreath(_ bpm: Int) -> String {
        let seconds = 30.0 / Double(bpm)
        let rounded = (seconds * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
        return text + (text == "1" ? " second" : " seconds")
    }

    static func paceWords(_ bpm: Int) -> String {
        "\(bpm) breaths a minute: breathe in for about \(halfBreath(bpm)), then out for about \(halfBreath(bpm))."
    }

    static func page(viewer: Viewer, bpm: Int, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Breathing pacer", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Soothing rhythm breathing")]),
            .el("p", ["class": "lead"], [.text("A quiet guide to a slower, steady breath. There is no sound. You can stop at any time.")]),
            .el("p", [:], [.text("If slow breathing makes you feel light-headed or uneasy, go back to breathing normally and simply rest. There is no right pace: choose the one that feels comfortable.")]),
            .el("section", ["aria-labelledby": "how-heading"], [
                .el("h2", ["id": "how-heading"], [.text("How to breathe at this pace")]),
                .el("p", ["data-pacer-status": "", "aria-live": "polite"], [.txt(paceWords(bpm))]),
                .el("ol", [:], [
                    .el("li", [:], [.text("Sit in a way that feels steady, with your back supported. Eyes open or closed, whichever feels better.")]),
                    .el("li", [:], [.txt("Breathe in gently for about \(halfBreath(bpm)), letting the breath go down towards the belly if that is comfortable.")]),
                    .el("li", [:], [.txt("Breathe out smoothly for about \(halfBreath(bpm)), as if letting go of a little weight.")]),
                    .el("li", [:], [.text("Carry on for a few minutes. If your mind wanders, kindly bring it back to the rhythm.")]),
                ]),
                .el("p", [:], [.text("The circle grows as you breathe in and shrinks as you breathe out. If your device is set to reduce motion, it stays still and its colour deepens as you breathe in and lightens as you breathe out. The words in the circle change too.")]),
            ]),
            paceForm(bpm: bpm, errors: errors),
            .el("div", ["class": "pacer pacer--bpm-\(bpm)", "data-pacer": "", "data-bpm": String(bpm)], [
                .el("div", ["class": "pacer-stage", "aria-hidden": "true"], [
                    .el("div", ["class": "pacer-circle"]),
                    .el("div", ["class": "pacer-cues"], [
                        .el("span", ["class": "pacer-cue pacer-cue--in"], [.text("Breathe in")]),
                        .el("span", ["class": "pacer-cue pacer-cue--out"], [.text("Breathe out")]),
                    ]),
                ]),
                .el("p", ["class": "visually-hidden", "data-pacer-announce": "", "aria-live": "polite"]),
                .el("div", ["class": "pacer-controls"], [
                    // Shown by pacer.js, which also starts and pauses the pacer; without it the circle simply runs.
                    .el("button", ["type": "button", "class": "button", "data-pacer-toggle": "", "hidden": "hidden"], [.text("Start")]),
                ]),
            ]),
        ], stylesheets: [SiteURL.pacerStylesheet.path], scripts: [SiteURL.pacerScript.path])
    }

    private static func paceForm(bpm: Int, errors: FormErrors) -> Markup {
        let error = errors.message(for: "bpm")
        return .el("form", ["method": "get", "action": SiteURL.myPacer.path, "data-pacer-form": ""], [
            .el("div", ["class": error == nil ? "field" : "field field--error"], [
                .el("label", ["class": "label", "for": "bpm"], [.text("Breaths per minute")]),
                .el("p", ["class": "hint", "id": "bpm-hint"], [.text("Fewer breaths a minute means slower, longer breaths. Many people settle at 5 or 6.")]),
                error.map { message in
                    Markup.el("p", ["class": "error-message", "id": "bpm-error"], [
                        .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                    ])
                } ?? .empty,
                .el("select", [
                    "class": error == nil ? "select" : "select select--error", "id": "bpm", "name": "bpm",
                    "aria-describedby": error == nil ? "bpm-hint" : "bpm-hint bpm-error",
                    "aria-invalid": error == nil ? nil : "true",
                ], paces.map { pace in
                    .el("option", ["value": String(pace), "selected": pace == bpm ? "selected" : nil], [
                        .txt("\(pace) (about \(halfBreath(pace)) in, \(halfBreath(pace)) out)"),
                    ])
                }),
            ]),
            .el("button", ["type": "submit", "class": "button button--secondary"], [.text("Set the pace")]),
        ])
    }
}
