#!/usr/bin/env python3
"""
check_sample_content.py - checks the bundled sample FAQ
(assets/content/sample/*.json) against kiosk-faq/1 and against the editorial
rules of docs/sample-content.md, and prints what it counted.

It checks what a reviewer would otherwise check by hand: every file parses
and is one complete kiosk-faq/1 document; categories are defined in the same
file before use, with titles in every locale; every article has its fields
(4-8 questions, 3-8 keywords, a body of a sensible length, updated_at,
position); the same ids exist in every locale with the same category and
position; no id+locale twice; links go to example.org only; images named in
a body exist under media/ and are listed in the article's "media".

Standard library only. It must not modify anything: it is safe to run in CI
and before every commit of the content. `kioskctl import` remains the
authority on the format itself; this script adds the editorial rules.

Usage: python3 tools/check_sample_content.py [CONTENT_DIR] [--script-check]
  --script-check  also runs the `opencc` command (if installed) to list
                  characters of the wrong script (zh-Hant text that s2tw
                  would change, zh-Hans text that t2s would change), for a
                  human to review: OpenCC prefers some variants (臺 for 台)
                  that Taiwan usage does not, so these are not errors.
Exit status: 0 when everything passes, 1 when anything failed.
"""
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

LOCALES = ("en", "zh-Hans", "zh-Hant")
FIELDS = ("id", "locale", "category", "title", "body", "questions", "keywords", "updated_at", "position")
N_QUESTIONS = (4, 8)
N_KEYWORDS = (3, 8)
# Body length: English words; for Chinese, CJK characters plus Latin words
# (a translation runs about 1.3-2 characters per English word).
EN_WORDS = (80, 250)
ZH_UNITS = (120, 600)
MIN_ARTICLES = 45

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]*)\)")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


class Report:
    def __init__(self):
        self.errors = []

    def err(self, where, msg):
        self.errors.append("%s: %s" % (where, msg))


def strip_markup(body):
    """The body as the reader sees it, for counting words."""
    text = LINK.sub(lambda m: "" if m.group(1) else m.group(2), body)
    text = re.sub(r"^\s*(#+|-|\*)\s+", "", text, flags=re.M)
    return text.replace("**", "")


def body_size(locale, body):
    text = strip_markup(body)
    if locale == "en":
        return len(LATIN_WORD.findall(text))
    return len(CJK.findall(text)) + len(LATIN_WORD.findall(text))


def check_body(rep, where, art, media_dir):
    body = art["body"]
    loc = art["locale"]
    size = body_size(loc, body)
    lo, hi = EN_WORDS if loc == "en" else ZH_UNITS
    if not lo <= size <= hi:
        rep.err(where, "'body' is %d %s long, expected %d-%d" %
                (size, "words" if loc == "en" else "characters", lo, hi))
    if loc != "en" and not CJK.search(body):
        rep.err(where, "'body' has no Chinese text")
    if "\r" in body or "\t" in body:
        rep.err(where, "'body' contains a carriage return or tab")
    if re.search(r"</?[a-zA-Z][^>]*>", body):
        rep.err(where, "'body' contains an HTML tag; use the light markup")
    for i, block in enumerate(re.split(r"\n\s*\n", body)):
        if block.count("**") % 2:
            rep.err(where, "'body' block %d has an unclosed ** (bold)" % (i + 1))
    listed = art.get("media") or []
    listed_src = set()
    for m in listed:
        src = m if isinstance(m, str) else (m.get("src") if isinstance(m, dict) else None)
        if not isinstance(src, str):
            rep.err(where, "'media' entry %r is neither a path nor an object with 'src'" % (m,))
            continue
        listed_src.add(src)
        if not os.path.isfile(os.path.join(media_dir, os.path.basename(src))) or not src.startswith("media/"):
            rep.err(where, "'media' names %s, which is not a file in media/" % src)
    used = set()
    for m in LINK.finditer(body):
        bang, text, url = m.groups()
        if bang:
            used.add(url)
            line = body[body.rfind("\n", 0, m.start()) + 1:body.find("\n", m.end()) if "\n" in body[m.end():] else len(body)]
            if line.strip() != m.group(0):
                rep.err(where, "image %s must be alone on its line" % url)
            if not text.strip():
                rep.err(where, "image %s has no alt text" % url)
            if url not in listed_src:
                rep.err(where, "image %s is not listed in 'media'" % url)
            continue
        p = urllib.parse.urlparse(url)
        host = p.hostname or ""
        if p.scheme != "https" or not (host == "example.org" or host.endswith(".example.org")):
            rep.err(where, "link %s must be an https://...example.org address" % url)
        if not text.strip():
            rep.err(where, "link %s has no text" % url)
    for src in listed_src - used:
        rep.err(where, "'media' lists %s but the body never shows it" % src)


