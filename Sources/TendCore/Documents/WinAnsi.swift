import Foundation

/// Text in the single-byte WinAnsiEncoding (Windows code page 1252) used by the standard PDF fonts.
///
/// Every character WinAnsi has keeps its glyph, including typographic punctuation (’ ‘ “ ” – — • … €);
/// anything else becomes a plain-text stand-in (accents dropped, "->" for an arrow, "?" for a character with
/// no sensible equivalent, such as CJK or emoji), so encoding never fails.
public enum WinAnsi {
    /// The WinAnsi bytes for `text`. Line breaks and tabs become spaces; other control characters,
    /// zero-width characters and combining marks that cannot be joined to their letter are dropped.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        // Characters (grapheme clusters) first, so that an emoji with modifiers becomes one "?".
        for character in text {
            let scalars = Array(character.unicodeScalars)
            if scalars.count == 1, let byte = code(for: scalars[0]) {
                out.append(byte)
                continue
            }
            // A precomposed form may exist (e + combining acute = é).
            let composed = Array(String(character).precomposedStringWithCanonicalMapping.unicodeScalars)
            if composed.count == 1, let byte = code(for: composed[0]) {
                out.append(byte)
                continue
            }
            out.append(contentsOf: fallback(for: scalars))
        }
        return out
    }

    /// The WinAnsi code of one scalar, when WinAnsi has that character.
    static func code(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        switch v {
        case 0x20...0x7E, 0xA0...0xFF:
            return UInt8(v)
        default:
            return upperCodes[v]
        }
    }

    /// The characters WinAnsi places at codes 128–159 (where Latin-1 has control codes).
    static let upperCodes: [UInt32: UInt8] = [
        0x20AC: 128, 0x201A: 130, 0x0192: 131, 0x201E: 132, 0x2026: 133, 0x2020: 134, 0x2021: 135,
        0x02C6: 136, 0x2030: 137, 0x0160: 138, 0x2039: 139, 0x0152: 140, 0x017D: 142, 0x2018: 145,
        0x2019: 146, 0x201C: 147, 0x201D: 148, 0x2022: 149, 0x2013: 150, 0x2014: 151, 0x02DC: 152,
        0x2122: 153, 0x0161: 154, 0x203A: 155, 0x0153: 156, 0x017E: 158, 0x0178: 159,
    ]

    /// Stand-ins for common characters WinAnsi lacks.
    static let substitutes: [UInt32: String] = [
        // Dashes, minus and primes.
        0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2015: "-", 0x2212: "-", 0x2043: "-",
        0x2032: "'", 0x2033: "\"", 0x2035: "'", 0x201B: "'", 0x201F: "\"",
        // Arrows and relations.
        0x2190: "<-", 0x2192: "->", 0x2194: "<->", 0x21D0: "<=", 0x21D2: "=>",
        0x2264: "<=", 0x2265: ">=", 0x2260: "!=", 0x2248: "~",
        // Ticks, boxes and bullets (U+0095 stands for WinAnsi's bullet, code 149).
        0x2713: "v", 0x2714: "v", 0x2717: "x", 0x2718: "x", 0x2610: "[ ]", 0x2611: "[x]", 0x2612: "[x]",
        0x25CF: "\u{95}", 0x25E6: "\u{95}", 0x2023: "\u{95}", 0x2219: "\u{95}",
        // Line breaks and tabs.
        0x0009: " ", 0x000A: " ", 0x000D: " ", 0x2028: " ", 0x2029: " ",
        // Letters with no decomposition to a WinAnsi letter.
        0x0131: "i", 0x0141: "L", 0x0142: "l", 0x0110: "D", 0x0111: "d", 0x0126: "H", 0x0127: "h",
    ]

    /// A plain stand-in for a character WinAnsi cannot show.
    static func fallback(for scalars: [Unicode.Scalar]) -> [UInt8] {
        if scalars.contains(where: { $0 == "\n" || $0 == "\r" }) { return [0x20] }
        if scalars.count == 1, let s = substitutes[scalars[0].value] {
            // Stand-ins are ASCII, or the bullet (code 149) written as U+0095.
            return s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        }
        // Invisible characters: controls, zero-width joiners and spaces, variation selectors, BOM.
        if scalars.allSatisfy(isInvisible) { return [] }
        // A letter with an accent WinAnsi lacks (ő, č, ș): keep the letters the decomposition yields.
        let decomposed = String(String.UnicodeScalarView(scalars)).decomposedStringWithCompatibilityMapping
        let base = decomposed.unicodeScalars.filter { !isInvisible($0) }
        let codes = base.compactMap(code(for:))
        if !codes.isEmpty, codes.count == base.count { return codes }
        return [UInt8(ascii: "?")]
    }

    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark:
            return true
        default:
            return (0xFE00...0xFE0F).contains(s.value)
        }
    }
}
