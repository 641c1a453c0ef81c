#!/usr/bin/env bash
# Builds and runs the three libFuzzer targets in Fuzz/ (AOT XML reader, SKU-map JSON, users CSV) under
# AddressSanitizer, seeded from Data/sample and Tests/Fixtures/bad-input, and reports executions and crashes.
#
#   Scripts/fuzz.sh              # 300 s per target (the long run)
#   Scripts/fuzz.sh 20           # 20 s per target
#   Scripts/fuzz.sh --smoke      # CI: 20 s per target, about one minute in all
#
# Exit status 1 when any target crashed, leaked or hung; the reproducer is kept under
# .build-fuzz/artifacts/<target>/ (turn it into a Tests/Fixtures/bad-input case when fixing it).
# The build uses its own scratch folder (.build-fuzz) and links with lld: ld.gold fails on the
# fuzzer runtime ("internal error in format_file_lineno"), and SwiftPM cannot link a target without main.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=300
case "${1:-}" in
  --smoke) SECONDS_PER_TARGET=20 ;;
  "") ;;
  *) SECONDS_PER_TARGET="$1" ;;
esac

SCRATCH=.build-fuzz
BUILD=$SCRATCH/release
WORK=$SCRATCH/work
# -sanitize=fuzzer alone does not reach the frontend through SwiftPM here: ask for the coverage explicitly.
FLAGS=(-Xswiftc -sanitize=fuzzer -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)

echo "== building the libraries with -sanitize=fuzzer,address" >&2
# SwiftPM does not rebuild when only -Xswiftc flags change: start over when they differ from the last build.
if [[ "$(cat "$SCRATCH/flags" 2>/dev/null)" != "${FLAGS[*]}" ]]; then
  rm -rf "$SCRATCH/x86_64-unknown-linux-gnu" "$SCRATCH/build.db" "$SCRATCH"/*.yaml
fi
swift build -c release --scratch-path "$SCRATCH" "${FLAGS[@]}" --target AXLicensing >&2
echo "${FLAGS[*]}" > "$SCRATCH/flags"

link() { # name source objects...
  local name=$1 source=$2; shift 2
  swiftc -O -sanitize=fuzzer,address -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp -parse-as-library -use-ld=lld \
    -I "$BUILD/Modules" -I Sources/CLibXML2 -I "$SCRATCH/checkouts/ZIPFoundation/Sources/CZLib" -Xcc -I/usr/include/libxml2 \
    "$source" "$@" -lxml2 -lz -o "$SCRATCH/$name"
}
# AXReading reads .xlsx through ZIPFoundation (and its zlib module, CZLib).
AXR=("$BUILD"/AXReading.build/*.o "$BUILD"/CSV.build/*.o "$BUILD"/ZIPFoundation.build/*.o)
AXM=("$BUILD"/AXModel.build/*.o)
AXL=("$BUILD"/AXLicensing.build/*.o)
link fuzz-xml Fuzz/FuzzXMLMetadata.swift "${AXR[@]}" "${AXM[@]}"
link fuzz-skumap Fuzz/FuzzSkuMap.swift "${AXR[@]}" "${AXM[@]}" "${AXL[@]}"
link fuzz-users Fuzz/FuzzUsersCSV.swift "${AXR[@]}" "${AXM[@]}"

# Seeds. The XML target reads its first byte as the object type (index into AOTObjectType.allCases).
rm -rf "$WORK/seeds"
mkdir -p "$WORK/seeds/xml" "$WORK/seeds/skumap" "$WORK/seeds/users"
types=(AxSecurityRole AxSecurityDuty AxSecurityPrivilege AxSecurityRoleExtension AxSecurityDutyExtension
       AxMenuItemDisplay AxMenuItemAction AxMenuItemOutput)
n=0
while IFS= read -r -d '' file; do
  folder=$(basename "$(dirname "$file")")
  for i in "${!types[@]}"; do
    if [[ ${types[$i]} == "$folder" ]]; then
      { printf "\\$(printf %03o "$i")"; cat "$file"; } > "$WORK/seeds/xml/$n.xml"
      n=$((n + 1))
    fi
  done
done < <(find Data/sample/Metadata Tests/Fixtures/bad-input -name '*.xml' -print0)
n=0
while IFS= read -r -d '' file; do cp "$file" "$WORK/seeds/skumap/$n.json"; n=$((n + 1)); done \
  < <(find Data/sample Tests/Fixtures/bad-input -name 'LicensingServicePlansPrivilege.json' -print0)
n=0
while IFS= read -r -d '' file; do cp "$file" "$WORK/seeds/users/$n.csv"; n=$((n + 1)); done \
  < <(find Data/sample Tests/Fixtures/bad-input -name 'users.csv' -print0)

status=0
total=0
printf '%-12s %8s %14s %10s %8s\n' target seconds executions exec/s crashes
for target in xml skumap users; do
  corpus="$WORK/corpus/$target"
  artifacts="$SCRATCH/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  log="$WORK/$target.log"
  # -rss_limit_mb / -timeout: a memory blow-up or a hang counts as a failure, like a crash.
  set +e
  "$SCRATCH/fuzz-$target" "$corpus" "$WORK/seeds/$target" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  crashes=$(find "$artifacts" -type f | wc -l)
  rate=$(( runs / (SECONDS_PER_TARGET > 0 ? SECONDS_PER_TARGET : 1) ))
  printf '%-12s %8s %14s %10s %8s\n' "$target" "$SECONDS_PER_TARGET" "$runs" "$rate" "$crashes"
  total=$((total + runs))
  if [[ $rc -ne 0 || $crashes -ne 0 ]]; then
    status=1
    echo "fuzz-$target failed (exit $rc); log: $log" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
  fi
done
printf '%-12s %8s %14s\n' total "" "$total"
exit $status
