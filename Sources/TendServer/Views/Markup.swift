import Plot

/// HTML escaping that Plot leaves to us.
///
/// Plot writes attribute values verbatim and passes `&name;` sequences in text through unchanged, so
/// every value that can hold user input goes through these helpers: `.txt(_:)` for text and
/// `.attr(_:_:)` / `Node.el(_:_:_:)` for attributes.
enum Escape {
    static func text(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for character in string.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func attribute(_ string: String) -> String { text(string) }
}

/// Shorthand for building body markup with escaping.
typealias Markup = Node<HTML.BodyContext>

extension Node where Context == HTML.BodyContext {
    /// Escaped text.
    static func txt(_ string: String) -> Node { .raw(Escape.text(string)) }

    /// An escaped attribute; omitted when the value is nil.
    static func attr(_ name: String, _ value: String?) -> Node {
        guard let value else { return .empty }
        return .attribute(Attribute(name: name, value: Escape.attribute(value), ignoreIfValueIsEmpty: false))
    }

    /// An element with escaped attributes (nil values omitted) and children.
    static func el(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ children: [Node] = []) -> Node {
        let attributeNodes: [Node] = attributes.compactMap { pair in
            pair.value.map { Node.attribute(Attribute(name: pair.key, value: Escape.attribute($0), ignoreIfValueIsEmpty: false)) }
        }
        return .element(named: name, nodes: attributeNodes + children)
    }

    /// A void element (`<input>`, `<meta>`) with escaped attributes.
    static func void(_ name: String, _ attributes: KeyValuePairs<String, String?>) -> Node {
        let list: [Attribute<HTML.BodyContext>] = attributes.compactMap { pair in
            pair.value.map { Attribute(name: pair.key, value: Escape.attribute($0), ignoreIfValueIsEmpty: false) }
        }
        return .selfClosedElement(named: name, attributes: list)
    }
}
