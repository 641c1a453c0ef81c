extension StringProtocol {
    /// The string without leading and trailing spaces, tabs, line breaks and byte order marks.
    public func trimmingBlanks() -> String {
        let string = String(self)
        let utf8 = string.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = utf8.first, let last = utf8.last else { return "" }
        // Fast path: nothing to trim (almost every AOT value).
        if !isBlank(first) && !isBlank(last) && first != 0xEF { return string }
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
