#!/usr/bin/env python3
"""sync_nginx.py - `kioskctl sync` against a real nginx (/usr/sbin/nginx,
started here on free loopback ports with a config in the temp dir), as a
kiosk meets it in production: ETag / If-None-Match (an unchanged poll is
one 304 under 1 KB), HTTP Range resuming a partial file, a one-article
change, and HTTPS with verification always on (a private CA, a wrong CA,
public-key pinning right and wrong).
"""
import hashlib
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kstest  # noqa: E402
from kstest import content_state, live_media_ok, make_src, pseudo_random  # noqa: E402

T = kstest.Test("sync_nginx")
sec, pub = T.keys()
src, site, data = T.path("src"), T.path("site"), T.path("data")
M1, M2, M3 = pseudo_random(300_000, 11), pseudo_random(200_000, 12), pseudo_random(400_000, 13)


def state_ok(d, version, what):
    v, _, integ = content_state(d)
    T.check(integ == "ok" and v == version, "%s: version %d (wanted %d), integrity %s" % (what, v, version, integ))
    T.check(live_media_ok(d) is None, "%s: %s" % (what, live_media_ok(d)))


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=T.tmp)


try:
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2})
    T.build(src, site, 1)
    web = T.nginx(site)
    rc, res = T.sync(data, web.url, pub)
    T.check(res.get("content_version") == 1, "sync from nginx installs v1: %s" % res)
    state_ok(data, 1, "v1 from nginx")
    log = web.log()
    T.check(all(s == 200 for s, *_ in log), "first sync: every response 200: %s" % log)

    # An unchanged poll: nginx answers the conditional GET with a 304.
    rc, res = T.sync(data, web.url, pub)
    log = web.log()
    T.check(len(log) == 1 and log[0][0] == 304, "unchanged poll is one 304 from nginx: %s" % log)
    if log:
        sent, reqlen = log[0][1], log[0][2]
        T.check(sent + reqlen <= 1024, "unchanged poll moved %d + %d bytes (<= 1 KB)" % (reqlen, sent))
        print("unchanged poll against nginx: 1 request, %d bytes up, %d bytes down" % (reqlen, sent))

    # Range against nginx: a partial file from an interrupted download.
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2, "m3.bin": M3})
    T.build(src, site, 2)
    sha3 = hashlib.sha256(M3).hexdigest()
    os.makedirs(os.path.join(data, "media", ".partial"), exist_ok=True)
    with open(os.path.join(data, "media", ".partial", sha3), "wb") as f:
        f.write(M3[:150_000])
    rc, res = T.sync(data, web.url, pub)
    T.check(res.get("content_version") == 2 and res.get("bytes_resumed") == 150_000, "v2 resumed: %s" % res)
    media = [e for e in web.log() if "/media/" in e[3]]
    T.check(len(media) == 1 and media[0][0] == 206 and media[0][4] == "bytes=150000-",
            "nginx served the missing range: %s" % media)
    if media:
        T.check(media[0][1] < 250_000 + 1024, "only the missing 250000 bytes moved (%d sent)" % media[0][1])
    state_ok(data, 2, "v2 after a resume")

    # A partial file that does not match the server's (corrupt local bytes):
    # the hash check catches it and one clean download follows.
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2, "m3.bin": M3, "m4.bin": M1[:1000] + M2[:1000]})
    T.build(src, site, 3)
    sha4 = hashlib.sha256(M1[:1000] + M2[:1000]).hexdigest()
    with open(os.path.join(data, "media", ".partial", sha4), "wb") as f:
        f.write(b"\0" * 500)
    rc, res = T.sync(data, web.url, pub)
    T.check(res.get("content_version") == 3, "a bad partial is replaced by a clean download: %s" % res)
    state_ok(data, 3, "v3")
    web.log()

    # A one-article change.
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2, "m3.bin": M3, "m4.bin": M1[:1000] + M2[:1000]},
             revised={"a4": "v4"})
    T.build(src, site, 4)
    rc, res = T.sync(data, web.url, pub)
    log = web.log()
    files = [e for e in log if "/content/" in e[3] or "/media/" in e[3]]
    T.check(res.get("content_version") == 4 and len(files) == 1, "one-article change: one file: %s" % log)
    web.stop()

    # HTTPS: a private CA and a certificate for 127.0.0.1.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=kiosk test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1")
    with open(T.path("san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "srv.pem", "-days", "2", "-extfile", "san.ext")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other-ca.pem",
            "-days", "2", "-subj", "/CN=some other CA")
    der = subprocess.run("openssl x509 -in srv.pem -pubkey -noout | openssl pkey -pubin -outform der", shell=True,
                         cwd=T.tmp, capture_output=True, check=True).stdout
    import base64
    pin = "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()
    wrong_pin = "sha256//" + base64.b64encode(hashlib.sha256(b"not the key").digest()).decode()

    tls = T.nginx(site, tls=(T.path("srv.pem"), T.path("srv.key")))
    d = T.path("tls-data")
    rc, res = T.sync(d, tls.url, pub, expect=1)
    T.check("TLS verification failed" in (res.get("error") or ""), "unknown CA refused: %s" % res.get("error"))
    rc, res = T.sync(d, tls.url, pub, "--cacert", T.path("other-ca.pem"), expect=1)
    T.check("TLS verification failed" in (res.get("error") or ""), "wrong CA refused: %s" % res.get("error"))
    T.check(content_state(d)[0] == 0, "nothing installed over unverified TLS")
    rc, res = T.sync(d, tls.url, pub, "--cacert", T.path("ca.pem"), "--pin", wrong_pin, expect=1)
    T.check("refused" in (res.get("error") or ""), "wrong pin refused: %s" % res.get("error"))
    T.check(content_state(d)[0] == 0, "nothing installed with a wrong pin")
    rc, res = T.sync(d, tls.url, pub, "--cacert", T.path("ca.pem"), "--pin", pin)
    T.check(res.get("content_version") == 4, "verified and pinned HTTPS sync: %s" % res)
    state_ok(d, 4, "over HTTPS")
    rc, res = T.sync(d, tls.url, pub, "--cacert", T.path("ca.pem"))
    T.check(res.get("requests") == 1 and res.get("updated") is False, "HTTPS unchanged poll: %s" % res)
    tls.stop()
except (kstest.Failure, subprocess.CalledProcessError) as e:
    T.check(False, str(e))
T.done()
