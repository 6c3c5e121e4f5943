#!/usr/bin/env python3
"""
bundled_sample_imports.py - proves the bundled sample content
(assets/content/sample) is what the kiosk can run on out of the box:

- tools/check_sample_content.py passes on it (every file one complete
  kiosk-faq/1 document, the same articles in en, zh-Hans and zh-Hant, all
  fields present, categories defined before use, media present), and fails,
  naming the article, on a copy with one translation removed and one
  undefined category;
- `kioskctl import` accepts the three files in one run and `status --json`
  then counts exactly the articles and categories the files hold, in every
  locale; importing again changes nothing;
- the committed illustrations are exactly what tools/make_sample_media.py
  draws (same size, same pixels; compared decoded, so another zlib version
  compressing differently does not matter), so the images and the script
  that makes them never drift apart.

Runs in a fresh temporary directory; needs KIOSKCTL (set by CTest).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

SRC = os.environ.get("KS_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLE = os.path.join(SRC, "assets", "content", "sample")
CHECK = os.path.join(SRC, "tools", "check_sample_content.py")
MEDIA = os.path.join(SRC, "tools", "make_sample_media.py")
LOCALES = ("en", "zh-Hans", "zh-Hant")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def png_pixels(path):
    """(IHDR, decompressed image data) of a PNG file."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, ihdr, idat = 8, None, b""
    while pos + 8 <= len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if tag == b"IHDR":
            ihdr = body
        elif tag == b"IDAT":
            idat += body
        pos += 12 + n
    return ihdr, zlib.decompress(idat)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def main():
    kioskctl = os.environ.get("KIOSKCTL")
    if not kioskctl:
        print("FAIL set KIOSKCTL to the kioskctl binary")
        return 1
    tmp = tempfile.mkdtemp(prefix="ks-it-sample-")
    try:
        files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".json"))
        check([os.path.basename(f) for f in files] == ["en.json", "zh-Hans.json", "zh-Hant.json"],
              "the sample is one file per locale: %s" % [os.path.basename(f) for f in files])
        docs = {}
        for f in files:
            with open(f, encoding="utf-8") as fh:
                docs[os.path.basename(f)[:-5]] = json.load(fh)

        # 1. the editorial check passes on the real content ...
        r = run([sys.executable, CHECK, SAMPLE])
        check(r.returncode == 0, "check_sample_content.py passes:\n" + r.stdout[-2000:])

        # ... and fails, naming what is wrong, on a damaged copy.
        bad = os.path.join(tmp, "bad")
        shutil.copytree(SAMPLE, bad)
        hant = docs["zh-Hant"]
        victim = hant["articles"][0]["id"]
        damaged = dict(hant, articles=hant["articles"][1:])
        other = dict(docs["zh-Hans"])
        other["articles"] = [dict(a) for a in other["articles"]]
        other["articles"][1]["category"] = "no_such_category"
        with open(os.path.join(bad, "zh-Hant.json"), "w", encoding="utf-8") as fh:
            json.dump(damaged, fh, ensure_ascii=False)
        with open(os.path.join(bad, "zh-Hans.json"), "w", encoding="utf-8") as fh:
            json.dump(other, fh, ensure_ascii=False)
        r = run([sys.executable, CHECK, bad])
        check(r.returncode == 1, "check_sample_content.py fails on a damaged copy")
        check("article %s: exists only in en, zh-Hans" % victim in r.stdout,
              "the missing translation of '%s' is named" % victim)
        check("category 'no_such_category' is not defined in this file" in r.stdout,
              "the undefined category is named")

        # 2. kioskctl imports all three files in one run.
        data = os.path.join(tmp, "data")
        r = run([kioskctl, "--data-dir", data, "import"] + files)
        check(r.returncode == 0, "kioskctl import exits 0: %s%s" % (r.stdout, r.stderr))
        r = run([kioskctl, "--data-dir", data, "status", "--json"])
        check(r.returncode == 0, "kioskctl status --json exits 0")
        st = json.loads(r.stdout) if r.returncode == 0 else {}
        ids = {a["id"] for d in docs.values() for a in d["articles"]}
        for loc in LOCALES:
            want = len(docs[loc]["articles"])
            got = st.get("articles_by_locale", {}).get(loc)
            check(got == want, "%s: %s articles in the store, %d in the file" % (loc, got, want))
        check(st.get("article_ids") == len(ids), "%s article ids in the store, %d in the files" %
              (st.get("article_ids"), len(ids)))
        check(st.get("categories") == len(docs["en"]["categories"]),
              "%s categories in the store, %d in the files" % (st.get("categories"), len(docs["en"]["categories"])))
        total = sum(len(d["articles"]) for d in docs.values())
        r = run([kioskctl, "--data-dir", data, "import"] + files)
        check(r.returncode == 0 and ("%d unchanged" % total) in r.stdout,
              "a second import changes nothing: %s" % r.stdout.strip())

        # 3. the committed images are what the script draws.
        out = os.path.join(tmp, "media")
        r = run([sys.executable, MEDIA, out])
        check(r.returncode == 0, "make_sample_media.py runs: %s" % r.stderr.strip())
        made = sorted(os.listdir(out)) if r.returncode == 0 else []
        committed = sorted(f for f in os.listdir(os.path.join(SAMPLE, "media")) if f.endswith(".png"))
        check(made == committed, "the script draws exactly the committed images: %s vs %s" % (made, committed))
        for name in made:
            a, b = png_pixels(os.path.join(out, name)), png_pixels(os.path.join(SAMPLE, "media", name))
            check(a is not None and a == b, "media/%s has the same size and pixels as the script draws" % name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
