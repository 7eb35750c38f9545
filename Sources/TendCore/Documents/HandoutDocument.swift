import Foundation

extension Handout {
    /// The handout as a printable document: its Markdown as blocks, headed by its title when the text
    /// does not start with one, and the title in the footer and document information.
    public func printableDocument(language: String = "en-GB") -> PDFDocument {
        var blocks = MarkdownBlocks.parse(body)
        if case .title = blocks.first {} else { blocks.insert(.title(title), at: 0) }
        return PDFDocument(title: title, language: language, blocks: blocks)
    }
}
