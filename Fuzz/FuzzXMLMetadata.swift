// libFuzzer target: the AOT XML metadata reader (libxml2 streaming reader + AOT record state machine).
// Built by Scripts/fuzz.sh, not by `swift build`. Any input must give an object, diagnostics or an
// XMLSyntaxError; a crash, hang or sanitizer report is a bug.
import AXModel
import AXReading

private let objectTypes = AOTObjectType.allCases
private let origin = ModelOrigin(package: "Fuzz", model: "Fuzz")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLMetadata(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    // The first byte picks the object type so every section of the state machine is reached.
    let type = objectTypes[Int(data[0]) % objectTypes.count]
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    if let output = try? AOTFileParser.parse(bytes, file: "fuzz.xml", type: type, origin: origin) {
        _ = output.diagnostics.count
    }
    return 0
}