def check_list(rep, where, art, field, bounds):
    items = art[field]
    if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
        rep.err(where, "'%s' must be a list of non-empty strings" % field)
        return
    if not bounds[0] <= len(items) <= bounds[1]:
        rep.err(where, "'%s' has %d entries, expected %d-%d" % (field, len(items), bounds[0], bounds[1]))
    seen = set()
    for x in items:
        k = x.strip().casefold()
        if k in seen:
            rep.err(where, "'%s' repeats %r" % (field, x))
        seen.add(k)
    if field == "questions" and art["title"].strip().casefold() in seen:
        rep.err(where, "a question repeats the title")


def check_file(rep, path, media_dir, articles):
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
        doc = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        rep.err(name, "cannot be read as UTF-8 JSON: %s" % e)
        return
    if not isinstance(doc, dict) or doc.get("format") != "kiosk-faq/1":
        rep.err(name, "'format' must be \"kiosk-faq/1\"")
        return
    keys = list(doc.keys())
    if "categories" in keys and "articles" in keys and keys.index("categories") > keys.index("articles"):
        rep.err(name, "'categories' must come before 'articles'")
    cats = {}
    for i, c in enumerate(doc.get("categories") or []):
        where = "%s: categories[%d]" % (name, i)
        cid = c.get("id") if isinstance(c, dict) else None
        if not isinstance(cid, str) or not cid:
            rep.err(where, "'id' is missing")
            continue
        if cid in cats:
            rep.err(where, "category '%s' is defined twice" % cid)
        titles = c.get("titles") or {}
        for loc in LOCALES:
            if not isinstance(titles.get(loc), str) or not titles[loc].strip():
                rep.err(where, "category '%s' has no %s title" % (cid, loc))
        cats[cid] = c
    for i, a in enumerate(doc.get("articles") or []):
        where = "%s: article %s (%s)" % (name, a.get("id", "#%d" % i), a.get("locale", "?"))
        missing = [f for f in FIELDS if f not in a]
        if missing:
            rep.err(where, "missing %s" % ", ".join(missing))
            continue
        for f in ("id", "locale", "category", "title", "body", "updated_at"):
            if not isinstance(a[f], str) or not a[f].strip():
                rep.err(where, "'%s' must be a non-empty string" % f)
        if rep.errors and rep.errors[-1].startswith(where):
            continue
        if a["locale"] not in LOCALES:
            rep.err(where, "locale '%s' is not one of %s" % (a["locale"], ", ".join(LOCALES)))
        if a["category"] not in cats:
            rep.err(where, "category '%s' is not defined in this file" % a["category"])
        if not isinstance(a["position"], int) or isinstance(a["position"], bool):
            rep.err(where, "'position' must be a whole number")
        if not ISO.match(a["updated_at"]):
            rep.err(where, "'updated_at' %r is not ISO 8601 like 2026-11-01T00:00:00Z" % a["updated_at"])
        else:
            try:
                datetime.datetime.fromisoformat(a["updated_at"].replace("Z", "+00:00"))
            except ValueError:
                rep.err(where, "'updated_at' %r is not a real date" % a["updated_at"])
        if not re.match(r"^[a-z0-9_]+$", a["id"]):
            rep.err(where, "id should be lower-case letters, digits and '_'")
        check_list(rep, where, a, "questions", N_QUESTIONS)
        check_list(rep, where, a, "keywords", N_KEYWORDS)
        check_body(rep, where, a, media_dir)
        key = (a["id"], a["locale"])
        if key in articles:
            rep.err(where, "id+locale also appears in %s" % articles[key][0])
        else:
            articles[key] = (name, a)


