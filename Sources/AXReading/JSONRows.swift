/// The one shape rule for JSON inputs that hold a list of rows (the SKU map, purchased licenses): the file is either an
/// array of rows, or an object with exactly one array member that holds them, whatever its key
/// (`{"LicensingServicePlansPrivilege": [...]}`, `{"products": [...]}`, `{"value": [...]}` as OData writes it).
///
/// One rule, so every row input accepts what another does, and an object with two arrays is an error rather than a
/// guess at which one was meant.
public struct JSONRows<Row: Decodable>: Decodable {
    /// The rows, in file order.
    public var rows: [Row]

    public init(from decoder: any Decoder) throws {
        if let array = try? decoder.singleValueContainer(), (try? array.decode([ShapeProbe].self)) != nil {
            rows = try decoder.singleValueContainer().decode([Row].self)
            return
        }
        let object: KeyedDecodingContainer<AnyCodingKey>
        do {
            object = try decoder.container(keyedBy: AnyCodingKey.self)
        } catch {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "expected an array of rows, or an object holding one"))
        }
        let arrayKeys = object.allKeys.filter { (try? object.decode([ShapeProbe].self, forKey: $0)) != nil }
        guard arrayKeys.count == 1, let key = arrayKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "expected an array of rows, or an object with exactly one array member (found \(arrayKeys.count))"))
        }
        rows = try object.decode([Row].self, forKey: key)
    }
}

/// Decodes any JSON value without looking at it, to test a value's shape.
private struct ShapeProbe: Decodable {
    init(from decoder: any Decoder) throws {}
}
