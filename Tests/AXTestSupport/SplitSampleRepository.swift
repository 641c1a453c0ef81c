import Foundation

/// The sample split as a real D365FO repository is: `repo/` holds only the custom model (`Metadata/ContosoExtensions`)
/// with the workspace files (users, SKU map, object licenses), and `NuGets/` beside it the standard models laid out as
/// `nuget install -ExcludeVersion` extracts the build NuGet packages (Docs/reference-metadata.md): each package's
/// `ref/net40` is a folder of X++ packages, the folder MSBuild's `ReferenceFolder` names, each X++ package with its
/// `bin/` assemblies, its `Descriptor/` and its compiled metadata (`…ApplicationSuite.DevALM.BuildXpp/ref/net40/
/// ApplicationSuite/XppMetadata/Foundation/Ax…`, `…Platform.DevALM.BuildXpp/ref/net40/ApplicationPlatform/XppMetadata/
/// ApplicationPlatform/Ax…`); the compiler package holds tools only.
package struct SplitSampleRepository {
    /// The temporary folder holding `repo/` and `NuGets/`.
    package let folder: TemporaryFolder
    package var root: URL { folder.url }
    /// The repository (the workspace folder).
    package var repository: URL { root.appendingPathComponent("repo") }
    /// The reference folder.
    package var nugets: URL { root.appendingPathComponent("NuGets") }
    /// The custom role file that CI scenarios change.
    package var auditorRole: URL {
        repository.appendingPathComponent("Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/ContosoAuditorA.xml")
    }

    /// Lays the split sample out in a new temporary folder; with `config`, `repo/axlicense.json` names `../NuGets`.
    package init(config: Bool = true) throws {
        folder = TemporaryFolder()
        let fileManager = FileManager.default
        let sample = sampleWorkspaceFolder
        let repository = folder.url.appendingPathComponent("repo"), nugets = folder.url.appendingPathComponent("NuGets")
        try fileManager.createDirectory(at: repository.appendingPathComponent("Metadata"), withIntermediateDirectories: true)
        try fileManager.copyItem(at: sample.appendingPathComponent("Metadata/ContosoExtensions"), to: repository.appendingPathComponent("Metadata/ContosoExtensions"))
        for name in ["users.csv", "LicensingServicePlansPrivilege.json", "ObjectLicenses"] {
            try fileManager.copyItem(at: sample.appendingPathComponent(name), to: repository.appendingPathComponent(name))
        }
        let layout = [("Microsoft.Dynamics.AX.ApplicationSuite.DevALM.BuildXpp", "ApplicationSuite", "Foundation"),
                      ("Microsoft.Dynamics.AX.Platform.DevALM.BuildXpp", "ApplicationPlatform", "ApplicationPlatform")]
        for (nuget, package, model) in layout {
            let packageFolder = nugets.appendingPathComponent("\(nuget)/ref/net40/\(package)")
            try fileManager.createDirectory(at: packageFolder.appendingPathComponent("XppMetadata"), withIntermediateDirectories: true)
            try fileManager.copyItem(at: sample.appendingPathComponent("Metadata/\(package)/\(model)"), to: packageFolder.appendingPathComponent("XppMetadata/\(model)"))
            folder.write("NuGets/\(nuget)/ref/net40/\(package)/bin/Dynamics.AX.\(package).dll", "not an assembly: never read")
            folder.write("NuGets/\(nuget)/ref/net40/\(package)/Descriptor/\(model).xml", "<AxModelInfo><Name>\(model)</Name></AxModelInfo>")
        }
        folder.write("NuGets/Microsoft.Dynamics.AX.Platform.CompilerPackage/DevAlm/README.txt", "the X++ compiler and build tasks: no metadata")
        if config { folder.write("repo/axlicense.json", "{ \"references\": [\"../NuGets\"] }\n") }
    }

    /// Makes `repo/` a git repository with everything committed.
    package func commitAll(_ message: String) throws {
        if !FileManager.default.fileExists(atPath: repository.appendingPathComponent(".git").path) { try git(["init", "-q", "-b", "main"], in: repository) }
        try git(["add", "-A"], in: repository)
        try git(["commit", "-q", "--allow-empty", "-m", message], in: repository)
    }

    /// Adds the standard duty `SalesOrdersMaintain` to the custom role ContosoAuditorA (line 12 of its file): the
    /// escalation the gate must catch.
    package func addSalesOrdersMaintainToAuditor() throws {
        let text = try String(contentsOf: auditorRole, encoding: .utf8)
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        let changed = text.replacingOccurrences(of: "<Name>LedgerJournalsInquire</Name>", with: "<Name>LedgerJournalsInquire</Name>" + newline
            + "\t\t</AxSecurityDutyReference>" + newline + "\t\t<AxSecurityDutyReference>" + newline + "\t\t\t<Name>SalesOrdersMaintain</Name>")
        precondition(changed != text, "ContosoAuditorA.xml no longer has the expected shape")
        try changed.write(to: auditorRole, atomically: true, encoding: .utf8)
    }
}
