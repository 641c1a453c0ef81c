#!/usr/bin/env python3
"""Benchmark `diff` with a git base against one cold `estimate` of the same tree (issue 15). Not part of CI.

  Scripts/bench-git-diff.py [--profile full] [--runs 5] [--work /tmp/axlicense-bench-git]

Generates the workspace once (seed 1), commits it to a git repository, then makes two clones, each with one more
commit: in the first, one role gains a duty reference (one changed file); in the second, 100 roles each gain one (100
changed files). Each round then runs, alternating, one after another:
  1. `axlicense estimate --workspace W --no-db --quiet --output /dev/null` (a cold process; the tree of the base repo),
  2. `axlicense diff --base git:HEAD~1 --head . --fail-on never --output /dev/null` in the one-file clone,
  3. the same in the 100-file clone,
and reports, per command, the median wall time and the median CPU time (user + system, from wait4) over --runs
rounds, and the medians of the per-round ratios diff / estimate (target: <= 2). The machine is shared: CPU time is the
steadier figure. Prints a markdown table for BENCHMARKS.md.
"""
import argparse, os, re, shutil, statistics, subprocess, sys

from bench import release_binary, run_usage

def run(cmd, cwd=None):
    """Wall seconds and CPU seconds (user + system, git's child processes included) of one run of `cmd`."""
    elapsed, usage, _ = run_usage(cmd, cwd=cwd)
    return elapsed, usage.ru_utime + usage.ru_stime

def git(args, cwd):
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git"] + identity + args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)

def add_duty(path, duty):
    """Adds a reference to `duty` to the role file at `path`: a real security change, not just a touched file."""
    text = open(path, encoding="utf-8", newline="").read()  # keeps the BOM and the line endings
    reference = f"<AxSecurityDutyReference><Name>{duty}</Name></AxSecurityDutyReference>"
    if "<Duties />" in text:
        text = text.replace("<Duties />", f"<Duties>{reference}</Duties>", 1)
    elif "<Duties>" in text:
        text = text.replace("<Duties>", "<Duties>" + reference, 1)
    else:
        text = re.sub(r"(</Name>)", r"\1<Duties>" + reference + "</Duties>", text, count=1)
    open(path, "w", encoding="utf-8", newline="").write(text)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="full")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default="/tmp/axlicense-bench-git")
    parser.add_argument("--binary", help="an axlicense binary to measure instead of building the release one")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = args.binary or release_binary(root)
    os.makedirs(args.work, exist_ok=True)
    base = os.path.join(args.work, args.profile)
    if not os.path.isdir(os.path.join(base, ".git")):
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run([binary, "generate", "--scale", args.profile, "--seed", "1", "--output", base], check=True, stdout=subprocess.DEVNULL)
        git(["init", "-q"], base)
        git(["add", "-A"], base)
        git(["commit", "-q", "-m", "generated"], base)
    roles, duties = [], []
    for folder, _, names in os.walk(os.path.join(base, "Metadata")):
        if folder.endswith("/AxSecurityRole"):
            roles += [os.path.relpath(os.path.join(folder, n), base) for n in names if n.endswith(".xml")]
        if folder.endswith("/AxSecurityDuty"):
            duties += [n[:-4] for n in names if n.endswith(".xml")]
    roles.sort()
    duties.sort()
    clones = {}
    for count in (1, 100):
        clone = f"{base}-{count}"
        if not os.path.isdir(clone):
            subprocess.run(["git", "clone", "-q", base, clone], check=True)
            for index, role in enumerate(roles[:count]):
                add_duty(os.path.join(clone, role), duties[index % len(duties)])
            git(["commit", "-q", "-a", "-m", f"{count} role(s) gain a duty"], clone)
        changed = subprocess.run(["git", "diff", "--name-only", "HEAD~1"], cwd=clone, check=True, capture_output=True, text=True).stdout.split()
        assert len(changed) == count, (count, changed)
        clones[count] = clone
    files = sum(1 for _, _, names in os.walk(os.path.join(base, "Metadata")) for n in names if n.endswith(".xml"))
    estimate = [binary, "estimate", "--workspace", base, "--no-db", "--quiet", "--output", "/dev/null"]
    diff = [binary, "diff", "--base", "git:HEAD~1", "--head", ".", "--fail-on", "never", "--quiet", "--output", "/dev/null"]
    run(estimate)  # fill the page cache
    times = {"estimate": [], 1: [], 100: []}
    for _ in range(args.runs):
        times["estimate"].append(run(estimate))
        for count in (1, 100):
            times[count].append(run(diff, cwd=clones[count]))
    m = statistics.median
    print(f"Machine: {os.cpu_count()} cores, shared; {args.runs} rounds, the three commands alternating; medians\n")
    print(f"`{args.profile}`: {files:,} XML files; base commit = the generated tree; head = the working folder at HEAD\n")
    print("| command | wall (s) | CPU user+sys (s) | wall / estimate | CPU / estimate |")
    print("|---|---:|---:|---:|---:|")
    wall_e, cpu_e = m([t[0] for t in times["estimate"]]), m([t[1] for t in times["estimate"]])
    print(f"| estimate, cold | {wall_e:.2f} | {cpu_e:.2f} | 1.00 | 1.00 |")
    for count in (1, 100):
        rounds = times[count]
        wall_ratio = m([d[0] / e[0] for d, e in zip(rounds, times["estimate"])])
        cpu_ratio = m([d[1] / e[1] for d, e in zip(rounds, times["estimate"])])
        label = "1 changed file" if count == 1 else f"{count} changed files"
        print(f"| diff --base git:HEAD~1 --head . ({label}) | {m([t[0] for t in rounds]):.2f} | {m([t[1] for t in rounds]):.2f} | {wall_ratio:.2f} | {cpu_ratio:.2f} |")

if __name__ == "__main__":
    main()