def script_check(articles):
    """Lists characters OpenCC would convert, per article, for review."""
    if not shutil.which("opencc"):
        print("script check: the opencc command is not installed, skipped")
        return
    for loc, cfg in (("zh-Hant", "s2tw.json"), ("zh-Hans", "t2s.json")):
        for (aid, aloc), (_, a) in sorted(articles.items()):
            if aloc != loc:
                continue
            text = "\n".join([a["title"], a["body"]] + a["questions"] + a["keywords"])
            out = subprocess.run(["opencc", "-c", cfg], input=text.encode("utf-8"),
                                 capture_output=True, check=False).stdout.decode("utf-8")
            diffs = sorted({"%s>%s" % (x, y) for x, y in zip(text, out) if x != y})
            if diffs:
                print("script check: %s (%s): %s" % (aid, loc, " ".join(diffs)))


def main(argv):
    args = [x for x in argv[1:] if not x.startswith("--")]
    here = os.path.dirname(os.path.abspath(__file__))
    root = args[0] if args else os.path.join(here, "..", "assets", "content", "sample")
    media_dir = os.path.join(root, "media")
    files = sorted(glob.glob(os.path.join(root, "*.json")))
    rep = Report()
    if not files:
        rep.err(root, "no .json files")
    articles = {}
    for path in files:
        check_file(rep, path, media_dir, articles)

    by_loc = {loc: {} for loc in LOCALES}
    for (aid, loc), (_, a) in articles.items():
        by_loc.setdefault(loc, {})[aid] = a
    all_ids = set().union(*[set(v) for v in by_loc.values()])
    for aid in sorted(all_ids):
        have = [loc for loc in LOCALES if aid in by_loc[loc]]
        if len(have) != len(LOCALES):
            rep.err("article %s" % aid, "exists only in %s" % ", ".join(have))
            continue
        ref = by_loc["en"][aid]
        for loc in LOCALES[1:]:
            a = by_loc[loc][aid]
            for f in ("category", "position", "updated_at"):
                if a[f] != ref[f]:
                    rep.err("article %s (%s)" % (aid, loc), "'%s' differs from en (%r vs %r)" % (f, a[f], ref[f]))
            if sorted(map(str, a.get("media") or [])) != sorted(map(str, ref.get("media") or [])):
                rep.err("article %s (%s)" % (aid, loc), "'media' differs from en")
    for loc in LOCALES:
        titles = {}
        places = {}
        for aid, a in by_loc[loc].items():
            t = a["title"].strip().casefold()
            if t in titles:
                rep.err("article %s (%s)" % (aid, loc), "same title as '%s'" % titles[t])
            titles[t] = aid
            p = (a["category"], a["position"])
            if p in places:
                rep.err("article %s (%s)" % (aid, loc), "same category position as '%s'" % places[p])
            places[p] = aid
        if len(by_loc[loc]) < MIN_ARTICLES:
            rep.err(loc, "only %d articles, expected at least %d" % (len(by_loc[loc]), MIN_ARTICLES))

    for loc in LOCALES:
        arts = list(by_loc[loc].values())
        if not arts:
            continue
        sizes = sorted(body_size(loc, a["body"]) for a in arts)
        nq = sum(len(a["questions"]) for a in arts)
        nk = sum(len(a["keywords"]) for a in arts)
        cats = len({a["category"] for a in arts})
        print("%-8s %3d articles in %d categories, %d questions, %d keywords, body %s %d-%d (median %d)" %
              (loc, len(arts), cats, nq, nk, "words" if loc == "en" else "chars",
               sizes[0], sizes[-1], sizes[len(sizes) // 2]))
    if "--script-check" in argv:
        script_check(articles)
    for e in rep.errors:
        print("error: " + e)
    print("%d files, %d errors" % (len(files), len(rep.errors)))
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
