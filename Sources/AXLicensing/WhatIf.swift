import AXModel
import AXReading

/// A user's license before and after a change of their role assignments (`what-if --user`).
public struct UserWhatIf: Sendable {
    /// The user's license with the roles the users file gives them.
    public var before: UserLicense
    /// The user's license with the roles added and removed.
    public var after: UserLicense
    /// Roles assigned, as the metadata spells them.
    public var addedRoles: [String]
    /// Roles whose assignments were removed, as given.
    public var removedRoles: [String]
    /// After minus before, per month.
    public var monthlyCostDelta: Money { after.license.monthlyCost - before.license.monthlyCost }

    /// Why the license changed when the roles' privileges do not say it: the change gave or took System administrator,
    /// whose holders need no license (10.0.44 rule), so the cost drops to 0 or comes back.
    public var notes: [String] {
        switch (before.basis == .systemAdministrator, after.basis == .systemAdministrator) {
        case (false, true):
            ["the user now holds System administrator (\(EstimateOptions.systemAdministratorRole)), whose holders need no license (10.0.44 rule): the cost drops to 0, whatever the other roles need"]
        case (true, false):
            ["the user no longer holds System administrator (\(EstimateOptions.systemAdministratorRole)), whose holders need no license (10.0.44 rule): the license now follows the other roles"]
        default:
            []
        }
    }
}

/// Changes to one role's own links (its direct privileges and duties), as a security change would make them.
public struct RoleEdit: Sendable, Hashable {
    /// Privileges to add to the role directly.
    public var addPrivileges: [String]
    /// Direct privileges to remove from the role.
    public var removePrivileges: [String]
    /// Duties to add to the role.
    public var addDuties: [String]
    /// Duties to remove from the role.
    public var removeDuties: [String]

    public init(addPrivileges: [String] = [], removePrivileges: [String] = [], addDuties: [String] = [], removeDuties: [String] = []) {
        self.addPrivileges = addPrivileges
        self.removePrivileges = removePrivileges
        self.addDuties = addDuties
        self.removeDuties = removeDuties
    }

    /// True when the edit changes nothing.
    public var isEmpty: Bool { addPrivileges.isEmpty && removePrivileges.isEmpty && addDuties.isEmpty && removeDuties.isEmpty }
}

/// One role whose license an edit changes or could change: the edited role and every role holding it as a sub-role.
public struct RoleLicenseChange: Sendable, Hashable {
    /// The role's name as defined.
    public var role: String
    /// What a user holding only this role needs now.
    public var before: LicenseChoice
    /// The same after the edit.
    public var after: LicenseChoice
}

/// One user whose license an edit changes.
public struct UserLicenseChange: Sendable, Hashable {
    /// The user id as in the users file.
    public var userId: String
    /// The license now.
    public var before: LicenseChoice
    /// The license after the edit.
    public var after: LicenseChoice
    /// After minus before, per month.
    public var monthlyCostDelta: Money { after.monthlyCost - before.monthlyCost }
}

/// A role's license before and after an edit, and what it does to the users holding it (`what-if --role`).
public struct RoleWhatIf: Sendable {
    /// The edited role's name as defined.
    public var role: String
    /// The edit applied.
    public var edit: RoleEdit
    /// The edited role first, then the roles that hold it as a sub-role, by name.
    public var roles: [RoleLicenseChange]
    /// Enabled users with an enabled assignment to one of `roles`.
    public var usersAssigned: Int
    /// Users whose license changes, by user id.
    public var usersChanged: [UserLicenseChange]
    /// Things worth knowing that do not stop the answer: a removed privilege still granted another way, an
    /// added privilege the role already had.
    public var notes: [String]
    /// The change in the total monthly cost over all users.
    public var monthlyCostDelta: Money { usersChanged.reduce(.zero) { $0 + $1.monthlyCostDelta } }
}

/// Why a what-if question could not be answered.
public enum WhatIfError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The user, role, duty or privilege named is not there.
    case lookup(LookupError)
    case userLacksRole(user: String, role: String)
    case notDirectlyGranted(role: String, type: SecurableObjectType, name: String, path: String?)
    case noChange

    /// What went wrong and how to put it right.
    public var description: String {
        switch self {
        case .lookup(let error): error.description
        case .userLacksRole(let user, let role): "user '\(user)' has no enabled assignment to role '\(role)' to remove"
        case .notDirectlyGranted(let role, let type, let name, let path):
            "role '\(role)' does not hold \(type.rawValue) '\(name)' directly"
                + (path.map { "; it is granted through \($0): change that \($0.contains(" > ") ? "link" : "object") instead" } ?? "")
        case .noChange: "nothing to change: give at least one role, duty or privilege to add or remove"
        }
    }
}

extension LicensingEngine {
    /// The user's license with roles added to and removed from their enabled assignments.
    public func whatIf(user userId: String, addRoles: [String], removeRoles: [String], in directory: UserDirectory,
                       options: EstimateOptions = EstimateOptions()) throws(WhatIfError) -> UserWhatIf {
        guard !addRoles.isEmpty || !removeRoles.isEmpty else { throw .noChange }
        let user: SecurityUser
        do { user = try directory.user(withID: userId) } catch { throw .lookup(error) }
        var changed = user
        for name in removeRoles {
            let before = changed.assignments.count
            // The role as given, else the role it is the label of (assignments name roles by their AOT name).
            var keys = [NameKey(name)]
            if graph.role(named: name) == nil, let role = try? graph.index(of: .role, named: name) { keys.append(NameKey(graph.roles[role].name)) }
            changed.assignments.removeAll { $0.isEnabled && keys.contains(NameKey($0.roleIdentifier)) }
            if changed.assignments.count == before { throw .userLacksRole(user: user.userId, role: name) }
        }
        var added: [String] = []
        for name in addRoles {
            let role = try lookup(.role, name)
            added.append(graph.roles[role].name)
            changed.assignments.append(RoleAssignment(roleIdentifier: graph.roles[role].name, isEnabled: true, location: user.location))
        }
        let rows = estimate(UserDirectory(users: [user, changed]), options: options).users
        return UserWhatIf(before: rows[0], after: rows[1], addedRoles: added, removedRoles: removeRoles)
    }

