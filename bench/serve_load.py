#!/usr/bin/env python3
"""Load benchmark of the preview server: `hub serve` under many clients and open tabs.

    python3 bench/serve_load.py --gencorpus PATH/TO/gencorpus.py [--pages 1000]
                                [--clients 200] [--tabs 300] [--seconds 20] [--hub PATH]

Generates a site with the project's corpus generator, starts `hub serve` on it (on
127.0.0.1, a free port), opens --tabs live-reload event streams (as that many open browser
tabs would) and runs --clients concurrent keep-alive clients fetching pages, stylesheets and
404s for --seconds. Halfway through it edits a page and measures how long until the new text
is served, and how many of the open tabs were told to reload.

Reports requests per second, errors (a status other than 200/404, or a failed connection),
p50/p99 latency, and the server's thread count and resident memory (from /proc/PID/status)
before, at the peak under load, and once the clients have gone (the server must give threads
and memory back). Linux only (for /proc); standard library only. It sends traffic to
127.0.0.1 only, and stops by itself.
"""

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def proc_status(pid):
    """(threads, RSS in MiB) of a process, from /proc."""
    threads = rss = 0
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    return threads, rss


async def read_reply(reader):
    """Reads one reply with a Content-Length body; returns (status, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


class Stats:
    def __init__(self):
        self.latencies = []
        self.errors = 0
        self.statuses = {}


async def client(port, paths, stop_at, stats):
    """One keep-alive client: GETs random paths until stop_at, reconnecting on a close."""
    reader = writer = None
    while time.monotonic() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            path = random.choice(paths)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            await writer.drain()
            status, _ = await asyncio.wait_for(read_reply(reader), timeout=30)
            stats.latencies.append(time.perf_counter() - started)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if status not in (200, 404):
                stats.errors += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            stats.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


async def tab(port, opened, reloads, stop):
    """One open tab's event stream: waits for hello, then counts a reload event."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /__hub/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        seen = b""
        while b"event: hello" not in seen:
            seen += await asyncio.wait_for(reader.read(4096), timeout=30)
        opened.append(1)
        seen = b""
        while not stop.is_set():
            try:
                chunk = await asyncio.wait_for(reader.read(4096), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            if not chunk:
                break
            seen += chunk
            if b"event: reload" in seen:
                reloads.append(1)
                break
        await stop.wait()
        writer.close()
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
        pass


async def edit_and_wait(port, site, page_file, url, delay, result):
    """Appends a marker to a page after `delay` and waits until the server shows it."""
    await asyncio.sleep(delay)
    marker = f"load-benchmark-edit-{time.time_ns()}"
    with open(page_file, "a", encoding="utf-8") as f:
        f.write(f"\n\n{marker}\n")
    started = time.perf_counter()
    while time.perf_counter() - started < 60:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            status, body = await asyncio.wait_for(read_reply(reader), timeout=30)
            writer.close()
            if status == 200 and marker.encode() in body:
                result["edit_shown_s"] = time.perf_counter() - started
                return
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(0.05)
    result["edit_shown_s"] = None


async def sample(pid, stop, peak):
    while not stop.is_set():
        threads, rss = proc_status(pid)
        peak["threads"] = max(peak.get("threads", 0), threads)
        peak["rss"] = max(peak.get("rss", 0), rss)
        await asyncio.sleep(0.25)


async def run_load(args, port, pid, site, paths, page_file, page_url):
    stats = Stats()
    peak = {}
    result = {}
    stop_tabs = asyncio.Event()
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(sample(pid, stop_sampling, peak))
    opened, reloads = [], []
    tabs = [asyncio.create_task(tab(port, opened, reloads, stop_tabs)) for _ in range(args.tabs)]
    # Wait until the tabs are open (or have failed) before the clients start.
    deadline = time.monotonic() + 60
    while len(opened) < args.tabs and time.monotonic() < deadline and not all(t.done() for t in tabs):
        await asyncio.sleep(0.1)
    started = time.monotonic()
    stop_at = started + args.seconds
    clients = [asyncio.create_task(client(port, paths, stop_at, stats)) for _ in range(args.clients)]
    editor = asyncio.create_task(edit_and_wait(port, site, page_file, page_url, args.seconds / 2, result))
    await asyncio.gather(*clients)
    elapsed = time.monotonic() - started
    await editor
    # Give the tabs a moment to hear the reload, then close them all.
    await asyncio.sleep(2)
    stop_tabs.set()
    await asyncio.gather(*tabs)
    stop_sampling.set()
    await sampler
    return stats, elapsed, peak, result, len(opened), len(reloads)


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gencorpus", required=True, help="the corpus generator (gencorpus.py)")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--tabs", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--hub", default=os.path.join(REPO, "target", "release", "hub"))
    args = parser.parse_args()
    if not os.path.exists(args.hub):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)

    work = tempfile.mkdtemp(prefix="hub-serve-load-")
    server = None
    try:
        site = os.path.join(work, "site")
        subprocess.run([sys.executable, args.gencorpus, "--pages", str(args.pages), "--format", "hub",
                        "--out", site], check=True, stdout=subprocess.DEVNULL)
        tips = os.path.join(site, "content", "tips")
        names = sorted(f[:-3] for f in os.listdir(tips) if f.endswith(".md") and f != "_index.md")
        paths = ["/", "/tips/", "/style.css", "/no/such/page/"] + [f"/tips/{n}/" for n in names[:200]]
        page_file = os.path.join(tips, names[0] + ".md")
        page_url = f"/tips/{names[0]}/"

        server = subprocess.Popen([args.hub, "--root", site, "serve", "-p", "0", "--drafts"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = None
        for line in server.stdout:
            if line.startswith("serving "):
                port = int(line.split()[1].rstrip("/").rsplit(":", 1)[1])
                break
        if port is None:
            sys.exit("hub serve did not start")
        # Keep reading the server's output so that its pipe never fills.
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        time.sleep(0.5)
        idle_threads, idle_rss = proc_status(server.pid)

        stats, elapsed, peak, result, opened, reloads = asyncio.run(
            run_load(args, port, server.pid, site, paths, page_file, page_url))

        # The clients have gone: threads end as each connection notices (an event stream
        # checks about once a second).
        after_deadline = time.monotonic() + 40
        after_threads, after_rss = proc_status(server.pid)
        while after_threads > idle_threads + 4 and time.monotonic() < after_deadline:
            time.sleep(1)
            after_threads, after_rss = proc_status(server.pid)
        released_after = 40 - max(0, after_deadline - time.monotonic())

        count = len(stats.latencies)
        print(f"hub serve load: {args.pages} pages, {args.clients} clients, {opened} of {args.tabs} tabs open, "
              f"{elapsed:.1f} s")
        print(f"  requests      {count} ({count / elapsed:.0f}/s), errors {stats.errors}, statuses {stats.statuses}")
        print(f"  latency       p50 {percentile(stats.latencies, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(stats.latencies, 0.99) * 1000:.1f} ms")
        shown = result.get("edit_shown_s")
        print(f"  edit          {'shown after %.2f s' % shown if shown is not None else 'NOT SHOWN'}, "
              f"{reloads} of {opened} tabs told to reload")
        print(f"  threads       idle {idle_threads}, peak {peak.get('threads')}, after {after_threads} "
              f"({released_after:.0f} s after the clients went)")
        print(f"  memory (RSS)  idle {idle_rss:.0f} MiB, peak {peak.get('rss', 0):.0f} MiB, after {after_rss:.0f} MiB")
        if shown is None or stats.errors or after_threads > idle_threads + 4:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
