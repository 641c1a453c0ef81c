import Foundation

/// The boundary every rendered output passes on its way out: what no output may carry, whatever the inputs held.
public enum OutputText {
    /// The UTF-8 bytes of a rendered output, with every control character other than tab, line feed and carriage return
    /// (NUL, escape, the other C0 codes, DEL and the C1 codes) replaced by U+FFFD: a NUL cut short C tools and file
    /// viewers, and an escape sequence in a name would drive the terminal that shows a table.
    public static func bytes(_ text: String) -> Data {
        var text = text
        return text.withUTF8 { utf8 in
            /// How many bytes the control character at `index` takes (0: none there).
            func controlWidth(_ index: Int) -> Int {
                let byte = utf8[index]
                if byte < 0x20 { return byte == 0x09 || byte == 0x0A || byte == 0x0D ? 0 : 1 }
                if byte == 0x7F { return 1 }
                // U+0080…U+009F are C2 80…C2 9F; 0xC2 is never a continuation byte.
                if byte == 0xC2, index + 1 < utf8.count, (0x80...0x9F).contains(utf8[index + 1]) { return 2 }
                return 0
            }
            // Nearly every output has none: one pass over the bytes, then a plain copy.
            var first = 0
            while first < utf8.count {
                let byte = utf8[first]
                if (byte < 0x20 || byte == 0x7F || byte == 0xC2) && controlWidth(first) > 0 { break }
                first += 1
            }
            guard first < utf8.count else { return Data(utf8) }
            var bytes = [UInt8](utf8[..<first])
            bytes.reserveCapacity(utf8.count + 16)
            var index = first
            while index < utf8.count {
                let width = controlWidth(index)
                if width > 0 {
                    bytes += [0xEF, 0xBF, 0xBD]
                    index += width
                } else {
                    bytes.append(utf8[index])
                    index += 1
                }
            }
            return Data(bytes)
        }
    }
}

/// Markdown made from text a user's inputs supplied: names, labels, paths, messages.
enum Markdown {
    /// Text for a line, table cell, heading or list item of GitHub-flavoured markdown, shown as written: line breaks
    /// become spaces (a name cannot start a heading, a row or a paragraph), other control characters U+FFFD, and the
    /// characters that open links, images, HTML, emphasis, code, math or a table cell are backslash-escaped.
    ///
    /// GitHub also turns text into notifications and cross-links after rendering, where a backslash no longer counts:
    /// `@name` and `@org/team` notify people, `#123` (and `owner/repo#123`) links an issue and adds a "mentioned"
    /// event to it. So `@` or `#` right before a letter, digit or `_` gets a zero-width space (U+200B) after it: the
    /// name reads the same and GitHub links nothing.
    static func text(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var previous: Unicode.Scalar?
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            defer { previous = scalar }
            switch scalar {
            case let sign where (sign == "@" || sign == "#") && next.map(isReferenceStart) == true:
                result.unicodeScalars.append(scalar)
                result.unicodeScalars.append(zeroWidthSpace)
            case "\n" where previous == "\r":
                continue
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}":
                result += " "
            case "\\", "`", "*", "_", "[", "]", "<", "|", "~", "&", "$":
                result += "\\"
                result.unicodeScalars.append(scalar)
            default:
                result.unicodeScalars.append(isControl(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        return result
    }

    /// Written after an `@` or `#` that would start a GitHub mention or issue reference.
    private static let zeroWidthSpace: Unicode.Scalar = "\u{200B}"

    /// True for what may follow `@` in a GitHub mention or `#` in an issue reference.
    private static func isReferenceStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// A code span showing `text` literally: a backtick fence longer than any run of backticks inside, padded with
    /// spaces when the text holds a backtick or starts or ends with a space; line breaks become spaces.
    static func code(_ text: String) -> String {
        var content = ""
        var longestRun = 0, run = 0
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if scalar == "`" { run += 1; longestRun = max(longestRun, run) } else { run = 0 }
            switch scalar {
            case "\n" where previous == "\r":
                continue
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}":
                content += " "
            default:
                content.unicodeScalars.append(isControl(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padded = longestRun > 0 || content.hasPrefix(" ") || content.hasSuffix(" ")
        return padded ? "\(fence) \(content) \(fence)" : fence + content + fence
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }
}

/// Text made safe for XML and HTML content and attribute values (the HTML report, the workbook, JUnit); characters
/// XML 1.0 forbids (control characters but tab and line breaks, U+FFFE, U+FFFF) become U+FFFD.
func xmlEscaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
        default:
            let forbidden = scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF
            result.unicodeScalars.append(forbidden ? "\u{FFFD}" : scalar)
        }
    }
    return result
}