    /// The role's license with its own privileges and duties edited, and every user whose license that changes.
    public func whatIf(role roleName: String, edit: RoleEdit, users directory: UserDirectory?, options: EstimateOptions = EstimateOptions()) throws(WhatIfError) -> RoleWhatIf {
        guard !edit.isEmpty else { throw .noChange }
        let role = try lookup(.role, roleName)
        let name = graph.roles[role].name
        var links = graph.roleLinks[role]
        var notes: [String] = []
        for spelling in edit.removePrivileges {
            let privilege = try lookup(.privilege, spelling)
            guard let index = links.privileges.firstIndex(of: privilege) else {
                let path = graph.grantPaths(from: .role(role)).first { $0.privilege == privilege }?.path.map(\.name).joined(separator: " > ")
                throw .notDirectlyGranted(role: name, type: .privilege, name: graph.privileges[privilege].name, path: path)
            }
            links.privileges.remove(at: index)
        }
        for spelling in edit.removeDuties {
            let duty = try lookup(.duty, spelling)
            guard let index = links.duties.firstIndex(of: duty) else {
                throw .notDirectlyGranted(role: name, type: .duty, name: graph.duties[duty].name, path: nil)
            }
            links.duties.remove(at: index)
        }
        for spelling in edit.addPrivileges {
            let privilege = try lookup(.privilege, spelling)
            if links.privileges.contains(privilege) { notes.append("privilege '\(graph.privileges[privilege].name)' is already a direct privilege of '\(name)'") }
            else { links.privileges.append(privilege) }
        }
        for spelling in edit.addDuties {
            let duty = try lookup(.duty, spelling)
            if links.duties.contains(duty) { notes.append("duty '\(graph.duties[duty].name)' is already a duty of '\(name)'") }
            else { links.duties.append(duty) }
        }

        // The edited role and every role reaching it through sub-roles (walking the links backwards), and their
        // effective privileges with the edit: linear in the graph, whatever its depth.
        var holdingRoles = [[Int]](repeating: [], count: graph.roles.count)
        for (holder, roleLinks) in graph.roleLinks.enumerated() { for sub in roleLinks.subRoles { holdingRoles[sub].append(holder) } }
        var isAffected = [Bool](repeating: false, count: graph.roles.count)
        isAffected[role] = true
        var affected = [role], next = 0
        while next < affected.count {
            for holder in holdingRoles[affected[next]] where !isAffected[holder] {
                isAffected[holder] = true
                affected.append(holder)
            }
            next += 1
        }
        var editedLinks = graph.roleLinks
        editedLinks[role] = links
        let reached = SecurityGraph.effectivePrivileges(links: editedLinks, dutyPrivileges: graph.dutyPrivileges, privilegeCount: graph.privileges.count)
        var newRequirements = roleRequirements
        for candidate in affected { newRequirements[candidate] = requirements(ofPrivileges: reached[candidate]) }
        for spelling in edit.removePrivileges {
            if let privilege = graph.privilege(named: spelling), reached[role].contains(privilege) {
                notes.append("privilege '\(graph.privileges[privilege].name)' is still granted to '\(name)' through a duty or sub-role")
            }
        }
        affected.sort { ($0 == role ? 0 : 1, graph.roles[$0].name) < ($1 == role ? 0 : 1, graph.roles[$1].name) }
        var edited = self
        edited.roleRequirements = newRequirements
        var licenses: [LicenseRequirements: LicenseChoice] = [:]  // many holding roles share requirements
        func license(_ requirements: LicenseRequirements) -> LicenseChoice {
            if let known = licenses[requirements] { return known }
            let choice = optimizer.cheapestLicense(for: requirements)
            licenses[requirements] = choice
            return choice
        }
        let roleChanges = affected.map {
            RoleLicenseChange(role: graph.roles[$0].name, before: license(roleRequirements[$0]), after: license(newRequirements[$0]))
        }
        var usersAssigned = 0
        var usersChanged: [UserLicenseChange] = []
        if let directory {
            // Each user's roles are resolved once: to find the holders, and for both estimates of them.
            var holders: [SecurityUser] = [], holderRoles: [UserRoles] = []
            for user in directory.users where user.isEnabled {
                let roles = graph.roles(of: user)
                guard roles.roles.contains(where: { isAffected[$0] }) else { continue }
                holders.append(user)
                holderRoles.append(roles)
            }
            usersAssigned = holders.count
            let holdersDirectory = UserDirectory(users: holders)
            let before = estimate(holdersDirectory, options: options) { holderRoles[$0] }.users
            let after = edited.estimate(holdersDirectory, options: options) { holderRoles[$0] }.users
            for (old, new) in zip(before, after) where old.license != new.license {
                usersChanged.append(UserLicenseChange(userId: old.user.userId, before: old.license, after: new.license))
            }
        }
        return RoleWhatIf(role: name, edit: edit, roles: roleChanges, usersAssigned: usersAssigned, usersChanged: usersChanged, notes: notes)
    }
}

extension LicensingEngine {
    /// The index of the object of `type` named `spelling`, as a what-if error.
    fileprivate func lookup(_ type: SecurableObjectType, _ spelling: String) throws(WhatIfError) -> Int {
        do { return try graph.index(of: type, named: spelling) } catch { throw .lookup(error) }
    }
}
