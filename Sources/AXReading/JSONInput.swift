import Foundation

/// A JSON input file made ready to decode under the one rule every JSON input follows: object keys are compared
/// ignoring case (`decode(_:keys:)` matches them to the spellings the decoder asks for), and when an object repeats a
/// key (exactly or in another case) the first in document order wins and each later one is a `duplicate-key` warning
/// naming the file, line and key.
///
/// Decoders see no repeated key, so which member a key lookup finds never depends on dictionary order (it did: a
/// row with `"SkuName"` and `"skuname"` gave either SKU from run to run).
public struct JSONInput: Sendable {
    /// The file's text with every repeated member removed (the original text when there is none).
    public let data: Data
    /// A warning per repeated key, collapsed as `DiagnosticLog` collapses repeats of one code in one file (the first few,
    /// then "... and N more"), so a file repeating a key in every row yields a bounded list.
    public let diagnostics: [Diagnostic]
    /// The original text, for syntax-error positions.
    private let original: Data
    private let path: String

    /// Reads `data` (the whole file at `path`). Text that is not valid JSON is kept as it is, so decoding reports the
    /// syntax error at its line and column.
    public init(_ data: Data, path: String) {
        self.original = data
        self.path = path
        let found = data.withUnsafeBytes { DuplicateKeyScanner(bytes: $0, path: path).scan() }
        guard let found, !found.removedRanges.isEmpty else {
            self.data = data
            self.diagnostics = []
            return
        }
        // One copy of the kept bytes, in one pass over the cuts (ascending): linear in the file whatever the number of repeats.
        var kept = Data()
        kept.reserveCapacity(data.count)
        var position = 0
        for range in found.removedRanges {
            kept.append(data[data.startIndex + position ..< data.startIndex + range.lowerBound])
            position = range.upperBound
        }
        kept.append(data[(data.startIndex + position)...])
        self.data = kept
        self.diagnostics = found.warnings.diagnostics
    }

    /// Decodes the input, each key in any case read as its spelling in `keys` (the decoder's coding keys); a syntax
    /// error is reported at its line and column in the original file, a content error with its row and key.
    public func decode<Value: Decodable>(_ type: Value.Type, keys: [String]) throws(InputError) -> Value {
        let decoder = JSONDecoder()
        let spellings = Dictionary(keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return AnyCodingKey(stringValue: spellings[key.lowercased()] ?? key)
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw invalidJSON(error, data: original, path: path)
        }
    }
}

