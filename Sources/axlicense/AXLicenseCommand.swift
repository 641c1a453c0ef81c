import ArgumentParser

@main
struct AXLicenseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "axlicense",
        abstract: "Computes the Dynamics 365 Finance & Operations user licenses a security setup requires.",
        discussion: """
            Reads AOT security metadata (roles, duties, privileges, extensions, menu items), the \
            LicensingServicePlansPrivilege SKU map and user role assignments, and reports entry-point \
            licenses and the cheapest base + attach SKU set per user, role, duty and privilege.

            Inputs by workspace convention (--workspace DIR, default the current folder):
              DIR/Metadata/                              AOT metadata tree (--metadata)
              DIR/LicensingServicePlansPrivilege.json    SKU map (--sku-map)
              DIR/users.csv                              role assignments (--users)
              DIR/entitlements.json                      purchased licenses, for check (--entitlements)
              DIR/.axlicense/state.sqlite                audit log and usage history (--db, --no-db)
            The SKU catalog is built in (Data/skus.json); replace it with --skus FILE.

            Exit status:
              0   success
              1   an input could not be read, or metadata files are malformed (without --keep-going)
              2   --strict was given and there are warnings (the report is still written)
              3   check: a license notification selected by --fail-on fired; diff: the --fail-on policy failed
                  (the report is still written)
              64  invalid command line
            """,
        version: "0.1.0",
        subcommands: [EstimateCommand.self, RolesCommand.self, PermissionsCommand.self, ExplainCommand.self, WhatIfCommand.self, ReportCommand.self, CheckCommand.self, DiffCommand.self, AuditCommand.self, HistoryCommand.self, GenerateCommand.self]
    )
}
