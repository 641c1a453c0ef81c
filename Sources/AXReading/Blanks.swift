extension StringProtocol {
    /// The string without leading and trailing spaces, tabs, line breaks and byte order marks.
    public func trimmingBlanks() -> String { String(self).trimmingBlanks() }
}

extension String {
    /// The string without leading and trailing spaces, tabs, line breaks and byte order marks. Every value the
    /// metadata parse keeps passes through here, so the common case (nothing to trim) reads two bytes and copies none.
    public func trimmingBlanks() -> String {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var string = self
        let needsTrimming = string.withUTF8 { bytes -> Bool? in
            guard let first = bytes.first, let last = bytes.last else { return nil }
            return isBlank(first) || isBlank(last) || first == 0xEF
        }
        guard let needsTrimming else { return "" }
        if !needsTrimming { return string }
        var bytes = Array(utf8)[...]
        while true {
            if let byte = bytes.first, isBlank(byte) { bytes = bytes.dropFirst(); continue }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3); continue }
            break
        }
        while let byte = bytes.last, isBlank(byte) { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// The text with its line breaks written `\n` and `\r`: a message quoting input (a quoted CSV cell) stays on the
    /// one line a diagnostic or error is printed on.
    package var withLineBreaksEscaped: String {
        guard utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
