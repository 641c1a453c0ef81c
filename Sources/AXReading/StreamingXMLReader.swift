import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
package protocol XMLElementHandler {
    mutating func didStart(element localName: XMLName, line: Int)
    mutating func didEnd(element localName: XMLName, text: String)
}

/// An element's local name as libxml2 holds it, valid only during the handler call that receives it.
///
/// Handlers match it against literals (`case "Name":`) byte for byte, without making a `String` for each of the
/// hundreds of thousands of elements in an application's metadata.
package struct XMLName {
    package let bytes: UnsafePointer<CChar>

    /// The name as a `String`, for the few places that keep or print it.
    package var string: String { String(cString: bytes) }

    /// True when the name is exactly `literal`.
    package static func == (name: XMLName, literal: StaticString) -> Bool {
        // strncmp stops at the name's end, so the terminator check reads only inside the name.
        let count = literal.utf8CodeUnitCount
        return literal.utf8Start.withMemoryRebound(to: CChar.self, capacity: count) { strncmp(name.bytes, $0, count) } == 0
            && name.bytes[count] == 0
    }

    /// Lets `switch` match names against string literals.
    package static func ~= (literal: StaticString, name: XMLName) -> Bool { name == literal }
}

/// Process-wide libxml2 settings shared by every `ReusableXMLReader`: one-time initialisation and the size cap.
///
/// The readers stream with `xmlTextReader`, match elements on local names only, never touch the network, never load
/// a DTD and refuse documents that declare one (where XXE and entity-expansion attacks live): AOT files have no DTD.
package enum StreamingXMLReader {
    /// Largest file accepted, so a stray huge file cannot exhaust memory.
    package static let maximumDocumentSize = 64 * 1024 * 1024

    /// Initialises libxml2 once per process, before any worker thread parses (Docs/libxml2.md, "Threads").
    package static let initializeLibrary: Void = { xmlInitParser() }()

}

/// Collects the first error libxml2 reports through the structured handler.
private final class ErrorSink {
    package var first: XMLSyntaxError?
}

