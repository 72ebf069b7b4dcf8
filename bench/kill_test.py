#!/usr/bin/env python3
"""Kill test: `hub build` killed with SIGKILL at random moments never leaves a half-published site.

    python3 bench/kill_test.py --gencorpus PATH/TO/gencorpus.py [--pages 3000] [--kills 50]
                               [--hub PATH] [--dir DIR] [--seed N] [--naive]

It generates a synthetic site (with the project's corpus generator), and makes two versions
of it that differ in several files (an edited page, shown on listing pages and in the feeds,
and a page that only one version has). It builds each version once into a folder of its own
and records a manifest: the SHA-256 of every file. Then, --kills times:

1. switch the sources to the version that is not published;
2. start `hub build`, and SIGKILL it at a random moment of a build (0 to 110% of a whole
   build's time, so some kills land after the build finished); every other kill waits for the
   folder beside the output folder to appear, then strikes within 0.3 s, while the site is
   written, swapped in and the old one removed;
3. check that the output folder is exactly one of the two manifests: the old site or the new
   one, whole. Anything else is a failure, reported with how many files differ;
4. run `hub build` to the end: it must succeed without any manual step, publish the new
   version, and leave nothing beside the output folder (no staging, old or lock file).

It prints one line per kill and the counts: old, new, failed. `--naive` runs the same check
against a naive writer (`cp` copying the new site over the old one, file by file), to show
that the check does catch a half-written site: expect failures there.

Work happens in --dir (default /dev/shm/hub-kill, memory-backed: a build then takes long
enough to be killed in the middle, and the disk is not worn). Standard library only.
"""

import argparse
import hashlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def manifest(folder):
    """{relative path: sha256} of every file and symlink under `folder`, not following links."""
    found = {}
    if not os.path.isdir(folder):
        return found
    for parent, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(parent, d))]:
            path = os.path.join(parent, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                found[rel] = "link:" + os.readlink(path)
            else:
                with open(path, "rb") as f:
                    found[rel] = hashlib.sha256(f.read()).hexdigest()
    return found


def classify(now, old, new):
    """'old', 'new', or 'failed (N files differ from the old site, M from the new)'."""
    if now == old:
        return "old"
    if now == new:
        return "new"
    def differing(a, b):
        return sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))
    return f"failed ({differing(now, old)} files differ from the old site, {differing(now, new)} from the new)"


def self_test():
    """The verifier tells a whole site from a mixed or partial one."""
    old = {"index.html": "1", "a/index.html": "2", "feed.xml": "3"}
    new = {"index.html": "4", "a/index.html": "2", "b/index.html": "5", "feed.xml": "6"}
    assert classify(dict(old), old, new) == "old"
    assert classify(dict(new), old, new) == "new"
    mixed = dict(old, **{"index.html": "4"})
    assert classify(mixed, old, new).startswith("failed")
    partial = {k: v for k, v in new.items() if k != "feed.xml"}
    assert classify(partial, old, new).startswith("failed")
    assert classify({}, old, new).startswith("failed")
    print("self-test: the verifier tells old, new, mixed, partial and empty sites apart")


def set_version(site, version, original_page, extra_page):
    """Version 0 is the generated site; version 1 edits a page and adds one."""
    page_path, page_text = original_page
    with open(page_path, "w", encoding="utf-8") as f:
        f.write(page_text if version == 0 else page_text + "\n\nEdited for the kill test: version B.\n")
    if version == 1:
        with open(extra_page, "w", encoding="utf-8") as f:
            f.write('+++\ntitle = "Only in version B"\ndate = 2024-05-01\n+++\n\nA page that version A does not have.\n')
    elif os.path.exists(extra_page):
        os.remove(extra_page)


