#!/usr/bin/env python3
"""Times hub's image processing on a folder of camera-sized photos, cold (no cache) and warm
(everything cached), and sums the sizes of the files it publishes (WebP against JPEG). With
--hugo, Hugo makes the same widths in the same formats from the same photos, in the same run.

    python3 bench/images.py --hub target/release/hub [--hugo PATH/TO/hugo] [--count 50]

Needs Pillow (to draw the photos): `pip install pillow` in a virtualenv. The photos and
sites go in --workdir (a memory-backed folder by default, so that disk speed does not count).
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

WIDTHS = [480, 800, 1200, 1600]
QUALITY = 80


def draw_photos(folder: Path, count: int, size=(3000, 2000)) -> list[Path]:
    """Photo-like JPEGs: soft gradients and shapes under sensor-like noise, so that they
    compress as camera photos do (one to two megabytes each)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    rng = random.Random(14)
    for index in range(count):
        path = folder / f"photo-{index:02}.jpg"
        paths.append(path)
        if path.exists():
            continue
        base = Image.new("RGB", size)
        draw = ImageDraw.Draw(base)
        top = [rng.randrange(60, 200) for _ in range(3)]
        bottom = [rng.randrange(20, 160) for _ in range(3)]
        for y in range(size[1]):
            t = y / size[1]
            draw.line(
                [(0, y), (size[0], y)],
                fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)),
            )
        for _ in range(25):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            r = rng.randrange(50, 500)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        base = base.filter(ImageFilter.GaussianBlur(6))
        noise = Image.effect_noise(size, 24).convert("RGB")
        photo = ImageChops.add(base, noise, scale=1.0, offset=-100)
        photo.save(path, quality=92)
    return paths


def run(command: list[str], cwd: Path, env=None) -> tuple[float, float, str]:
    """Wall and CPU seconds of one run, and what it printed on stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def hub_site(root: Path, photos: list[Path]) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    (root / "site.toml").write_text(
        'title = "Photos"\nbase_url = "https://hub.example.org"\n\n'
        f"[images]\nwidths = {WIDTHS}\nquality = {QUALITY}\n"
    )
    (root / "content" / "_index.md").write_text('+++\ntitle = "Photos"\n+++\n')
    for photo in photos:
        bundle = root / "content" / "photos" / photo.stem
        bundle.mkdir(parents=True)
        shutil.copy(photo, bundle / "photo.jpg")
        (bundle / "index.md").write_text(
            f'+++\ntitle = "{photo.stem}"\n+++\n\n![A test photo]({"photo.jpg"})\n'
        )


HUGO_SINGLE = """<!DOCTYPE html><html><body>
{{ with .Resources.GetMatch "photo.jpg" }}{{ $img := . }}
{{ range slice %s }}
{{ $webp := $img.Resize (printf "%%dx webp q%d" .) }}<img src="{{ $webp.RelPermalink }}">
{{ $jpg := $img.Resize (printf "%%dx jpg q%d" .) }}<img src="{{ $jpg.RelPermalink }}">
{{ end }}{{ end }}
</body></html>
""" % (" ".join(str(w) for w in WIDTHS), QUALITY, QUALITY)


def hugo_site(root: Path, photos: list[Path]) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://hub.example.org/"\ntitle = "Photos"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
    )
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (root / "layouts" / "_default" / "list.html").write_text("<html><body></body></html>\n")
    for photo in photos:
        bundle = root / "content" / "photos" / photo.stem
        bundle.mkdir(parents=True)
        shutil.copy(photo, bundle / "photo.jpg")
        (bundle / "index.md").write_text(f'+++\ntitle = "{photo.stem}"\n+++\n')


def sizes(folder: Path, suffix: str, exclude: str = "photo.jpg") -> int:
    return sum(
        p.stat().st_size
        for p in folder.rglob(f"*{suffix}")
        if p.name != exclude
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", required=True, type=Path)
    parser.add_argument("--hugo", type=Path)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=Path("/dev/shm/hub-image-bench"))
    args = parser.parse_args()
    hub = args.hub.resolve()
    photos = draw_photos(args.workdir / "photos", args.count)
    source_bytes = sum(p.stat().st_size for p in photos)
    print(f"{len(photos)} photos of 3000x2000, {source_bytes / 1e6:.1f} MB of JPEG")

    site = args.workdir / "hub-site"
    hub_site(site, photos)
    env = dict(os.environ, HUB_TIMINGS="1")
    cold = run([str(hub), "build"], site, env)
    warm = run([str(hub), "build"], site, env)
    for name, (wall, cpu, err) in [("cold", cold), ("warm", warm)]:
        work = next(l for l in err.splitlines() if l.startswith("timings: images"))
        print(f"hub  {name}: {wall:.2f} s wall, {cpu:.2f} s CPU ({work[len('timings: '):]})")
    public = site / "public"
    webp, jpeg = sizes(public, ".webp"), sizes(public, ".jpg")
    print(f"hub  output: WebP {webp / 1e6:.2f} MB, JPEG {jpeg / 1e6:.2f} MB "
          f"(WebP/JPEG {webp / jpeg:.2f})")

    if args.hugo:
        hugo = args.hugo.resolve()
        hsite = args.workdir / "hugo-site"
        hugo_site(hsite, photos)
        hcold = run([str(hugo), "--quiet"], hsite)
        hwarm = run([str(hugo), "--quiet"], hsite)
        for name, (wall, cpu, _), ours in [("cold", hcold, cold), ("warm", hwarm, warm)]:
            print(f"hugo {name}: {wall:.2f} s wall, {cpu:.2f} s CPU; "
                  f"hub/hugo wall {ours[0] / wall:.2f}, CPU {ours[1] / cpu:.2f}")
        hpublic = hsite / "public"
        hwebp, hjpeg = sizes(hpublic, ".webp"), sizes(hpublic, ".jpg")
        print(f"hugo output: WebP {hwebp / 1e6:.2f} MB, JPEG {hjpeg / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
