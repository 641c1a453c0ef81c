import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The attributes of one element, valid only during the `didStart` call that receives them.
package struct XMLAttributes {
    /// libxml2's SAX2 layout: for each attribute, local name, prefix, URI, value start, value end.
    fileprivate let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    fileprivate let count: Int

    /// The value of the attribute whose local name is exactly `localName` (any namespace), or nil.
    package func value(_ localName: StaticString) -> String? {
        bytes(localName).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes (UTF-8) of the attribute whose local name is exactly `localName` (any namespace), or nil; valid only
    /// during the `didStart` call, read without making a `String` (millions of cells each have two attributes).
    package func bytes(_ localName: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let raw else { return nil }
        let count = localName.utf8CodeUnitCount
        let literal = UnsafeRawPointer(localName.utf8Start).assumingMemoryBound(to: CChar.self)
        for index in 0..<self.count {
            let base = index * 5
            guard let name = raw[base], let start = raw[base + 3], let end = raw[base + 4] else { continue }
            let candidate = UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)
            guard strncmp(candidate, literal, count) == 0 && candidate[count] == 0 else { continue }
            return UnsafeBufferPointer(start: start, count: end - start)
        }
        return nil
    }
}

/// Receives the events of a document fed to an `XMLPushParser`, in document order.
package protocol XMLPushHandler: AnyObject {
    /// An element opens.
    func didStart(element localName: XMLName, attributes: XMLAttributes)
    /// An element closes.
    func didEnd(element localName: XMLName)
    /// Character data, possibly in several pieces for one text node; valid only during the call.
    func characters(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Why the handler wants the parse to stop (a value it cannot accept), or nil to go on.
    var stopReason: String? { get }
}

/// A libxml2 SAX push parser: a document fed in chunks of any size (a part being extracted from a ZIP archive) is
/// parsed as it arrives, so a document of gigabytes costs the memory of one chunk, not of the document.
///
/// Like `ReusableXMLReader`, it never touches the network and refuses a document that declares a DTD or uses an
/// entity other than the five predefined ones (where XXE and entity-expansion attacks live). One parser per document
/// and thread.
package final class XMLPushParser {
    private var context: xmlParserCtxtPtr?
    private let box: Box

    /// What the C callbacks reach through libxml2's user data pointer.
    private final class Box {
        let handler: any XMLPushHandler
        var context: xmlParserCtxtPtr?
        var refused: String?
        var firstError: XMLSyntaxError?
        init(handler: any XMLPushHandler) { self.handler = handler }

        /// Stops the parse with `reason`, kept as the document's error.
        func stop(_ reason: String) {
            if refused == nil { refused = reason }
            if let context { xmlStopParser(context) }
        }
    }

    /// A parser feeding `handler`.
    package init(handler: any XMLPushHandler) {
        _ = StreamingXMLReader.initializeLibrary
        box = Box(handler: handler)
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { user, localName, _, _, _, _, attributeCount, _, attributes in
            guard let user, let localName else { return }
            let box = Unmanaged<Box>.fromOpaque(user).takeUnretainedValue()
            let name = XMLName(bytes: UnsafeRawPointer(localName).assumingMemoryBound(to: CChar.self))
            box.handler.didStart(element: name, attributes: XMLAttributes(raw: attributes, count: Int(attributeCount)))
            if let reason = box.handler.stopReason { box.stop(reason) }
        }
        sax.endElementNs = { user, localName, _, _ in
            guard let user, let localName else { return }
            let box = Unmanaged<Box>.fromOpaque(user).takeUnretainedValue()
            box.handler.didEnd(element: XMLName(bytes: UnsafeRawPointer(localName).assumingMemoryBound(to: CChar.self)))
            if let reason = box.handler.stopReason { box.stop(reason) }
        }
        sax.characters = { user, bytes, count in
            guard let user, let bytes, count > 0 else { return }
            Unmanaged<Box>.fromOpaque(user).takeUnretainedValue().handler.characters(UnsafeBufferPointer(start: bytes, count: Int(count)))
        }
        sax.cdataBlock = sax.characters
        sax.internalSubset = { user, _, _, _ in
            guard let user else { return }
            Unmanaged<Box>.fromOpaque(user).takeUnretainedValue().stop("the document declares a DTD (<!DOCTYPE>); DTDs are refused for safety")
        }
        sax.reference = { user, _ in
            guard let user else { return }
            Unmanaged<Box>.fromOpaque(user).takeUnretainedValue().stop("the document uses an entity reference; entities are refused for safety")
        }
        sax.serror = { user, error in
            guard let user, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let box = Unmanaged<Box>.fromOpaque(user).takeUnretainedValue()
            guard box.firstError == nil else { return }
            let message = error.pointee.message.map { String(cString: $0).trimmingBlanks() } ?? "malformed XML"
            box.firstError = XMLSyntaxError(message: message, line: error.pointee.line > 0 ? Int(error.pointee.line) : nil,
                                            column: error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil)
        }
        context = xmlCreatePushParserCtxt(&sax, Unmanaged.passUnretained(box).toOpaque(), nil, 0, nil)
        if let context {
            xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_BIG_LINES.rawValue))
        }
        box.context = context
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    /// Parses the next piece of the document.
    package func feed(_ bytes: UnsafeRawBufferPointer) throws(XMLSyntaxError) {
        try parse(bytes, last: false)
    }

    /// Ends the document: throws when it is incomplete or malformed.
    package func finish() throws(XMLSyntaxError) {
        try parse(UnsafeRawBufferPointer(start: nil, count: 0), last: true)
    }

    /// The line the parser is at, for an error it did not place itself.
    private static func line(_ context: xmlParserCtxtPtr) -> Int? {
        guard let input = context.pointee.input, input.pointee.line > 0 else { return nil }
        return Int(input.pointee.line)
    }

    private func parse(_ bytes: UnsafeRawBufferPointer, last: Bool) throws(XMLSyntaxError) {
        guard let context else { throw XMLSyntaxError(message: "libxml2 could not create a parser", line: nil, column: nil) }
        // xmlParseChunk takes an Int32 length: large pieces go in slices.
        var offset = 0
        repeat {
            let count = min(bytes.count - offset, 1 << 24)
            let pointer = bytes.baseAddress.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }
            let isLast = last && offset + count == bytes.count
            let status = xmlParseChunk(context, pointer, Int32(count), isLast ? 1 : 0)
            if let refused = box.refused {
                throw XMLSyntaxError(message: refused, line: Self.line(context), column: nil)
            }
            if status != 0 || box.firstError != nil {
                throw box.firstError ?? XMLSyntaxError(message: "malformed XML", line: Self.line(context), column: nil)
            }
            offset += count
        } while offset < bytes.count
    }
}
