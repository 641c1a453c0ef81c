import ArgumentParser
import Foundation

/// The `axlicense` root command; the executable's `main` runs it.
package struct AXLicenseCommand: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
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
              DIR/entitlements.json                      purchased licenses, for check (--entitlements); replaced by
                                                         the licensing service's licenses after `license refresh`
              DIR/ObjectLicenses/                        Microsoft's per-object license data (--object-licenses)
              DIR/.axlicense/state.sqlite                audit log and usage history (--db, --no-db)
            The SKU catalog is built in (Data/skus.json); replace it with --skus FILE.
            With object-license data the per-object method (10.0.44 and later) is used, else the legacy one;
            --method legacy|objects|both chooses, and every output names the method it used.

            Exit status:
              0   success
              1   an input could not be read, or metadata files are malformed (without --keep-going)
              2   --strict was given and there are warnings (the report is still written)
              3   check: a license notification selected by --fail-on fired; diff: the --fail-on policy failed;
                  reconcile: --fail-on-disagreement and a user disagrees (the report is still written)
              64  invalid command line
            """,
        version: "0.1.0",
        subcommands: [EstimateCommand.self, RolesCommand.self, PermissionsCommand.self, ExplainCommand.self, WhatIfCommand.self, ReportCommand.self, CheckCommand.self, LicenseCommand.self, ReconcileCommand.self, DiffCommand.self, AuditCommand.self, HistoryCommand.self, ServeCommand.self, GenerateCommand.self]
    )

    /// Parses and runs a command like ArgumentParser's own `main`, but writes help, errors and reports through
    /// `Console`: a standard output or error that cannot be written ends the run with status 1, never a crash, and a
    /// closed pipe is an error to handle rather than a SIGPIPE that kills the process.
    package static func main() {
        signal(SIGPIPE, SIG_IGN)
        // A closed standard descriptor would be reused by the next file opened, and the report written into it: hold
        // each one with a read-only /dev/null, so writing there fails (EBADF) and the run ends with status 1.
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            _ = open("/dev/null", O_RDONLY)
        }
        ExitWithoutTeardown.enable()
        Foundation.exit(execute(Array(CommandLine.arguments.dropFirst())))
    }

    /// Parses `arguments` (without the program name) and runs the command in this process, returning the exit status
    /// `main` would end with: the executable and the in-process tests take the same path.
    package static func execute(_ arguments: [String]) -> Int32 {
        var status: Int32
        do {
            var command = try parseAllowingDashedNames(arguments)
            try command.run()
            status = 0
        } catch {
            status = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if status == 0 {
                    do { try Console.output(Data((message + "\n").utf8)) } catch { status = error.rawValue }
                } else {
                    Console.error(message)
                }
            }
        }
        if status == 0 && Console.standardErrorFailed { status = ExitStatus.inputError.rawValue }
        return status
    }

    /// Parses `arguments`; when that fails because a name that starts with a dash (`permissions -SYSADMIN-`) was read
    /// as options, parses them again with that name after `--`, where it can only be the positional argument. Options
    /// that take a name read the next argument whatever it is (`explain --role -SYSADMIN-`); a positional argument
    /// cannot, so a second parse decides. When no such reading parses, the first error stands.
    static func parseAllowingDashedNames(_ arguments: [String]) throws -> any ParsableCommand {
        do {
            return try parseAsRoot(arguments)
        } catch {
            // A command has at most one positional name: a few candidates are tried, never one parse per argument
            // of a hostile command line of thousands.
            let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
            for index in arguments.indices.dropFirst().filter({ $0 < end && isDashedName(arguments[$0]) }).prefix(3) {
                var moved = arguments
                let name = moved.remove(at: index)
                if let separator = moved.firstIndex(of: "--") { moved.insert(name, at: separator + 1) } else { moved += ["--", name] }
                if let command = try? parseAsRoot(moved) { return command }
            }
            throw error
        }
    }

    /// `-SYSADMIN-`: one dash and more than one character after it, which no option of axlicense spells (its short
    /// options are single letters, `-q`).
    private static func isDashedName(_ argument: String) -> Bool {
        argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.count > 2
    }
}
