import CLibXML2

/// A well-formedness (or policy) error in one XML document, with where libxml2 found it.
public struct XMLSyntaxError: Error, Sendable, Hashable {
    /// libxml2's message, without its trailing newline.
    public var message: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
}

/// Receives the elements of a document in order; text is the concatenated character data directly inside the element.
protocol XMLElementHandler {
    mutating func didStart(element localName: String, line: Int)
    mutating func didEnd(element localName: String, text: String)
}

/// Process-wide libxml2 settings shared by every `ReusableXMLReader`: one-time initialisation and the size cap.
///
/// The readers stream with `xmlTextReader`, match elements on local names only, never touch the network, never load
/// a DTD and refuse documents that declare one (where XXE and entity-expansion attacks live): AOT files have no DTD.
enum StreamingXMLReader {
    /// Largest file accepted, so a stray huge file cannot exhaust memory.
    static let maximumDocumentSize = 64 * 1024 * 1024

    /// Initialises libxml2 once per process, before any worker thread parses (LIBXML2-NOTES: Threads).
    static let initializeLibrary: Void = { xmlInitParser() }()

}

/// Collects the first error libxml2 reports through the structured handler.
private final class ErrorSink {
    var first: XMLSyntaxError?
}

/// One libxml2 text reader, reused for document after document by one thread (creating a reader per file costs
/// more than parsing a small AOT file). Not shareable between threads.
final class ReusableXMLReader {
    private var reader: OpaquePointer?
    private let sink = ErrorSink()

    init() { _ = StreamingXMLReader.initializeLibrary }

    deinit {
        if let reader { xmlFreeTextReader(reader) }
    }

    private static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// Streams one document to `handler`.
    func read<Handler: XMLElementHandler>(_ document: UnsafeRawBufferPointer, url: String, into handler: inout Handler) throws(XMLSyntaxError) {
        guard document.count <= StreamingXMLReader.maximumDocumentSize else {
            throw XMLSyntaxError(message: "file is larger than \(StreamingXMLReader.maximumDocumentSize / 1024 / 1024) MiB; not an AOT metadata file", line: nil, column: nil)
        }
        var bytes = document
        // libxml2 2.9.14 fails on a UTF-8 BOM when a reader is reused (LIBXML2-NOTES): drop it; the content is UTF-8.
        let hasUTF8BOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        if hasUTF8BOM { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw XMLSyntaxError(message: "file is empty", line: 1, column: 1)
        }
        // UTF-16 (with a BOM) goes through a fresh reader, which detects the encoding itself.
        let isUTF16 = bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
        let pointer = base.assumingMemoryBound(to: CChar.self)
        let encoding: String? = hasUTF8BOM ? "UTF-8" : nil
        if let existing = reader, !isUTF16 {
            let status = encoding.map { xmlReaderNewMemory(existing, pointer, Int32(bytes.count), url, $0, Self.options) }
                ?? xmlReaderNewMemory(existing, pointer, Int32(bytes.count), url, nil, Self.options)
            guard status == 0 else { throw XMLSyntaxError(message: "libxml2 could not reset its reader", line: nil, column: nil) }
        } else {
            if let existing = reader { xmlFreeTextReader(existing) }
            reader = encoding.map { xmlReaderForMemory(pointer, Int32(bytes.count), url, $0, Self.options) }
                ?? xmlReaderForMemory(pointer, Int32(bytes.count), url, nil, Self.options)
        }
        guard let reader else { throw XMLSyntaxError(message: "libxml2 could not create a reader", line: nil, column: nil) }
        sink.first = nil
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let sink = Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue()
            guard sink.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
            sink.first = XMLSyntaxError(
                message: message.trimmingBlanks(),
                line: error.pointee.line > 0 ? Int(error.pointee.line) : nil,
                column: error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil)
        }, Unmanaged.passUnretained(sink).toOpaque())
        defer {
            if isUTF16 { xmlFreeTextReader(reader); self.reader = nil }
        }

        var openNames: [String] = []
        var openTexts: [String] = []
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 {
                throw sink.first ?? XMLSyntaxError(message: "malformed XML", line: Int(xmlTextReaderGetParserLineNumber(reader)), column: Int(xmlTextReaderGetParserColumnNumber(reader)))
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = String(cString: xmlTextReaderConstLocalName(reader))
                let line = Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader)))
                handler.didStart(element: name, line: line)
                if xmlTextReaderIsEmptyElement(reader) == 1 {
                    handler.didEnd(element: name, text: "")
                } else {
                    openNames.append(name)
                    openTexts.append("")
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                if !openTexts.isEmpty, let value = xmlTextReaderConstValue(reader) {
                    openTexts[openTexts.count - 1] += String(cString: value)
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                if let name = openNames.popLast(), let text = openTexts.popLast() {
                    handler.didEnd(element: name, text: text)
                }
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                throw XMLSyntaxError(message: "document declares a DTD (<!DOCTYPE>); AOT metadata has none, and DTDs are refused for safety", line: Int(xmlTextReaderGetParserLineNumber(reader)), column: nil)
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                throw XMLSyntaxError(message: "document uses an entity reference; entities are refused for safety", line: Int(xmlTextReaderGetParserLineNumber(reader)), column: nil)
            default:
                break
            }
        }
        if let error = sink.first { throw error }
    }
}