def run_build(hub, site, output):
    return subprocess.run([hub, "--root", site, "build", "--allow-privacy", "-o", output],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gencorpus", required=True, help="the corpus generator, gencorpus.py")
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--hub", help="the hub executable (default: build target/release/hub)")
    parser.add_argument("--dir", default="/dev/shm/hub-kill")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--naive", action="store_true", help="check a naive cp writer instead of hub")
    args = parser.parse_args()
    self_test()

    hub = args.hub
    if not hub:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        hub = os.path.join(REPO, "target", "release", "hub")
    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir)
    site = os.path.join(args.dir, "site")
    subprocess.run([sys.executable, args.gencorpus, "--pages", str(args.pages), "--format", "hub",
                    "--out", site], check=True, stdout=subprocess.DEVNULL)
    tips = os.path.join(site, "content", "tips")
    first = sorted(n for n in os.listdir(tips) if n.endswith(".md") and not n.startswith("_"))[0]
    page_path = os.path.join(tips, first)
    with open(page_path, encoding="utf-8") as f:
        original_page = (page_path, f.read())
    extra_page = os.path.join(tips, "kill-test-extra.md")

    manifests, durations = [], []
    for version in (0, 1):
        set_version(site, version, original_page, extra_page)
        reference = os.path.join(args.dir, f"reference-{version}")
        for _ in range(2):
            started = time.perf_counter()
            result = run_build(hub, site, reference)
            durations.append(time.perf_counter() - started)
            if result.returncode != 0:
                sys.exit(f"the reference build failed:\n{result.stderr}")
        manifests.append(manifest(reference))
    changed = sum(1 for k in set(manifests[0]) | set(manifests[1]) if manifests[0].get(k) != manifests[1].get(k))
    whole = statistics.median(durations)
    print(f"site: {args.pages} pages, {len(manifests[1])} files; the versions differ in {changed} files; "
          f"a build takes {whole:.2f} s ({'naive cp writer' if args.naive else hub})")

    out_parent = os.path.join(args.dir, "out")
    output = os.path.join(out_parent, "public")
    os.makedirs(out_parent)
    published = 0
    set_version(site, published, original_page, extra_page)
    if run_build(hub, site, output).returncode != 0:
        sys.exit("the first build failed")
    if args.naive:
        started = time.perf_counter()
        subprocess.run(["cp", "-a", os.path.join(args.dir, "reference-0") + "/.", output], check=True)
        whole = time.perf_counter() - started

    rng = random.Random(args.seed)
    counts = {"old": 0, "new": 0, "failed": 0}
    recoveries_failed = 0
    writing = 0
    for round_number in range(1, args.kills + 1):
        target = 1 - published
        set_version(site, target, original_page, extra_page)
        if args.naive:
            command = ["cp", "-a", os.path.join(args.dir, f"reference-{target}") + "/.", output]
        else:
            command = [hub, "--root", site, "build", "--allow-privacy", "-o", output]
        # Odd kills land anywhere in a build; even ones while the site is being written: from
        # the moment the folder beside appears, plus up to 0.3 s (hub writes 3,000 pages in
        # less than that), so that they hit the writing, the swap and the removal of the old site.
        in_write = round_number % 2 == 0 and not args.naive
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        if in_write:
            staging_path = os.path.join(out_parent, ".public.hub-next")
            while process.poll() is None and not os.path.exists(staging_path):
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.3))
        else:
            time.sleep(rng.uniform(0, whole * 1.1))
        delay = time.perf_counter() - started
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait()
        staging = os.path.exists(os.path.join(out_parent, ".public.hub-next"))
        writing += staging and not finished
        state = classify(manifest(output), manifests[published], manifests[target])
        counts[state.split(" ")[0]] += 1
        moment = " (had finished)" if finished else " (while writing the new site)" if staging else ""
        line = f"kill {round_number:3}: after {delay:5.2f} s{moment}: {state}"
        # The next build finishes the job with no step by hand, and tidies up.
        if args.naive:
            shutil.rmtree(output)
            subprocess.run(["cp", "-a", os.path.join(args.dir, f"reference-{target}"), output], check=True)
        else:
            result = run_build(hub, site, output)
            leftovers = sorted(set(os.listdir(out_parent)) - {"public"})
            whole_now = manifest(output) == manifests[target]
            if result.returncode != 0 or leftovers or not whole_now:
                recoveries_failed += 1
                line += (f"; NEXT BUILD FAILED: exit {result.returncode}, leftovers {leftovers}, "
                         f"new site whole: {whole_now}\n{result.stderr}")
            else:
                line += "; next build ok, nothing left beside"
        published = target
        print(line, flush=True)

    print(f"\n{args.kills} kills: {counts['old']} old site whole, {counts['new']} new site whole, "
          f"{counts['failed']} failed; {writing} kills landed while the new site was being written; "
          f"next build failed {recoveries_failed} times")
    shutil.rmtree(args.dir, ignore_errors=True)
    return 1 if counts["failed"] or recoveries_failed else 0


if __name__ == "__main__":
    sys.exit(main())
