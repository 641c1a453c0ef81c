#!/usr/bin/env python3
"""Writes a realistic User security governance "Security object licenses" export as .xlsx.

Usage: Scripts/make-usg-xlsx.py ROWS OUT.xlsx [SEED]

The workbook has the export's 14 columns and ROWS data rows. Like the real export, each securable object appears
once for every role, duty and privilege that grants it, so the distinct (type, AOT name, AOT child name, access
level) entries are far fewer than the rows (about ROWS / 25, at most 60,000). Text cells use shared strings, as
Excel writes them. The sheet is streamed into the archive, so a 1,000,000-row workbook (the USG maximum) is written
in little memory: it is the input of the object-license reader's memory benchmark. Standard library only.
"""

import random
import sys
import zipfile
from xml.sax.saxutils import escape

HEADER = ["Role name", "Subrole name", "Duty name", "Privilege name", "Securable type", "AOT name", "AOT child name",
          "Read", "Update", "Create", "Delete", "Invoke", "Access level", "License"]
TYPES = ["Menu item display", "Menu item action", "Menu item output", "Service operation", "Data entity", "Data entity method"]
WRITE_LICENSES = ["Finance", "Supply Chain Management", "Finance or Supply Chain Management", "Commerce",
                  "Finance or Supply Chain Management or Commerce", "Project Operations", "Human Resources",
                  "Activity", "Team Members"]
READ_LICENSES = ["Team Members", "Human Resources Self Service", "Team Members or Human Resources Self Service"]


def column_letters(number):
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[2])
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) == 4 else 14)

    distinct = max(1, min(60_000, rows // 25))
    objects = []  # (type, name, child, level, license): the distinct entries, each one License
    for index in range(distinct):
        kind = TYPES[index % len(TYPES)]
        name = f"{['Cust', 'Vend', 'Ledger', 'Invent', 'Proj', 'HcmWorker', 'Sales', 'Purch'][index % 8]}Object{index // 2}"
        child = f"method{index % 5}" if kind == "Data entity method" else ""
        level = "Read" if index % 2 == 0 else "Write"
        licence = rng.choice(READ_LICENSES if level == "Read" else WRITE_LICENSES)
        objects.append((kind, name, child, level, licence))
    roles = [f"Role{index:04d}" for index in range(max(1, min(1200, rows // 800)))]

    strings, index_of = [], {}

    def shared(text):
        found = index_of.get(text)
        if found is None:
            found = index_of[text] = len(strings)
            strings.append(text)
        return found

    columns = [column_letters(number + 1) for number in range(len(HEADER))]

    def row_xml(number, values):
        cells = []
        for column, value in zip(columns, values):
            if value != "":
                cells.append(f'<c r="{column}{number}" t="s"><v>{shared(value)}</v></c>')
        return f'<row r="{number}" spans="1:14">{"".join(cells)}</row>'

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                         '</Types>')
        archive.writestr("_rels/.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/workbook.xml",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                         '<sheets><sheet name="Security object licenses" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                         '</Relationships>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        b'<dimension ref="A1:N' + str(rows + 1).encode() + b'"/><sheetData>')
            sheet.write(row_xml(1, HEADER).encode())
            batch = []
            for number in range(2, rows + 2):
                # Walk the objects so that every object is granted by many roles, in an order that repeats them.
                kind, name, child, level, licence = objects[(number * 7919) % distinct]
                role = roles[number % len(roles)]
                duty = f"{role}Duty{number % 13}"
                privilege = f"{name}{'Maintain' if level == 'Write' else 'View'}"
                write = level == "Write"
                values = [role, "", duty, privilege, kind, name, child, "Allow", "Allow" if write else "",
                          "Allow" if write and number % 3 == 0 else "", "", "Allow" if kind == "Menu item action" else "",
                          level, licence]
                batch.append(row_xml(number, values))
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{len(strings)}">'.encode())
            for start in range(0, len(strings), 5000):
                table.write("".join(f"<si><t>{escape(text)}</t></si>" for text in strings[start:start + 5000]).encode())
            table.write(b"</sst>")
    print(f"{out}: {rows} rows, {len(set(objects))} distinct object entries, {len(strings)} shared strings")


if __name__ == "__main__":
    main()
