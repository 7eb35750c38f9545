import TendCore

/// HTML escaping: every value that can hold user input goes through these helpers (`Markup.txt(_:)`
/// for text, `Markup.el(_:_:_:)` and `Markup.void(_:_:)` for attributes).
enum Escape {
    /// Text and attribute values: `& < > " '` escaped, the same rule as TendCore's reports.
    static func text(_ string: String) -> String { HTML.escape(string) }

    static func attribute(_ string: String) -> String { text(string) }

    /// Text between tags: `&`, `<` and `>` escaped; quotes may stay as they are.
    static func textContent(_ string: String) -> String { HTML.escapeText(string) }
}

/// A piece of an HTML page: elements with escaped attributes, escaped text, or trusted HTML.
///
/// Pages are built from these values and written out in one pass into a single string (``render(into:)``),
/// which costs a fraction of a general-purpose HTML library's rendering on every page view. Escaping
/// happens when a value is made: `.txt(_:)` and `.text(_:)` for text, `el(_:_:_:)` and `void(_:_:)` for
/// attribute values, and `.raw(_:)` only for HTML that is already safe (rendered programme Markdown).
struct Markup: Sendable {
    fileprivate enum Kind: Sendable {
        case element(String, [(String, String)], [Markup])
        case void(String, [(String, String)])
        case html(String)
        case group([Markup])
    }

    fileprivate let kind: Kind

    /// Escaped text (the same escaping as `.txt(_:)`, except quotes, which text outside attributes may keep).
    static func text(_ string: String) -> Markup { Markup(kind: .html(Escape.textContent(string))) }

    /// Escaped text, quotes included.
    static func txt(_ string: String) -> Markup { Markup(kind: .html(Escape.text(string))) }

    /// HTML written as given: only for markup that is already safe.
    static func raw(_ html: String) -> Markup { Markup(kind: .html(html)) }

    /// Nothing (for a part of a page that is shown only sometimes).
    static let empty = Markup(kind: .group([]))

    /// Several pieces in a row, without an element around them.
    static func group(_ members: [Markup]) -> Markup { Markup(kind: .group(members)) }

    /// An element with escaped attributes (nil values omitted) and children.
    static func el(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ children: [Markup] = []) -> Markup {
        Markup(kind: .element(name, attributes.compactMap { pair in pair.value.map { (pair.key, Escape.attribute($0)) } }, children))
    }

    /// A void element (`<input>`, `<meta>`) with escaped attributes.
    static func void(_ name: String, _ attributes: KeyValuePairs<String, String?>) -> Markup {
        Markup(kind: .void(name, attributes.compactMap { pair in pair.value.map { (pair.key, Escape.attribute($0)) } }))
    }

    /// Appends this markup's HTML to `out`.
    func render(into out: inout String) {
        switch kind {
        case .html(let html):
            out += html
        case .group(let members):
            for member in members { member.render(into: &out) }
        case .element(let name, let attributes, let children):
            out += "<"
            out += name
            Self.write(attributes, into: &out)
            out += ">"
            for child in children { child.render(into: &out) }
            out += "</"
            out += name
            out += ">"
        case .void(let name, let attributes):
            out += "<"
            out += name
            Self.write(attributes, into: &out)
            out += "/>"
        }
    }

    private static func write(_ attributes: [(String, String)], into out: inout String) {
        for (name, value) in attributes {
            out += " "
            out += name
            out += "=\""
            out += value
            out += "\""
        }
    }

    /// The HTML of this markup.
    var html: String {
        var out = ""
        out.reserveCapacity(4096)
        render(into: &out)
        return out
    }
}
