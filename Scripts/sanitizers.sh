#!/usr/bin/env bash
# Runs the whole test suite under ThreadSanitizer and AddressSanitizer (issue 6), each in its own scratch folder.
# The CLI tests start the sanitized `axlicense` from the same build, so the real binary runs instrumented too.
# LeakSanitizer is off: its only reports are in XCTest's runner and in exit paths of Foundation's Process and the
# argument parser (memory still held when a process exits), none in axlicense's code; they change exit statuses.
set -euo pipefail
cd "$(dirname "$0")/.."
swift test --sanitize=thread --scratch-path .build-tsan
ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan
