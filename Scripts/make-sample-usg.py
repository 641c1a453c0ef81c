#!/usr/bin/env python3
"""Writes the sample's object-license data in the second shape the per-object method accepts (Docs/licensing-rules.md §7).

    Scripts/make-sample-usg.py [WORKSPACE [OUTPUT_DIR]]     (defaults: Data/sample, Data/sample-usg)

Data/sample/ObjectLicenses/ holds the SQL exports (LicensingAllSkus, LicensingEntitlementObjects,
LicensingAllEntitledPermissions): the source of truth. This script derives from them and the sample's
AOT metadata the User security governance "Security object licenses" export, as SecurityObjectLicenses.csv
and SecurityObjectLicenses.xlsx, so both shapes carry the same object -> SKU map and stay in step:
run it after editing either the SQL exports or the metadata, and commit its outputs.

Rows follow USG: one per role / sub-role / duty / privilege path and grant (entry points, then data entity
permissions). Only rows that carry an entitlement are written: a grant with no access (Read = Deny, or no
right set) and an object or level that is not in Microsoft's data have no License text, and the export would
otherwise disagree with the SQL exports. License = the SKU names joined by " or ", in the order of the
permission rows. Python standard library only (csv, zipfile, xml); the output bytes are deterministic.
"""
import csv
import os
import sys
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

HEADER = ["Role name", "Subrole name", "Duty name", "Privilege name", "Securable type", "AOT name",
          "AOT child name", "Read", "Update", "Create", "Delete", "Invoke", "Access level", "License"]
KIND_WORDS = {"MenuItemDisplay": "Menu item display", "MenuItemAction": "Menu item action",
              "MenuItemOutput": "Menu item output", "ServiceOperation": "Service operation",
              "DataEntity": "Data entity", "DataEntityMethod": "Data entity method"}
WRITE_RIGHTS = ("Update", "Create", "Delete", "Correct", "Invoke")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child_text(element, name):
    for c in element:
        if local(c.tag) == name:
            return (c.text or "").strip()
    return ""


def children(element, path):
    found = [element]
    for step in path.split("/"):
        found = [c for e in found for c in e if local(c.tag) == step]
    return found


def grant_of(element):
    grants = children(element, "Grant")
    return {local(c.tag): (c.text or "").strip() for c in (grants[0] if grants else [])}


def access_level(grant):
    """Docs/licensing-rules.md §7: Read = Deny -> none; any write right -> Write; only Read -> Read; nothing -> none."""
    if grant.get("Read", "").lower() == "deny":
        return None
    if any(grant.get(r, "").lower() == "allow" for r in WRITE_RIGHTS):
        return "Write"
    if grant.get("Read", "").lower() == "allow":
        return "Read"
    return None


def load_metadata(root):
    """Roles, duties, privileges by lower-cased name; the first definition in sorted path order wins (§1)."""
    roles, duties, privileges, role_ext, duty_ext = {}, {}, {}, [], []
    files = []
    for folder, _, names in os.walk(root):
        files += [os.path.join(folder, n) for n in names if n.lower().endswith(".xml")]
    for path in sorted(files):
        element = ET.parse(path).getroot()
        kind, name = local(element.tag), child_text(element, "Name")
        refs = lambda p: [child_text(r, "Name") for r in children(element, p)]
        if kind in ("AxSecurityRole", "AxSecurityRoleExtension"):
            value = {"name": name, "duties": refs("Duties/AxSecurityDutyReference"),
                     "privileges": refs("Privileges/AxSecurityPrivilegeReference"),
                     "subroles": refs("SubRoles/AxSecurityRoleReference")}
            if kind == "AxSecurityRole":
                roles.setdefault(name.lower(), value)
            else:
                role_ext.append(value)
        elif kind in ("AxSecurityDuty", "AxSecurityDutyExtension"):
            value = {"name": name, "privileges": refs("Privileges/AxSecurityPrivilegeReference")}
            if kind == "AxSecurityDuty":
                duties.setdefault(name.lower(), value)
            else:
                duty_ext.append(value)
        elif kind == "AxSecurityPrivilege":
            grants = []
            for ep in children(element, "EntryPoints/AxSecurityEntryPointReference"):
                grants.append((child_text(ep, "ObjectType"), child_text(ep, "ObjectName"),
                               child_text(ep, "ObjectChildName"), grant_of(ep)))
            for dep in children(element, "DataEntityPermissions/AxSecurityDataEntityPermission"):
                grants.append(("DataEntity", child_text(dep, "Name"), "", grant_of(dep)))
            privileges.setdefault(name.lower(), {"name": name, "grants": grants})
    for ext in role_ext:  # <BaseRole>.<Suffix> adds duties, privileges and sub-roles to BaseRole
        base = roles.get(ext["name"].split(".")[0].lower())
        if base:
            for key in ("duties", "privileges", "subroles"):
                base[key] = base[key] + ext[key]
    for ext in duty_ext:
        base = duties.get(ext["name"].split(".")[0].lower())
        if base:
            base["privileges"] = base["privileges"] + ext["privileges"]
    return roles, duties, privileges


