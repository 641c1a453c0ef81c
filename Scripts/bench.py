#!/usr/bin/env python3
"""Benchmark axlicense against the libxml2 parse floor (issue 5). Not part of CI.

  Scripts/bench.py [--profiles small,full,large] [--runs 5] [--work /tmp/axlicense-bench]

For each profile: generates the workspace once (seed 1), then measures, in one run, side by side:
  1. `xmllint --noout` over every XML file of the tree (the libxml2 parse floor; one process per ~2 MB of
     arguments, run one after another, so a single core),
  2. `axlicense estimate` cold: a first, fresh run (axlicense keeps no parse cache, so every run parses every file;
     the OS page cache is warm, as it is for the xmllint floor),
  3. `axlicense estimate` warm: a second run straight after,
and, apart, one run with the OS page cache dropped first (disk-bound; informational), and the cache-key floor:
Scripts/cache-key-floor.c listing the tree and stat-ing every XML file (what any parse cache keyed by path, size and
modification time must read before it can trust an entry: the least a warm run with such a cache costs),
reporting medians of --runs runs, the ratios 2/1 and 3/2 (medians of the per-round ratios), peak RSS, and the user-evaluation phase
(AXLICENSE_TIMINGS). Prints a markdown table for BENCHMARKS.md.

Licensing methods (issue 14): generated workspaces carry object-license data (ObjectLicenses/), so when the binary has
`--method`, estimate 2. and 3. run with `--method legacy`, and each round also runs `estimate --method objects` and
`--method both` cold, right after the legacy cold run; a second table gives their medians and the ratios to the legacy
cold time (targets: objects <= 1.1x, both <= 1.3x). A binary without `--method` skips those cases and says so.
"""
import argparse, os, statistics, subprocess, sys, time