/// Finds repeated object keys in JSON text in one pass, without building the document, with an explicit stack (so
/// nesting depth costs memory, not call depth). Returns nil for text that is not valid JSON.
///
/// Every step is constant work per byte, so the scan is linear in the file even when it is one long line with a
/// repeat in every object (a key's column is counted on from the last column found on its line, not from the line
/// start: counting from the start made such a file quadratic).
package struct DuplicateKeyScanner {
    package let bytes: UnsafeRawBufferPointer
    /// The file, named in the warnings.
    package let path: String

    package struct Result {
        /// A `duplicate-key` warning per repeated key, collapsed per file as the log does.
        var warnings = DiagnosticLog()
        /// Byte ranges to cut, each from the comma before a repeated member to the end of its value; ascending, disjoint.
        var removedRanges: [Range<Int>] = []
    }

    /// A key of an open object: where its text is, and a hash of its case-folded text.
    private struct Key {
        var text: Range<Int>
        var hasEscape: Bool
        /// Plain ASCII without escapes: compared byte by byte, folding A–Z, without making a string.
        var isPlain: Bool
        var hash: UInt64
        var line: Int
    }

    /// Objects with more keys than this look keys up in a dictionary rather than comparing each.
    private static let linearKeyLimit = 16

    private struct Container {
        var isObject: Bool
        /// Where this object's keys begin in the shared key stack (its keys are the rest of the stack while it is open).
        var keysStart: Int
        /// Keys by folded text, once the object has more than `linearKeyLimit` keys: entries are positions in the key stack.
        var index: [String: Int]?
        /// Offset of the last comma between members, where a repeated member's cut begins.
        var lastComma = -1
        /// Start of the cut when the member being read repeats an earlier key.
        var cutStart: Int?
        /// True when this container lies inside a member being cut (its own repeats are not reported).
        var insideCut: Bool
    }

    /// An ASCII byte with A–Z folded to a–z.
    private static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// FNV-1a over the case-folded bytes: equal for keys equal ignoring case (plain keys fold A–Z; others are hashed
    /// from their lower-cased text). Only picks which keys to compare; equality is always checked.
    private static func foldedHash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(fold(byte))) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The deepest nesting scanned; JSONDecoder refuses deeper documents anyway.
    package static let maximumDepth = 512

    package func scan() -> Result? {
        var result = Result()
        var stack: [Container] = []
        var keys: [Key] = []
        var index = 0
        var line = 1
        var lineStart = 0
        let count = bytes.count
        // Skips a UTF-8 BOM, as the decoder does.
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
        var expectingKey = false
        // The last column counted on the current line: its byte offset and its column (characters before it, plus one).
        var columnMark = (offset: 0, column: 1)
        // True after a value, when only a comma or a closing bracket may follow.
        var afterValue = false

        func skipBlanks() {
            while index < count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D: index += 1
                case 0x0A: index += 1; line += 1; lineStart = index
                default: return
                }
            }
        }
        /// Skips a string starting at the opening quote; returns where its text is, or nil when it never closes.
        func skipString() -> (text: Range<Int>, hasEscape: Bool, isASCII: Bool)? {
            index += 1
            let start = index
            var hasEscape = false
            var isASCII = true
            while index < count {
                let byte = bytes[index]
                if byte == 0x22 {
                    index += 1
                    return (start..<(index - 1), hasEscape, isASCII)
                } else if byte == 0x5C {
                    hasEscape = true
                    index += 2
                    continue
                } else if byte == 0x0A {
                    return nil
                } else if byte >= 0x80 {
                    isASCII = false
                }
                index += 1
            }
            return nil
        }
        /// A key's text, escapes decoded the way JSON does (so `"Sku\u004Eame"` and `"SkuName"` are the same key).
        func text(_ range: Range<Int>, hasEscape: Bool) -> String {
            let raw = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            guard hasEscape else { return raw }
            return (try? JSONDecoder().decode(String.self, from: Data(("\"" + raw + "\"").utf8))) ?? raw
        }
        /// A key's text, case-folded.
        func folded(_ range: Range<Int>, _ hasEscape: Bool) -> String { text(range, hasEscape: hasEscape).lowercased() }
        /// Whether two keys are the same ignoring case.
        func same(_ a: Key, _ b: Key) -> Bool {
            guard a.isPlain && b.isPlain else { return folded(a.text, a.hasEscape) == folded(b.text, b.hasEscape) }
            guard a.text.count == b.text.count else { return false }
            for offset in 0..<a.text.count where Self.fold(bytes[a.text.lowerBound + offset]) != Self.fold(bytes[b.text.lowerBound + offset]) { return false }
            return true
        }
        /// Called when a value ends at `index`: closes a cut member.
        func valueEnded() {
            afterValue = true
            guard !stack.isEmpty else { return }
            if let cut = stack[stack.count - 1].cutStart {
                if !stack[stack.count - 1].insideCut { result.removedRanges.append(cut..<index) }
                stack[stack.count - 1].cutStart = nil
            }
        }

        while true {
            skipBlanks()
            guard index < count else { break }
            let byte = bytes[index]
            if expectingKey {
                // In an object: a key, or the end of an empty object / after a comma handled below.
                if byte == 0x7D, let top = stack.last, keys.count == top.keysStart, top.lastComma == -1 {
                    stack.removeLast()
                    index += 1
                    expectingKey = false
                    valueEnded()
                    continue
                }
                guard byte == 0x22 else { return nil }
                let keyLine = line, keyStart = index, keyLineStart = lineStart
                guard let span = skipString() else { return nil }
                skipBlanks()
                guard index < count, bytes[index] == 0x3A else { return nil }
                index += 1
                let isPlain = span.isASCII && !span.hasEscape
                let key = Key(text: span.text, hasEscape: span.hasEscape, isPlain: isPlain,
                              hash: isPlain ? Self.foldedHash(bytes[span.text]) : Self.foldedHash(folded(span.text, span.hasEscape).utf8), line: keyLine)
                let top = stack.count - 1
                var first: Key?
                if stack[top].index == nil && keys.count - stack[top].keysStart >= Self.linearKeyLimit {
                    var index: [String: Int] = [:]
                    for position in stack[top].keysStart..<keys.count { index[folded(keys[position].text, keys[position].hasEscape)] = position }
                    stack[top].index = index
                }
                if stack[top].index != nil {
                    let name = folded(key.text, key.hasEscape)
                    if let position = stack[top].index?[name] { first = keys[position] } else { stack[top].index?[name] = keys.count }
                } else {
                    first = keys[stack[top].keysStart...].first { $0.hash == key.hash && same($0, key) }
                }
                if let first {
                    stack[top].cutStart = stack[top].lastComma >= 0 ? stack[top].lastComma : keyStart
                    if !stack[top].insideCut {
                        // Counted on from the last mark of this line; a key starts at a quote, which never joins the
                        // character before it, so the counts of the two stretches add up.
                        if columnMark.offset < keyLineStart { columnMark = (keyLineStart, 1) }
                        let column = columnMark.column + String(decoding: UnsafeRawBufferPointer(rebasing: bytes[columnMark.offset..<keyStart]), as: UTF8.self).count
                        columnMark = (keyStart, column)
                        result.warnings.append(Diagnostic(
                            .warning, .duplicateKey,
                            "key '\(text(key.text, hasEscape: key.hasEscape))' repeats '\(text(first.text, hasEscape: first.hasEscape))' of line \(first.line) in the same object (keys ignore case); the first is used, this one ignored",
                            at: SourceLocation(file: path, line: keyLine, column: column)))
                    }
                } else {
                    keys.append(key)
                }
                expectingKey = false
                continue
            }
            let startsValue = byte != 0x2C && byte != 0x7D && byte != 0x5D
            // A value may not follow a value (no comma, or text after the root).
            if startsValue && afterValue { return nil }
            switch byte {
            case 0x7B, 0x5B:  // { [
                // Deeper than JSONDecoder reads (512): left to the decoder to refuse, at no cost here.
                guard stack.count < Self.maximumDepth else { return nil }
                let insideCut = stack.last.map { $0.insideCut || $0.cutStart != nil } ?? false
                stack.append(Container(isObject: byte == 0x7B, keysStart: keys.count, insideCut: insideCut))
                index += 1
                if byte == 0x7B {
                    expectingKey = true
                } else {
                    skipBlanks()
                    if index < count && bytes[index] == 0x5D {
                        index += 1
                        stack.removeLast()
                        valueEnded()
                    }
                }
            case 0x22:
                guard skipString() != nil else { return nil }
                valueEnded()
            case 0x2C:  // ,
                guard afterValue, let top = stack.last else { return nil }
                stack[stack.count - 1].lastComma = index
                index += 1
                afterValue = false
                if top.isObject { expectingKey = true }
            case 0x7D, 0x5D:  // } ]
                guard afterValue, let top = stack.last, top.isObject == (byte == 0x7D) else { return nil }
                keys.removeSubrange(top.keysStart...)
                stack.removeLast()
                index += 1
                valueEnded()
            default:
                // A number, true, false or null: up to the next delimiter.
                let start = index
                while index < count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
                guard index > start else { return nil }
                valueEnded()
            }
        }
        guard stack.isEmpty, afterValue else { return nil }
        result.removedRanges.sort { $0.lowerBound < $1.lowerBound }
        return result
    }
}

