// libFuzzer target: the users CSV reader (delimiter detection, quoting, required columns).
// Built by Scripts/fuzz.sh. Any input must give a user directory or an InputError.
import AXModel
import AXReading
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUsersCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    // The same decoding the file reader uses: invalid UTF-8 is an error, not a crash.
    guard let text = try? decodeText(bytes, path: "fuzz.csv") else { return 0 }
    if let directory = try? UserDirectory.parse(text, path: "fuzz.csv") {
        _ = directory.users.count
    }
    return 0
}
