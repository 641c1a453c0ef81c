#!/usr/bin/env python3
"""A/B benchmark: one axlicense binary against another on the same generated workspaces. Not part of CI.

  Scripts/bench-compare.py --baseline OLD_BINARY [--candidate NEW_BINARY] [--profiles full,large] [--runs 8]
                           [--work /tmp/axlicense-bench] [--command estimate] [--method legacy]

Answers "did this change make it slower or bigger?", which Scripts/bench.py (ratios to the xmllint floor) answers
only across runs the machine's drift disturbs. Each round runs the two binaries back to back, alternating which goes
first, so drift hits both alike. Reports per profile the median wall time, CPU (user + system) and peak RSS of each,
and the median of the per-round ratios candidate / baseline.

The candidate defaults to this checkout's release build, built first as README documents it (`swift build -c release
--static-swift-stdlib`). To make a baseline binary from an earlier commit the same way: `git worktree add /tmp/base REV
&& (cd /tmp/base && swift build -c release --static-swift-stdlib)` and pass `/tmp/base/.build/release/axlicense`.
Workspaces come from `axlicense generate --scale P --seed 1`, as in bench.py, and are shared with it (same --work
folder). They carry object-license data, so the licensing method is named:
`--method M` (default legacy) is passed to each binary whose `--help` lists `--method`; a binary without it only has
the legacy method, and comparing it on another method is refused.
"""
import argparse, os, statistics, subprocess, sys, time

from bench import release_binary


def run(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--candidate")
    parser.add_argument("--profiles", default="full,large")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--work", default="/tmp/axlicense-bench")
    parser.add_argument("--command", default="estimate", help="estimate or roles")
    parser.add_argument("--method", default="legacy", help="legacy, objects or both (binaries with --method)")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    candidate = args.candidate
    if candidate is None:
        candidate = release_binary(root)
    os.makedirs(args.work, exist_ok=True)
    m = statistics.median
    method = {}
    for binary in (args.baseline, candidate):
        help_text = subprocess.run([binary, args.command, "--help"], capture_output=True, text=True)
        if "--method" in help_text.stdout + help_text.stderr:
            method[binary] = ["--method", args.method]
        elif args.method == "legacy":
            method[binary] = []
        else:
            sys.exit(f"{binary} has no --method option: it can only be compared on the legacy method")
    print(f"Machine: {os.cpu_count()} cores; {args.runs} alternating rounds per profile, medians; command `{args.command}`\n")
    print("| profile | baseline wall (s) | candidate wall (s) | wall ratio | baseline CPU (s) | candidate CPU (s) | CPU ratio | baseline RSS (MB) | candidate RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for profile in args.profiles.split(","):
        workspace = os.path.join(args.work, profile)
        if not os.path.isdir(workspace):
            subprocess.run([candidate, "generate", "--scale", profile, "--seed", "1", "--output", workspace], check=True,
                           stdout=subprocess.DEVNULL)
        extra = ["--no-db"] if args.command == "estimate" else []
        def command(binary):
            return [binary, args.command, "--workspace", workspace, "--quiet", "--output", "/dev/null"] + extra + method[binary]
        run(command(args.baseline)); run(command(candidate))  # page cache warm for both
        results = {"base": [], "cand": []}
        for round_ in range(args.runs):
            order = [("base", args.baseline), ("cand", candidate)]
            if round_ % 2:
                order.reverse()
            for key, binary in order:
                results[key].append(run(command(binary)))
        b, c = results["base"], results["cand"]
        wall_ratio = m([y[0] / x[0] for x, y in zip(b, c)])
        cpu_ratio = m([y[1] / x[1] for x, y in zip(b, c)])
        print(f"| {profile} | {m([x[0] for x in b]):.2f} | {m([x[0] for x in c]):.2f} | {wall_ratio:.2f} | "
              f"{m([x[1] for x in b]):.2f} | {m([x[1] for x in c]):.2f} | {cpu_ratio:.2f} | "
              f"{max(x[2] for x in b) / 1024:.0f} | {max(x[2] for x in c) / 1024:.0f} |", flush=True)


if __name__ == "__main__":
    main()