def load_entitlements(folder):
    """(kind, lower name, lower child, level) -> (AOT name, AOT child name, License text)."""
    def rows(name):
        with open(os.path.join(folder, name), newline="", encoding="utf-8-sig") as f:
            return [{k.strip().lower(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]
    skus = {r["recid"]: r["skuname"] for r in rows("LicensingAllSkus.csv")}
    objects = {r["recid"]: r for r in rows("LicensingEntitlementObjects.csv")}
    names = {}
    for r in rows("LicensingAllEntitledPermissions.csv"):
        obj = objects[r["entitlementobject"]]
        key = (obj["securabletype"].lower(), obj["aotname"].lower(), obj["aotchildname"].lower(),
               {"1": "Read", "2": "Write"}[r["accesslevel"]])
        names.setdefault(key, (obj["aotname"], obj["aotchildname"], []))[2].append(skus[r["skurecid"]])
    return {k: (name, child, " or ".join(skus_)) for k, (name, child, skus_) in names.items()}


def export_rows(roles, duties, privileges, table):
    rows = []

    def privilege_rows(role, subrole, duty, privilege_name):
        privilege = privileges.get(privilege_name.lower())
        if privilege is None:
            return
        for kind, name, child, grant in privilege["grants"]:
            level = access_level(grant)
            entry = table.get((kind.lower(), name.lower(), child.lower(), level)) if level else None
            if entry is None:
                continue
            rights = [grant.get(r, "") for r in ("Read", "Update", "Create", "Delete", "Invoke")]
            rows.append([role, subrole, duty, privilege["name"], KIND_WORDS.get(kind, kind), entry[0], entry[1],
                         *rights, level, entry[2]])

    def role_rows(top, role, subrole, seen):
        for privilege in role["privileges"]:
            privilege_rows(top, subrole, "", privilege)
        for duty_name in role["duties"]:
            duty = duties.get(duty_name.lower())
            for privilege in duty["privileges"] if duty else []:
                privilege_rows(top, subrole, duty["name"], privilege)
        for sub_name in role["subroles"]:
            sub = roles.get(sub_name.lower())
            if sub and sub_name.lower() not in seen:  # a sub-role cycle ends where it began
                role_rows(top, sub, sub["name"], seen | {sub_name.lower()})

    for key in sorted(roles):
        role_rows(roles[key]["name"], roles[key], "", {key})
    return rows


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path, rows):
    strings, index = [], {}

    def sid(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{column_letter(c)}{r}" t="s"><v>{sid(v)}</v></c>' for c, v in enumerate(row) if v != "")
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Security object licenses" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
    }
    parts["xl/sharedStrings.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                     f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                                     + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed time: the same bytes every run
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))


def main():
    workspace = sys.argv[1] if len(sys.argv) > 1 else "Data/sample"
    output = sys.argv[2] if len(sys.argv) > 2 else "Data/sample-usg"
    roles, duties, privileges = load_metadata(os.path.join(workspace, "Metadata"))
    table = load_entitlements(os.path.join(workspace, "ObjectLicenses"))
    rows = [HEADER] + export_rows(roles, duties, privileges, table)
    written = {(k, n.lower(), c.lower(), level) for k, n, c, level in
               ((r[4], r[5], r[6], r[12]) for r in rows[1:])}
    words = {kind.lower(): word for kind, word in KIND_WORDS.items()}
    unreached = sorted(k for k in table if (words.get(k[0], k[0]), k[1], k[2], k[3]) not in written)
    if unreached:  # the USG export only has rows a role grants: the two shapes would not hold the same map
        sys.exit(f"error: no role grants {unreached}; remove them from the SQL exports or grant them")
    os.makedirs(output, exist_ok=True)
    with open(os.path.join(output, "SecurityObjectLicenses.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    write_xlsx(os.path.join(output, "SecurityObjectLicenses.xlsx"), rows)
    print(f"{len(rows) - 1} rows -> {output}/SecurityObjectLicenses.{{csv,xlsx}}")


if __name__ == "__main__":
    main()