/// One libxml2 text reader, reused for document after document by one thread (creating a reader per file costs
/// more than parsing a small AOT file). Not shareable between threads.
package final class ReusableXMLReader {
    private var reader: OpaquePointer?
    private let sink = ErrorSink()

    package init() { _ = StreamingXMLReader.initializeLibrary }

    deinit {
        if let reader { xmlFreeTextReader(reader) }
    }

    private static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue)

    /// Streams one document to `handler`.
    ///
    /// The document is given to libxml2 without a URL: errors are placed by the caller, which knows the file, and a
    /// URL costs libxml2 a parse and unescape of it for every document.
    package func read<Handler: XMLElementHandler>(_ document: UnsafeRawBufferPointer, into handler: inout Handler) throws(XMLSyntaxError) {
        guard document.count <= StreamingXMLReader.maximumDocumentSize else {
            throw XMLSyntaxError(message: "file is larger than \(StreamingXMLReader.maximumDocumentSize / 1024 / 1024) MiB; not an AOT metadata file", line: nil, column: nil)
        }
        var bytes = document
        // libxml2 2.9.14 fails on a UTF-8 BOM when a reader is reused (Docs/libxml2.md, "Bugs and traps"): drop it; the content is UTF-8.
        let hasUTF8BOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        if hasUTF8BOM { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw XMLSyntaxError(message: "file is empty", line: 1, column: 1)
        }
        if let encoding = Self.unsupportedEncoding(bytes) {
            throw XMLSyntaxError(message: "the file is in \(encoding), which is not supported; save it as UTF-8 (or UTF-16)", line: 1, column: 1)
        }
        // Only a document in an ASCII-compatible encoding (it starts with `<` or a blank, then no NUL) goes through the
        // reused reader: libxml2 detects other encodings (UTF-16 with or without BOM, UCS-4, EBCDIC) reliably only in a
        // fresh reader, and a reused one fails on them depending on what it read before. A fresh reader, freed after
        // the document, makes the result depend on the document's bytes alone, whatever worker reads it after what.
        let needsFreshReader = !Self.startsASCIICompatible(bytes)
        let pointer = base.assumingMemoryBound(to: CChar.self)
        let encoding: String? = hasUTF8BOM ? "UTF-8" : nil
        if let existing = reader, !needsFreshReader {
            let status = encoding.map { xmlReaderNewMemory(existing, pointer, Int32(bytes.count), nil, $0, Self.options) }
                ?? xmlReaderNewMemory(existing, pointer, Int32(bytes.count), nil, nil, Self.options)
            guard status == 0 else { throw XMLSyntaxError(message: "libxml2 could not reset its reader", line: nil, column: nil) }
        } else {
            if let existing = reader { xmlFreeTextReader(existing) }
            reader = encoding.map { xmlReaderForMemory(pointer, Int32(bytes.count), nil, $0, Self.options) }
                ?? xmlReaderForMemory(pointer, Int32(bytes.count), nil, nil, Self.options)
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
            if needsFreshReader { xmlFreeTextReader(reader); self.reader = nil }
        }

        var openTexts: [String] = []
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 {
                throw Self.explained(sink.first ?? XMLSyntaxError(message: "malformed XML", line: Int(xmlTextReaderGetParserLineNumber(reader)), column: Int(xmlTextReaderGetParserColumnNumber(reader))), bytes)
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                guard let name = Self.localName(reader) else { break }
                let line = Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader)))
                handler.didStart(element: name, line: line)
                if xmlTextReaderIsEmptyElement(reader) == 1 {
                    handler.didEnd(element: name, text: "")
                } else {
                    openTexts.append("")
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                if !openTexts.isEmpty, let value = xmlTextReaderConstValue(reader) {
                    let text = String(cString: value)
                    if openTexts[openTexts.count - 1].isEmpty { openTexts[openTexts.count - 1] = text } else { openTexts[openTexts.count - 1] += text }
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                // The reader is on the element again: its name is asked for anew rather than kept on a stack.
                if let name = Self.localName(reader), let text = openTexts.popLast() {
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
        if let error = sink.first { throw Self.explained(error, bytes) }
    }

    /// `error`, with a hint when the document starts with a NUL byte in its first two: text in UTF-16 (or UCS-4) that
    /// has neither a byte-order mark nor an XML declaration, whose encoding XML gives no way to detect.
    private static func explained(_ error: XMLSyntaxError, _ bytes: UnsafeRawBufferPointer) -> XMLSyntaxError {
        guard bytes.prefix(2).contains(0) else { return error }
        var explained = error
        explained.message = "encoding not detected (UTF-16 needs a byte-order mark or an <?xml encoding?> declaration): " + error.message
        return explained
    }

    /// The name of an encoding libxml2 is not built to read, recognised by its first four bytes (a byte-order mark, or
    /// `<` as one UCS-4 unit): UTF-32 reaches libxml2 as an empty document ("Document is empty"), which misleads.
    static func unsupportedEncoding(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count >= 4 else { return nil }
        switch (bytes[0], bytes[1], bytes[2], bytes[3]) {
        case (0xFF, 0xFE, 0x00, 0x00), (0x3C, 0x00, 0x00, 0x00): return "UTF-32 (little-endian)"
        case (0x00, 0x00, 0xFE, 0xFF), (0x00, 0x00, 0x00, 0x3C): return "UTF-32 (big-endian)"
        default: return nil
        }
    }

    /// True when `bytes` (after any UTF-8 BOM) start as an XML document in UTF-8 or another ASCII-compatible encoding
    /// does: `<` or a blank, not followed by a NUL byte.
    package static func startsASCIICompatible(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, [UInt8(ascii: "<"), 0x20, 0x09, 0x0A, 0x0D].contains(first) else { return false }
        return bytes.count < 2 || bytes[1] != 0
    }

    /// The current node's local name (interned by libxml2: it lives as long as the document).
    private static func localName(_ reader: OpaquePointer) -> XMLName? {
        xmlTextReaderConstLocalName(reader).map { XMLName(bytes: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
