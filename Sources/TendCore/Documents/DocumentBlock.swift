/// A run of text in one style: the unit of inline formatting in a ``DocumentBlock``.
public struct TextSpan: Sendable, Equatable {
    public var text: String
    public var bold: Bool
    public var italic: Bool

    public init(_ text: String, bold: Bool = false, italic: Bool = false) {
        self.text = text
        self.bold = bold
        self.italic = italic
    }
}

/// One block of a printable document, laid out top to bottom by ``PDFDocument``.
///
/// Text in every block wraps at word boundaries; headings are kept on the page of the text that follows
/// them, and paragraphs and list items never leave a single line alone at the foot or head of a page.
public enum DocumentBlock: Sendable, Equatable {
    /// The document's main heading (large, bold).
    case title(String)
    /// A second-level heading.
    case section(String)
    /// A third-level heading.
    case subsection(String)
    /// A paragraph of wrapped text.
    case paragraph([TextSpan])
    /// A list with a bullet before each item; wrapped lines hang under the item's first word.
    case bulletList([[TextSpan]])
    /// A list numbered from `start`.
    case numberedList(start: Int, items: [[TextSpan]])
    /// A list of tick boxes to fill in by hand.
    case checklist([[TextSpan]])
    /// A block quote: its paragraphs, set in from the left with a bar beside them.
    case quote([[TextSpan]])
    /// A table with a header row (may be empty) and rows of cells; rows with an empty cell leave room
    /// to write. Columns are sized to their content; the header repeats on each page the table spans.
    case table(header: [[TextSpan]], rows: [[[TextSpan]]])
    /// Ruled lines to write on.
    case writingLines(Int)
    /// A horizontal rule across the text width.
    case rule
}
