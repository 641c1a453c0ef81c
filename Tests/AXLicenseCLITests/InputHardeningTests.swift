import AXTestSupport
import Foundation
import Testing

/// A small valid workspace (one role Clerk, one privilege P mapped to Finance with IsUnique 1) in a temporary folder,
/// to break or scale in one place.
private func smallWorkspace(_ folder: TemporaryFolder) throws -> String {
    let workspace = folder.url.appendingPathComponent("ws").path
    try FileManager.default.copyItem(atPath: BadInputFixture.baseWorkspace.path, toPath: workspace)
    try #"[{"PrivilegeIdentifier": "P", "SkuName": "Finance", "IsUnique": 1}]"#.write(toFile: workspace + "/LicensingServicePlansPrivilege.json", atomically: true, encoding: .utf8)
    return workspace
}

/// The built-in catalog with Finance's base price replaced by `price` (JSON number text).
private func catalog(financePrice price: String) throws -> String {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("Data/skus.json"), encoding: .utf8)
    let pattern = try NSRegularExpression(pattern: #"("name": "Finance",[^}]*?"basePrice": )[0-9.]+"#)
    let replaced = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1" + price)
    #expect(replaced != text)
    return replaced
}

private func users(_ count: Int) -> String {
    var text = "UserId,SecurityRoleIdentifier\n"
    text.reserveCapacity(count * 16)
    for index in 0..<count { text += "u\(index),Clerk\n" }
    return text
}

@Suite struct MoneyBoundTests {
    /// The issue's shape: ~93,000 users each needing an SKU priced at the accepted limit. The total is exact.
    @Test func highestAcceptedPriceTimesNinetyThreeThousandUsersIsExact() throws {
        let folder = TemporaryFolder()
        let workspace = try smallWorkspace(folder)
        try catalog(financePrice: "1000000").write(toFile: workspace + "/skus.json", atomically: true, encoding: .utf8)
        try users(93_001).write(toFile: workspace + "/users.csv", atomically: true, encoding: .utf8)
        let result = try axlicense("estimate", "--workspace", workspace, "--skus", workspace + "/skus.json", "--no-db", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try json(result.stdout)["summary"] as? [String: Any])
        #expect((summary["monthlyCost"] as? NSNumber)?.int64Value == 93_001_000_000)
    }

    /// A price over the limit (by a cent, or the old limit's just-under value that trapped) is refused, naming the
    /// file, the SKU and the field, before any sum is made.
    @Test(arguments: ["1000000.01", "999999999999.99", "5e11"])
    func priceOverTheLimitIsAnErrorNamingTheFileAndField(price: String) throws {
        let folder = TemporaryFolder()
        let workspace = try smallWorkspace(folder)
        let path = workspace + "/skus.json"
        try catalog(financePrice: price).write(toFile: path, atomically: true, encoding: .utf8)
        try users(93_000).write(toFile: workspace + "/users.csv", atomically: true, encoding: .utf8)
        let result = try axlicense("estimate", "--workspace", workspace, "--skus", path, "--no-db")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(path): error: skus[3].basePrice: "), "\(result.stderr)")
        #expect(result.stderr.contains(" is over the highest accepted price, 1000000.00 per user per month (Finance)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}

@Suite struct DuplicateJSONKeyTests {
    /// `"SkuName": "Finance", "skuname": "Commerce"` in one row: every run (each with its own hash seed) prices the
    /// user with Finance, the first in the file, and warns at the repeated key's line.
    @Test func caseVariantDuplicateKeyGivesTheSameAnswerEveryRun() throws {
        let folder = TemporaryFolder()
        let workspace = try BadInputFixture("skumap-duplicate-key-warning").workspace(in: folder)
        for _ in 0..<8 {
            let result = try axlicense("estimate", "--workspace", workspace, "--no-db", "--format", "csv")
            #expect(result.status == 0)
            #expect(result.stdout.hasSuffix("bob,Yes,Clerk,TeamMembers,Operations,Finance,,210.00\n"), "\(result.stdout)")
            // CSV holds one table, so the method (legacy: the workspace has no object-license data) is named on stderr first.
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first == "Method: legacy entry-point + SKU-map licensing (no object-license data found; Microsoft licenses by securable object since 10.0.44)")
            #expect(lines.dropFirst().first?.hasPrefix("\(workspace)/LicensingServicePlansPrivilege.json:3:4: warning: key 'skuname' repeats 'SkuName'") == true, "\(result.stderr)")
        }
    }
}
