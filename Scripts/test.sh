#!/usr/bin/env bash
# The project's test command (README, .ci/run): every unit, property, corpus and end-to-end test, then a fuzz
# smoke of about one minute (three libFuzzer targets, 20 s each; the long run is `Scripts/fuzz.sh`).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test
Scripts/fuzz.sh --smoke
