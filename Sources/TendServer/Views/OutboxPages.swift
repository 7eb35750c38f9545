import Foundation

/// The reminder outbox page for admins.
enum OutboxPages {
    struct DeadLetter: Sendable, Equatable {
        var id: UUID
        var channel: OutboxChannel
        /// Already masked.
        var recipient: String
        var due: Date
        var attempts: Int
        var lastError: String?
    }

    /// What the last retry did, carried in the redirect.
    enum Notice: String, Sendable {
        case retried
        case unchanged
    }

    /// Enough of an address to tell messages apart, not enough to read it: `a•••@example.org` for
    /// e-mail, `+4•••23` for a webhook target.
    static func mask(_ recipient: String, channel: OutboxChannel) -> String {
        let dots = "•••"
        if channel == .email, let at = recipient.lastIndex(of: "@"), at != recipient.startIndex {
            return String(recipient[recipient.startIndex]) + dots + String(recipient[at...])
        }
        guard recipient.count > 6 else { return dots }
        return String(recipient.prefix(2)) + dots + String(recipient.suffix(2))
    }

    static func statusLabel(_ status: OutboxStatus) -> String {
        switch status {
        case .pending: return "Waiting to be sent"
        case .claimed: return "Being sent now"
        case .sent: return "Sent"
        case .dead: return "Failed for good (dead letters)"
        }
    }

    static func channelLabel(_ channel: OutboxChannel) -> String {
        switch channel {
        case .email: return "E-mail"
        case .webhook: return "Text message (webhook)"
        }
    }

    static func page(viewer: Viewer, counts: [OutboxStatus: Int], deadLetters: [DeadLetter], hasMore: Bool,
                     notice: Notice?, csrf: String) -> String {
        Layout.page(title: "Reminders and notifications", viewer: viewer, csrf: csrf, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.home.path], [.text("Administration")])]),
            .el("h1", [:], [.text("Reminders and notifications")]),
            notice.map(noticePanel) ?? .empty,
            .el("p", ["class": "lead"], [.text("Reminders and check-in replies go out by e-mail and text message from a queue. A message that fails is tried again, waiting longer each time; after the last try it becomes a dead letter and waits for you here.")]),
            .el("section", ["aria-labelledby": "queue-heading"], [
                .el("h2", ["id": "queue-heading"], [.text("The queue")]),
                .el("dl", ["class": "summary-list", "id": "outbox-counts"], OutboxStatus.allCases.flatMap { status -> [Markup] in
                    [.el("dt", [:], [.text(statusLabel(status))]), .el("dd", ["data-status": status.rawValue], [.txt(String(counts[status] ?? 0))])]
                }),
            ]),
            .el("section", ["aria-labelledby": "dead-heading"], [
                .el("h2", ["id": "dead-heading"], [.text("Dead letters")]),
                deadLetters.isEmpty ? .el("p", [:], [.text("None: every message has been sent or is still being tried.")]) : .group([
                    .el("p", [:], [.text("Addresses are partly hidden. Retrying puts the message back in the queue with a fresh set of tries; fix the cause first (the relay, the gateway, the address).")]),
                    deadTable(deadLetters, csrf: csrf),
                    hasMore ? .el("p", [:], [.txt("Showing the \(deadLetters.count) most recently due.")]) : .empty,
                ]),
            ]),
        ])
    }

    private static func noticePanel(_ notice: Notice) -> Markup {
        switch notice {
        case .retried:
            return .el("div", ["class": "notice notice--success", "role": "status"], [
                .el("p", [:], [.text("The message is back in the queue and will be sent on the worker's next pass.")]),
            ])
        case .unchanged:
            return .el("div", ["class": "notice", "role": "status"], [
                .el("p", [:], [.text("That message was no longer a dead letter (someone may have retried it already), so nothing changed.")]),
            ])
        }
    }

    private static func deadTable(_ rows: [DeadLetter], csrf: String) -> Markup {
        .el("div", ["class": "table-scroll", "role": "region", "aria-label": "Dead letters", "tabindex": "0"], [
            .el("table", ["class": "table"], [
                .el("caption", ["class": "visually-hidden"], [.text("Dead letters")]),
                .el("thead", [:], [.el("tr", [:], [
                    .el("th", ["scope": "col"], [.text("To")]),
                    .el("th", ["scope": "col"], [.text("Channel")]),
                    .el("th", ["scope": "col"], [.text("Due")]),
                    .el("th", ["scope": "col"], [.text("Tries")]),
                    .el("th", ["scope": "col"], [.text("Last error")]),
                    .el("th", ["scope": "col"], [.text("Action")]),
                ])]),
                .el("tbody", [:], rows.map { row in
                    .el("tr", [:], [
                        .el("th", ["scope": "row"], [.txt(row.recipient)]),
                        .el("td", [:], [.txt(channelLabel(row.channel))]),
                        .el("td", ["class": "nowrap"], [.txt(Layout.format(row.due))]),
                        .el("td", [:], [.txt(String(row.attempts))]),
                        .el("td", [:], [.txt(row.lastError ?? "–")]),
                        .el("td", [:], [
                            .el("form", ["method": "post", "action": SiteURL.adminOutboxRetry(.value(row.id)).path, "class": "inline-form"], [
                                Layout.csrfInput(csrf),
                                .el("button", ["type": "submit", "class": "button button--quiet"], [
                                    .text("Retry"),
                                    .el("span", ["class": "visually-hidden"], [.txt(" the message to \(row.recipient) due \(Layout.format(row.due))")]),
                                ]),
                            ]),
                        ]),
                    ])
                }),
            ]),
        ])
    }
}
