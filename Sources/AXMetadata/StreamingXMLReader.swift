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

/// Reads XML with libxml2's streaming `xmlTextReader`, matching elements on local names only.
///
/// The parser never touches the network, never loads a DTD and refuses documents that declare one
/// (which is where XXE and entity-expansion attacks live): AOT files have no DTD.
enum StreamingXMLReader {
    /// Largest file accepted, so a stray huge file cannot exhaust memory.
    static let maximumDocumentSize = 64 * 1024 * 1024

    /// Initialises libxml2 once per process, before any worker thread parses (LIBXML2-NOTES: Threads).
    static let initializeLibrary: Void = { xmlInitParser() }()

    private static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// Collects the first error libxml2 reports through the structured handler.
    private final class ErrorSink {
        var first: XMLSyntaxError?
    }

    /// Streams `bytes` (a whole document; BOM and encoding declarations are honoured) to `handler`.
    static func read<Handler: XMLElementHandler>(_ bytes: UnsafeRawBufferPointer, url: String, into handler: inout Handler) throws(XMLSyntaxError) {
        _ = initializeLibrary
        guard bytes.count <= maximumDocumentSize else {
            throw XMLSyntaxError(message: "file is larger than \(maximumDocumentSize / 1024 / 1024) MiB; not an AOT metadata file", line: nil, column: nil)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw XMLSyntaxError(message: "file is empty", line: 1, column: 1)
        }
        guard let reader = xmlReaderForMemory(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), url, nil, options) else {
            throw XMLSyntaxError(message: "libxml2 could not create a reader", line: nil, column: nil)
        }
        defer { xmlFreeTextReader(reader) }
        let sink = ErrorSink()
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let sink = Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue()
            guard sink.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
            sink.first = XMLSyntaxError(
                message: message.trimmingBlanks(),
                line: error.pointee.line > 0 ? Int(error.pointee.line) : nil,
                column: error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil)
        }, sinkPointer)
        defer { withExtendedLifetime(sink) {} }

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
