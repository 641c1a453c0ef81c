// libFuzzer target: the LicensingServicePlansPrivilege JSON reader against the built-in SKU catalog.
// Built by Scripts/fuzz.sh. Any input must give a SKU map or an InputError.
import AXLicensing
import AXReading
import Foundation

private let catalog = SkuCatalog.builtIn()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSkuMap(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size)
    if let map = try? SkuMap.decode(json, catalog: catalog, source: "fuzz.json") {
        _ = map.requirement(forPrivilege: "AccountsPayableInvoiceMaintain")
    }
    return 0
}