/// Any JSON object key.
package struct AnyCodingKey: CodingKey {
    package var stringValue: String
    package var intValue: Int?
    package init(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

/// The input error for JSON that failed to decode: a syntax error with its line and column (found with
/// `JSONSerialization`, since `JSONDecoder` on Linux does not say where), or a content error with its row and key.
package func invalidJSON(_ error: any Error, data: Data, path: String) -> InputError {
    if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "malformed JSON"
            // Foundation names the byte offset ("character 91"); a truncated file is reported without one, and its
            // place is the end of the file.
            let offset = detail.range(of: #"character (\d+)"#, options: .regularExpression).flatMap { Int(detail[$0].dropFirst("character ".count)) }
                ?? (detail.lowercased().contains("end of file") ? data.count : nil)
            if let offset {
                var line = 1, column = 1
                for byte in data.prefix(offset) {
                    if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
                return .invalid(path: path, line: line, column: column, message: "not valid JSON: \(detail)")
            }
            return .invalid(path: path, line: nil, column: nil, message: "not valid JSON: \(detail)")
        }
    }
    return .invalid(path: path, line: nil, column: nil, message: describeDecodingError(error))
}

/// A short, actionable description of a JSON decoding failure: where (row, key) and what.
package func describeDecodingError(_ error: any Error) -> String {
    func path(_ codingPath: [any CodingKey]) -> String {
        let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.isEmpty ? "top level" : String(text.drop { $0 == "." })
    }
    switch error {
    case DecodingError.dataCorrupted(let context):
        // A value in a valid document (a number that does not fit) is named by its place, never as a syntax error.
        if !context.codingPath.isEmpty && context.underlyingError == nil {
            return "\(path(context.codingPath)): \(context.debugDescription)"
        }
        if let underlying = context.underlyingError as NSError?, let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
            return "not valid JSON: \(detail)"
        }
        return context.codingPath.isEmpty ? "not valid JSON: \(context.debugDescription)" : "\(path(context.codingPath)): \(context.debugDescription)"
    case DecodingError.keyNotFound(let key, let context):
        return "\(path(context.codingPath)): missing field '\(key.stringValue)'"
    case DecodingError.typeMismatch(let type, let context):
        return "\(path(context.codingPath)): expected \(describe(type: type))"
    case DecodingError.valueNotFound(let type, let context):
        return "\(path(context.codingPath)): expected \(describe(type: type)), found null"
    default:
        return "\(error)"
    }
}

private func describe(type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Double.Type: "a number"
    case is Bool.Type: "true or false"
    default: type == [Any].self ? "an array" : "\(type)"
    }
}
