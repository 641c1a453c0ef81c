#!/usr/bin/env bash
# Regenerates the committed reports in Reports/ from the sample workspace Data/sample.
#   Scripts/generate-reports.sh [OUTPUT_DIR [AXLICENSE_BINARY]]
# A test (ReportsAreCurrentTests) runs this into a temporary folder and fails when Reports/ differs.
set -euo pipefail
# The workbook stores file times in local time: pin the zone so the bytes are the same everywhere.
export TZ=UTC
cd "$(dirname "$0")/.."
out="${1:-Reports}"
bin="${2:-}"
if [ -z "$bin" ]; then
  swift build --product axlicense >/dev/null
  bin="$(swift build --show-bin-path)/axlicense"
fi
mkdir -p "$out"
ws=(--workspace Data/sample --quiet)
# The sample has object-license data (ObjectLicenses/), so the default method is the per-object one (10.0.44 and later):
# estimate and roles come in that default, under the legacy method (`-legacy`), and side by side (`-both`: who changes,
# by how much). Every report names its method on its first line (JSON: the `method` member).
"$bin" estimate "${ws[@]}" --no-db --format markdown --output "$out/estimate.md"
"$bin" estimate "${ws[@]}" --no-db --format json --output "$out/estimate.json"
"$bin" estimate "${ws[@]}" --no-db --format csv --output "$out/estimate.csv"
"$bin" estimate "${ws[@]}" --no-db --method legacy --format markdown --output "$out/estimate-legacy.md"
"$bin" estimate "${ws[@]}" --no-db --method legacy --format json --output "$out/estimate-legacy.json"
"$bin" estimate "${ws[@]}" --no-db --method both --format markdown --output "$out/estimate-both.md"
"$bin" estimate "${ws[@]}" --no-db --method both --format json --output "$out/estimate-both.json"
# The License View with purchased vs used licenses; the date is pinned so the committed report is stable.
check=(check "${ws[@]}" --no-db --today 2026-11-23 --fail-on none --assigned Data/sample/assigned-licenses.csv)
"$bin" "${check[@]}" --format markdown --output "$out/check.md"
"$bin" "${check[@]}" --format json --output "$out/check.json"
# PPAC's report beside axlicense's result (no SystemUsers export: PPAC's UserId is the D365FO user id); the date is pinned.
"$bin" reconcile "${ws[@]}" --ppac Data/sample/assigned-licenses.csv --as-of 2026-11-23 --format markdown --output "$out/reconcile.md"
"$bin" roles "${ws[@]}" --format markdown --output "$out/roles.md"
"$bin" roles "${ws[@]}" --format json --output "$out/roles.json"
"$bin" roles "${ws[@]}" --method legacy --format markdown --output "$out/roles-legacy.md"
"$bin" roles "${ws[@]}" --method both --format markdown --output "$out/roles-both.md"
# `explain` and `what-if` on the cases EXPECTED.md works by hand: arnie and SalesClerk under both methods (Finance only
# through the SKU map in the legacy one), grace's Write grant that alone forces Human Resources (per-object), and the
# legacy what-if that drops CustAgingReportView's Finance row (under the per-object method that privilege needs Team
# Members, so nothing changes).
"$bin" explain --user arnie "${ws[@]}" --format markdown --output "$out/explain-user-arnie.md"
"$bin" explain --user arnie "${ws[@]}" --method legacy --format markdown --output "$out/explain-user-arnie-legacy.md"
"$bin" explain --user grace "${ws[@]}" --format markdown --output "$out/explain-user-grace.md"
"$bin" explain --role SalesClerk "${ws[@]}" --format markdown --output "$out/explain-role-SalesClerk.md"
"$bin" explain --role SalesClerk "${ws[@]}" --method legacy --format markdown --output "$out/explain-role-SalesClerk-legacy.md"
"$bin" what-if --user arnie --remove-role AccountsPayableClerk "${ws[@]}" --format markdown --output "$out/what-if-user-arnie.md"
"$bin" what-if --role AccountsPayableClerk --remove-privilege CustAgingReportView "${ws[@]}" --method legacy --format markdown \
  --output "$out/what-if-role-AccountsPayableClerk-legacy.md"
# The HTML report and the workbook, with the License View and the over/under-licensed users; and the page with both
# methods side by side (the migration view).
"$bin" report "${ws[@]}" --today 2026-11-23 --assigned Data/sample/assigned-licenses.csv --output "$out/"
"$bin" report "${ws[@]}" --method both --today 2026-11-23 --assigned Data/sample/assigned-licenses.csv --output "$out/license-report-both.html"
for object in AccountsPayableClerk ContosoFinanceController SalesClerk; do
  "$bin" permissions "$object" "${ws[@]}" --format markdown --output "$out/permissions-$object.md"
done
# A pull-request comment of `diff`, from the fixture where a privilege gains Update on an Enterprise menu item. The
# case is stored as an overlay on the shared base tree (Tests/Fixtures/diff/README.md): both sides are assembled in a
# temporary folder and `diff` runs from there, so the report's paths read `grant-gains-update/...` on every machine.
fixtures="$PWD/Tests/Fixtures/diff"
case_folder="$(mktemp -d)"
trap 'rm -rf "$case_folder"' EXIT
mkdir -p "$case_folder/grant-gains-update"
cp -R "$fixtures/base-tree" "$case_folder/grant-gains-update/base"
cp -R "$fixtures/base-tree" "$case_folder/grant-gains-update/head"
cp -R "$fixtures/grant-gains-update/head/." "$case_folder/grant-gains-update/head/"
case "$out" in /*) out_path="$out" ;; *) out_path="$PWD/$out" ;; esac
case "$bin" in /*) bin_path="$bin" ;; *) bin_path="$PWD/$bin" ;; esac
(cd "$case_folder" && "$bin_path" diff --base grant-gains-update/base --head grant-gains-update/head \
  --sku-map "$fixtures/sku-map.json" --users "$fixtures/users.csv" --fail-on never --format markdown \
  --output "$out_path/diff-example.md")
