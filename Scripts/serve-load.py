#!/usr/bin/env python3
"""Puts a running `axlicense serve` under load from this (second) process on loopback, with a bounded number of
requests, and checks that none failed and that no audit row was lost:

  Scripts/serve-load.py URL [--requests N] [--connections K] [--post PATH]... [--rows-per-post R]

N requests (default 2000) over K keep-alive connections (default 8), one thread each: GETs of the three tabs and
of /healthz, and every fifth request a POST of each --post path in turn (default: send telemetry and refresh
licenses) with the page's form token and Origin. Every GET must answer 200 and every POST 303. Then the audit log
must hold exactly R (default 1) more entries per POST than before: an action whose audit row went missing under
concurrency fails the run. Prints requests per second and the slowest request; exit 0 when all is well, 1 otherwise.
"""
import argparse, http.client, re, sys, threading, time, urllib.parse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--post", action="append")
    parser.add_argument("--rows-per-post", type=int, default=1)
    args = parser.parse_args()
    posts = args.post or ["/actions/send-telemetry", "/actions/refresh-licenses"]
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port or 80
    authority = f"{host}:{port}"

    def connect():
        return http.client.HTTPConnection(host, port, timeout=60)

    def get(connection, path):
        connection.request("GET", path, headers={"Host": authority})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    def audit_total(connection):
        status, page = get(connection, "/?tab=audit-log")
        match = re.search(r"Audit log: (?:the newest \d+ of )?(\d+) entries", page)
        if status != 200 or not match:
            sys.exit(f"serve-load: cannot read the audit log count (status {status})")
        return int(match.group(1))

    first = connect()
    status, page = get(first, "/")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    if status != 200 or not token:
        sys.exit(f"serve-load: the page did not load (status {status}) or has no form token")
    token = token.group(1)
    before = audit_total(first)

    lock = threading.Lock()
    counter = {"next": 0, "posts": 0, "errors": [], "slowest": 0.0}
    gets = ["/", "/?tab=configuration", "/?tab=audit-log", "/healthz"]

    def worker():
        connection = connect()
        while True:
            with lock:
                index = counter["next"]
                if index >= args.requests:
                    break
                counter["next"] += 1
            start = time.perf_counter()
            try:
                if index % 5 == 4:
                    path = posts[(index // 5) % len(posts)]
                    body = urllib.parse.urlencode({"csrf": token})
                    connection.request("POST", path, body=body, headers={
                        "Host": authority, "Origin": f"http://{authority}", "Content-Type": "application/x-www-form-urlencoded"})
                    response = connection.getresponse()
                    response.read()
                    expected = 303
                    with lock:
                        counter["posts"] += 1
                else:
                    path = gets[index % len(gets)]
                    connection.request("GET", path, headers={"Host": authority})
                    response = connection.getresponse()
                    response.read()
                    expected = 200
                if response.status != expected:
                    with lock:
                        counter["errors"].append(f"{path}: {response.status}")
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    counter["errors"].append(f"request {index}: {error!r}")
                connection.close()
                connection = connect()
            elapsed = time.perf_counter() - start
            with lock:
                counter["slowest"] = max(counter["slowest"], elapsed)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    after = audit_total(connect())
    expected_rows = before + counter["posts"] * args.rows_per_post
    print(f"serve-load: {args.requests} requests ({counter['posts']} POSTs) over {args.connections} connections in {elapsed:.2f} s: "
          f"{args.requests / elapsed:.0f} requests/s, slowest {counter['slowest'] * 1000:.0f} ms; audit entries {before} -> {after}")
    problems = []
    if counter["errors"]:
        problems.append(f"{len(counter['errors'])} failed requests, first: {counter['errors'][:5]}")
    if after != expected_rows:
        problems.append(f"audit log has {after} entries, expected {expected_rows} ({counter['posts']} POSTs x {args.rows_per_post})")
    if problems:
        sys.exit("serve-load: " + "; ".join(problems))


if __name__ == "__main__":
    main()
