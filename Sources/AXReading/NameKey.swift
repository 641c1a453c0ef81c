import Foundation

/// The form every name is compared in: AOT object names (roles, duties, privileges, menu items), user ids, role
/// ids in the users file and SKU names.
///
/// Two spellings name the same thing when they are equal after Unicode canonical normalisation (NFC) and full case
/// folding: `Café` typed with a precomposed `é` and with `e` + combining acute are one role, as are `ROLE` and
/// `role`. Byte equality of keys is name equality, so keys also sort and hash the same everywhere. Each lookup table
/// is keyed by `NameKey`, which makes it the one way names are compared.
public struct NameKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The normalised, case-folded name.
    public let text: String

    /// The key of `name`.
    public init(_ name: String) {
        // ASCII, the common case: lowering A–Z is both NFC and full case folding; a name without capitals is its own
        // key. One pass over contiguous bytes, one allocation at most: every reference of every object is keyed.
        var name = name
        let key: String?? = name.withUTF8 { bytes -> String?? in
            guard let first = bytes.firstIndex(where: { $0 &- 0x41 < 26 || $0 >= 0x80 }) else { return .some(nil) }
            if bytes[first...].contains(where: { $0 >= 0x80 }) { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for index in bytes.indices { buffer[index] = bytes[index] &- 0x41 < 26 ? bytes[index] + 0x20 : bytes[index] }
                return bytes.count
            }
        }
        switch key {
        case .some(.some(let lowered)): text = lowered
        case .some(.none): text = name
        case .none: text = Self.folded(name)
        }
    }

    /// A key read back from bytes `append(_:to:)` wrote.
    package init(keyBytes: some Collection<UInt8>) {
        text = String(decoding: keyBytes, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes of `name`'s key, without building a `String` for an ASCII name.
    package static func append(_ name: String, to bytes: inout [UInt8]) {
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in name.utf8 { bytes.append(byte &- 0x41 < 26 ? byte + 0x20 : byte) }
        } else {
            bytes.append(contentsOf: folded(name).utf8)
        }
    }

    /// Canonical caseless form (Unicode D145) composed again: NFC(fold(NFD(name))).
    private static func folded(_ name: String) -> String {
        name.decomposedStringWithCanonicalMapping.folding(options: .caseInsensitive, locale: nil).precomposedStringWithCanonicalMapping
    }

    public static func < (lhs: NameKey, rhs: NameKey) -> Bool { lhs.text.utf8.lexicographicallyPrecedes(rhs.text.utf8) }

    public var description: String { text }
}