def run_usage(cmd, env=None, stdin=None, cwd=None):
    """Runs `cmd` to the end; returns wall seconds, its rusage (children included) and its stderr; exits when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, stdin=stdin, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return elapsed, usage, err

def run(cmd, env=None, stdin=None):
    elapsed, usage, err = run_usage(cmd, env, stdin)
    return elapsed, usage.ru_maxrss, err

def supports_method(binary):
    """True when `estimate` takes --method (the licensing-method seam of issue 14)."""
    help_text = subprocess.run([binary, "estimate", "--help"], capture_output=True, text=True)
    return "--method" in help_text.stdout + help_text.stderr

def drop_caches():
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False

def release_binary(root):
    """Builds the release axlicense of the package at `root` the way README documents the release binary (Swift
    runtime linked in: `--static-swift-stdlib`; commits before session 8, whose licensing client linked
    FoundationNetworking, also need libcurl's development files for it) and returns its path. The
    binary people run is what is measured: its start-up (the dynamic loader, the libraries it loads) is part of every
    run's time."""
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "axlicense"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True, capture_output=True, text=True).stdout.strip() + "/axlicense"

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", default="small,full,large")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default="/tmp/axlicense-bench")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    binary = release_binary(root)
    os.makedirs(args.work, exist_ok=True)
    key_floor_binary = os.path.join(args.work, "cache-key-floor")
    subprocess.run(["clang", "-O2", "-o", key_floor_binary, os.path.join(root, "Scripts", "cache-key-floor.c")], check=True)
    methods = supports_method(binary)
    if not methods:
        print("note: this axlicense has no --method option: skipping the --method objects and --method both cases", file=sys.stderr)
    rows, method_rows = [], []
    for profile in args.profiles.split(","):
        workspace = os.path.join(args.work, profile)
        if not os.path.isdir(workspace):
            subprocess.run([binary, "generate", "--scale", profile, "--seed", "1", "--output", workspace], check=True, stdout=subprocess.DEVNULL)
        files = []
        for folder, _, names in os.walk(os.path.join(workspace, "Metadata")):
            files += [os.path.join(folder, n) for n in names if n.endswith(".xml")]
        total_bytes = sum(os.path.getsize(f) for f in files)
        users = len({line.split(",")[0] for line in list(open(os.path.join(workspace, "users.csv")))[1:]})
        list_path = workspace + ".files"
        with open(list_path, "w") as f:
            f.write("\n".join(files) + "\n")
        xmllint = ["xargs", "-s", "2000000", "-a", list_path, "xmllint", "--noout", "--nowarning"]
        estimate = [binary, "estimate", "--workspace", workspace, "--no-db", "--quiet", "--output", "/dev/null"]
        estimate_objects, estimate_both = estimate + ["--method", "objects"], estimate + ["--method", "both"]
        if methods:
            estimate = estimate + ["--method", "legacy"]  # the workspace has ObjectLicenses/: name the method measured
        env = dict(os.environ, AXLICENSE_TIMINGS="1")
        key_floor = [key_floor_binary, os.path.join(workspace, "Metadata")]
        floor, cold, warm, rss, user_phase, keys = [], [], [], [], [], []
        objects_cold, both_cold, objects_rss, both_rss = [], [], [], []
        dropped = drop_caches()
        io_cold = run(estimate, env)[0] if dropped else float("nan")
        run(xmllint)  # fill the page cache for everything below
        for _ in range(args.runs):
            floor.append(run(xmllint)[0])
            keys.append(run(key_floor)[0])
            t, r, _ = run(estimate, env)
            cold.append(t)
            if methods:
                t, r, _ = run(estimate_objects, env)
                objects_cold.append(t)
                objects_rss.append(r)
                t, r, _ = run(estimate_both, env)
                both_cold.append(t)
                both_rss.append(r)
            t, r, err = run(estimate, env)
            warm.append(t)
            rss.append(r)
            for line in err.splitlines():
                if "users evaluated" in line:
                    user_phase.append(float(line.split()[1]))
        m = lambda xs: statistics.median(xs)
        # Ratios per round (floor and cold measured back to back), then their median: robust to the machine's drift.
        cold_ratio = m([c / f for f, c in zip(floor, cold)])
        warm_ratio = m([w / c for c, w in zip(cold, warm)])
        key_ratio = m([k / c for c, k in zip(cold, keys)])
        rows.append((profile, len(files), total_bytes, users, m(floor), m(cold), m(warm), cold_ratio, warm_ratio, max(rss), m(user_phase) if user_phase else float("nan"), io_cold, m(keys), key_ratio))
        print(f"{profile}: floor {m(floor):.2f}s cold {m(cold):.2f}s warm {m(warm):.2f}s", file=sys.stderr)
        if methods:
            objects_ratio = m([o / c for c, o in zip(cold, objects_cold)])
            both_ratio = m([b / c for c, b in zip(cold, both_cold)])
            method_rows.append((profile, m(cold), m(objects_cold), objects_ratio, max(objects_rss), m(both_cold), both_ratio, max(both_rss)))
            print(f"{profile}: objects {m(objects_cold):.2f}s ({objects_ratio:.2f}x legacy) both {m(both_cold):.2f}s ({both_ratio:.2f}x)", file=sys.stderr)
    print(f"Machine: {os.cpu_count()} cores; {args.runs} runs per figure, medians\n")
    print("| profile | XML files | MB | users | 1. xmllint floor (s) | 2. estimate cold (s) | 3. estimate warm (s) | 2/1 | 3/2 | peak RSS (MB) | user evaluation (ms) | page cache dropped (s) | cache-key floor (s) | key floor / cold |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p, n, b, u, f, c, w, cr, wr, r, up, io, k, kr in rows:
        print(f"| {p} | {n:,} | {b/1e6:.1f} | {u:,} | {f:.2f} | {c:.2f} | {w:.2f} | {cr:.2f} | {wr:.2f} | {r/1024:.0f} | {up:.0f} | {io:.2f} | {k:.3f} | {kr:.2f} |")
    if not methods:
        print("\nLicensing methods: not measured (this axlicense has no --method option).")
        return
    print("\nLicensing methods, estimate cold (targets: objects <= 1.10x legacy, both <= 1.30x)\n")
    print("| profile | legacy (s) | objects (s) | objects / legacy | objects peak RSS (MB) | both (s) | both / legacy | both peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for p, c, o, orat, orss, b, brat, brss in method_rows:
        print(f"| {p} | {c:.2f} | {o:.2f} | {orat:.2f} | {orss/1024:.0f} | {b:.2f} | {brat:.2f} | {brss/1024:.0f} |")

if __name__ == "__main__":
    main()
