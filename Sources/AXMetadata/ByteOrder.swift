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
func byteOrder(_ keys: [String]) -> [Int] {
    byteOrder(count: keys.count) { index, bytes in bytes.append(contentsOf: keys[index].utf8) }
}

/// The positions `0..<count` in ascending byte order of the keys `writeKey` appends for each.
func byteOrder(count: Int, writeKey: (Int, inout [UInt8]) -> Void) -> [Int] {
    var bytes: [UInt8] = []
    var spans: [(start: Int, count: Int)] = []
    spans.reserveCapacity(count)
    for index in 0..<count {
        let start = bytes.count
        writeKey(index, &bytes)
        spans.append((start, bytes.count - start))
    }
    var order = Array(0..<count)
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

extension Array {
    /// Reorders in place so that the element at `order[i]` comes to position `i`, by swaps: elements move without
    /// being copied, which for structs of strings saves a retain and a release per field (measurable on 30,000 menu
    /// items).
    mutating func permute(by order: [Int]) {
        precondition(order.count == count, "a permutation of every position")
        for index in order.indices {
            var source = order[index]
            // Positions before `index` are final: follow where their first occupant was swapped to.
            while source < index { source = order[source] }
            swapAt(index, source)
        }
    }
}
