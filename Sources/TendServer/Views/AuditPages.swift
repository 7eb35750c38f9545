import Foundation

/// The admin's view of the audit trail.
enum AuditPages {
    struct Row: Sendable, Equatable {
        var occurredAt: Date
        var actorName: String?
        var actorRole: Role?
        var action: AuditAction
        var subject: String?
        /// For a data export: the number of rows it held.
        var rowCount: Int? = nil
    }

    static func trail(viewer: Viewer, rows: [Row], page: Int, hasMore: Bool, csrf: String) -> String {
        Layout.page(title: "Audit trail", viewer: viewer, csrf: csrf, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.home.path], [.text("Administration")])]),
            .el("h1", [:], [.text("Audit trail")]),
            .el("p", ["class": "lead"], [.text("Newest first. Entries record who did what and when; they hold no free text.")]),
            .el("p", [:], [
                .el("a", ["href": SiteURL.adminAuditExport.path, "download": nil], [.text("Download the whole trail as CSV")]),
                .text(" (oldest first; people appear by account id and role, not by name). Downloads are recorded in the trail."),
            ]),
            rows.isEmpty ? .el("p", [:], [.text("No entries yet.")]) :
            .el("div", ["class": "table-scroll", "role": "region", "aria-label": "Audit events", "tabindex": "0"], [
                .el("table", ["class": "table"], [
                    .el("caption", ["class": "visually-hidden"], [.text("Audit events")]),
                    .el("thead", [:], [.el("tr", [:], [
                        .el("th", ["scope": "col"], [.text("When")]),
                        .el("th", ["scope": "col"], [.text("Who")]),
                        .el("th", ["scope": "col"], [.text("What")]),
                        .el("th", ["scope": "col"], [.text("Record")]),
                    ])]),
                    .el("tbody", [:], rows.map { row in
                        .el("tr", [:], [
                            .el("td", ["class": "nowrap"], [.txt(Layout.format(row.occurredAt))]),
                            .el("td", [:], [.txt(who(row))]),
                            .el("td", [:], [.txt(row.action.summary + (row.rowCount.map { " (\($0) row\($0 == 1 ? "" : "s"))" } ?? ""))]),
                            .el("td", [:], [.txt(row.subject ?? "–")]),
                        ])
                    }),
                ]),
            ]),
            .el("nav", ["class": "pagination", "aria-label": "Audit trail pages"], [
                page > 1 ? .el("a", ["href": SiteURL.adminAudit.path + "?page=\(page - 1)"], [.text("Newer entries")]) : .empty,
                hasMore ? .el("a", ["href": SiteURL.adminAudit.path + "?page=\(page + 1)"], [.text("Older entries")]) : .empty,
            ]),
        ])
    }

    private static func who(_ row: AuditPages.Row) -> String {
        switch (row.actorName, row.actorRole) {
        case let (name?, role?): return "\(name) (\(role.displayName.lowercased()))"
        case let (name?, nil): return name
        case let (nil, role?): return "A former \(role.displayName.lowercased())"
        case (nil, nil): return "Someone not signed in"
        }
    }
}
