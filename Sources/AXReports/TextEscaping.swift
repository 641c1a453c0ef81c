import Foundation

/// The boundary every rendered output passes on its way out: what no output may carry, whatever the inputs held.
package enum OutputText {
    /// True for the characters no output carries (each becomes U+FFFD): control characters other than tab, line
    /// feed and carriage return (NUL, escape, the other C0 codes, DEL, the C1 codes U+0080–U+009F), and the
    /// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a name
    /// display as another (Trojan Source, CVE-2021-42574). The one rule for every renderer and the workbook.
    package static func isReplaced(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// The UTF-8 bytes of a rendered output, with every character `isReplaced` names replaced by U+FFFD: a NUL cuts
    /// short C tools and file viewers, an escape sequence in a name would drive the terminal that shows a table, and a
    /// bidirectional override would make it read as another name.
    package static func bytes(_ text: String) -> Data {
        var text = text
        return text.withUTF8 { utf8 in
            /// How many bytes the control character at `index` takes (0: none there).
            func controlWidth(_ index: Int) -> Int {
                let byte = utf8[index]
                if byte < 0x20 { return byte == 0x09 || byte == 0x0A || byte == 0x0D ? 0 : 1 }
                if byte == 0x7F { return 1 }
                // U+0080…U+009F are C2 80…C2 9F; 0xC2 is never a continuation byte.
                if byte == 0xC2, index + 1 < utf8.count, (0x80...0x9F).contains(utf8[index + 1]) { return 2 }
                // U+202A…U+202E are E2 80 AA…AE; U+2066…U+2069 are E2 81 A6…A9.
                if byte == 0xE2, index + 2 < utf8.count {
                    let second = utf8[index + 1], third = utf8[index + 2]
                    if (second == 0x80 && (0xAA...0xAE).contains(third)) || (second == 0x81 && (0xA6...0xA9).contains(third)) { return 3 }
                }
                return 0
            }
            // Nearly every output has none: one pass over the bytes, then a plain copy.
            var first = 0
            while first < utf8.count {
                let byte = utf8[first]
                if (byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2) && controlWidth(first) > 0 { break }
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
        OutputText.isReplaced(scalar) || scalar == "\n" || scalar == "\r"
    }
}

/// Text made safe for XML and HTML content and attribute values (the HTML report, the workbook, JUnit); characters
/// XML 1.0 forbids (U+FFFE, U+FFFF) and those no output carries (`OutputText.isReplaced`: control characters but tab
/// and line breaks, C1 codes, bidirectional overrides) become U+FFFD. The workbook is a zip, so it does not pass
/// through `OutputText.bytes`: this is where its cells get the rule.
package func xmlEscaped(_ text: String) -> String {
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
            let forbidden = OutputText.isReplaced(scalar) || scalar.value == 0xFFFE || scalar.value == 0xFFFF
            result.unicodeScalars.append(forbidden ? "\u{FFFD}" : scalar)
        }
    }
    return result
}
