#!/usr/bin/env bash
# Regenerates the committed reports in Reports/ from the sample workspace Data/sample.
#   Scripts/generate-reports.sh [OUTPUT_DIR [AXLICENSE_BINARY]]
# A test (ReportsAreCurrentTests) runs this into a temporary folder and fails when Reports/ differs.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-Reports}"
bin="${2:-}"
if [ -z "$bin" ]; then
  swift build --product axlicense >/dev/null
  bin="$(swift build --show-bin-path)/axlicense"
fi
mkdir -p "$out"
ws=(--workspace Data/sample --quiet)
"$bin" estimate "${ws[@]}" --format markdown --output "$out/estimate.md"
"$bin" estimate "${ws[@]}" --format json --output "$out/estimate.json"
"$bin" estimate "${ws[@]}" --format csv --output "$out/estimate.csv"
"$bin" roles "${ws[@]}" --format markdown --output "$out/roles.md"
"$bin" roles "${ws[@]}" --format json --output "$out/roles.json"
for object in AccountsPayableClerk ContosoFinanceController SalesClerk; do
  "$bin" permissions "$object" "${ws[@]}" --format markdown --output "$out/permissions-$object.md"
done
