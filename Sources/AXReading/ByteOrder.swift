#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The positions of `keys` in ascending order of their UTF-8 bytes (shorter first when one is a prefix of another).
///
/// The order that decides duplicate definitions (file paths) and the order of objects (names): byte order is stable
/// across platforms and locales, and comparing with `memcmp` over one buffer holding every key costs a fraction of
/// Unicode-aware `String` comparison or of an array per key, on the 50,000 keys of a full application.
package func byteOrder(_ keys: [String]) -> [Int] {
    SortKeys(count: keys.count) { index, bytes in bytes.append(contentsOf: keys[index].utf8) }.ascendingOrder()
}

/// Byte-string keys held in one buffer, so that sorting compares them with `memcmp`.
package struct SortKeys {
    private var bytes: [UInt8] = []
    private var spans: [(start: Int, count: Int)] = []

    /// Holds the keys `writeKey` appends for each of `0..<count`.
    package init(count: Int, writeKey: (Int, inout [UInt8]) -> Void) {
        spans.reserveCapacity(count)
        for index in 0..<count {
            let start = bytes.count
            writeKey(index, &bytes)
            spans.append((start, bytes.count - start))
        }
    }

    /// The positions in ascending byte order of their keys (shorter first when one is a prefix of another).
    package func ascendingOrder() -> [Int] {
        var order = Array(spans.indices)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }  // every key empty: any order is ascending
            order.sort { a, b in
                let x = spans[a], y = spans[b]
                let result = memcmp(base + x.start, base + y.start, min(x.count, y.count))
                return result != 0 ? result < 0 : x.count < y.count
            }
        }
        return order
    }

    /// The key of position `index`.
    package subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[spans[index].start..<spans[index].start + spans[index].count]
    }
}

/// Names compared by their `NameKey`, sorted, with the repeats of each found.
///
/// Security objects are looked up by name regardless of case and Unicode normalisation and listed in name order; two
/// definitions of one name are a conflict that the first (in the given order: sorted file paths) wins.
package struct UniqueNames {
    /// The position of each name's first occurrence, ordered by name key in byte order.
    package var order: [Int] = []
    /// Every later occurrence of a name, with the position of its first occurrence.
    package var duplicates: [(duplicate: Int, first: Int)] = []
    /// Each name's key, mapped to its place in `order`.
    package var index: [NameKey: Int] = [:]

    package init(_ names: [String]) {
        // Key: the name key, a NUL (names hold none), then the position: equal names end up adjacent,
        // first occurrence first, whatever the sort's stability.
        let keys = SortKeys(count: names.count) { position, bytes in
            NameKey.append(names[position], to: &bytes)
            bytes.append(0)
            withUnsafeBytes(of: UInt64(position).bigEndian) { bytes.append(contentsOf: $0) }
        }
        index.reserveCapacity(names.count)
        order.reserveCapacity(names.count)
        var previous: ArraySlice<UInt8> = []
        for position in keys.ascendingOrder() {
            let name = keys[position].dropLast(9)
            if let first = order.last, name == previous {
                duplicates.append((position, first))
            } else {
                index[NameKey(keyBytes: name)] = order.count
                order.append(position)
                previous = name
            }
        }
    }
}

extension Array {
    /// Keeps the elements at `positions`, in that order (each position at most once), moving them by swaps.
    ///
    /// Inlinable, as `permute(by:)`: the security graph (another module) calls both on arrays of its objects, and
    /// unspecialised they move every element through its type's value witnesses.
    @inlinable
    package mutating func keep(_ positions: [Int]) {
        guard positions.count < count else { return permute(by: positions) }
        var kept = [Bool](repeating: false, count: count)
        for position in positions { kept[position] = true }
        permute(by: positions + indices.filter { !kept[$0] })
        removeLast(count - positions.count)
    }

    /// Reorders in place so that the element at `order[i]` comes to position `i`, by swaps: elements move without
    /// being copied, which for structs of strings saves a retain and a release per field (measurable on 30,000 menu
    /// items).
    @inlinable
    package mutating func permute(by order: [Int]) {
        precondition(order.count == count, "a permutation of every position")
        for index in order.indices {
            var source = order[index]
            // Positions before `index` are final: follow where their first occupant was swapped to.
            while source < index { source = order[source] }
            swapAt(index, source)
        }
    }
}
