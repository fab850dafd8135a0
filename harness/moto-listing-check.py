"""Checks harness/moto_fast_listing.py against moto's own ListObjectsV2, page for page and byte for byte.

Random buckets (names with '/', '_', '.', '~', '&', '<', control characters, non-ASCII; delete markers in a
versioned bucket), random prefixes, delimiters (none, '/', '_', a two-character one), StartAfter, page sizes,
encoding-type=url and fetch-owner; every continuation chain followed to its end; keys added and deleted
between rounds. Each query is answered by moto's own method and by the sorted index (the items), and over
HTTP by stock moto and by the patched one (the whole response: status, headers but the request id, body).
Prints one line per round and exits 1 on the first difference, naming the query.

    python3 harness/moto-listing-check.py [ROUNDS] [SEED]
"""
import random
import sys
import urllib.parse

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import FakeKey, S3Backend, s3_backends
from moto.s3.responses import S3Response
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.test import Client

import moto_fast_listing

moto_fast_listing.install()
stock = moto_fast_listing._stock
sorted_listing = moto_fast_listing.list_objects_v2
http = Client(DomainDispatcherApplication(create_backend_app))

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
ALPHABET = ["a", "b", "ab", "/", "/", "_", "-", ".", "~", "!", "é", "\x01", "\r", "&", "<", "0", "sub-", "ses-"]


def random_name() -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8)))


def page(fn, bucket, prefix, delimiter, token, start_after, max_keys):
    items, truncated, next_token = fn(backend, bucket, prefix, delimiter, token, start_after, max_keys)
    names = [k.name if isinstance(k, FakeKey) else k for k in items]
    return names, truncated, next_token


def chain(fn, bucket, prefix, delimiter, start_after, max_keys):
    pages, token = [], None
    while True:
        p = page(fn, bucket, prefix, delimiter, token, start_after if token is None else None, max_keys)
        pages.append(p)
        if not p[1] or len(pages) > 500:
            return pages
        token = p[2]


def http_chain(patched: bool, bucket, query):
    """Every page over HTTP, by stock moto or by the patched one."""
    S3Backend.list_objects_v2 = sorted_listing if patched else stock
    S3Response.serialized = moto_fast_listing.serialized if patched else moto_fast_listing._stock_serialized
    pages, token = [], None
    try:
        while len(pages) <= 500:
            q = dict(query, **({"continuation-token": token} if token else {}))
            if token:
                q.pop("start-after", None)
            r = http.get(f"/{bucket}?{urllib.parse.urlencode(q)}", headers={"Host": "localhost:5000"})
            headers = sorted((k, v) for k, v in r.headers.items() if k.lower() != "x-amzn-requestid")
            pages.append((r.status_code, headers, r.data))
            token = r.data.split(b"<NextContinuationToken>")[1].split(b"<")[0].decode() if b"<NextContinuationToken>" in r.data else None
            if not token:
                return pages
        return pages
    finally:
        S3Backend.list_objects_v2 = sorted_listing
        S3Response.serialized = moto_fast_listing.serialized


def check_http(bucket_name: str, queries: int) -> int:
    names = list(dict.keys(backend.get_bucket(bucket_name).keys))
    for _ in range(queries):
        base = rng.choice(names) if names else ""
        query = {"list-type": "2", "max-keys": str(rng.choice([1, 3, 7, 1000]))}
        for k, v in (
            ("prefix", rng.choice([None, base[: rng.randint(0, len(base))], random_name()])),
            ("delimiter", rng.choice([None, "/", "_"])),
            ("start-after", rng.choice([None, rng.choice(names) if names else None])),
            ("encoding-type", rng.choice([None, None, "url"])),
            ("fetch-owner", rng.choice([None, None, None, "true"])),
        ):
            if v is not None:
                query[k] = v
        want, got = http_chain(False, bucket_name, query), http_chain(True, bucket_name, query)
        if want != got:
            print(f"DIFFERENT over HTTP in {bucket_name}: {query!r}")
            for w, g in zip(want, got):
                if w != g:
                    print(f"  moto:    {w}\n  patched: {g}")
                    break
            sys.exit(1)
    return queries


def check(bucket_name: str, queries: int) -> int:
    bucket = backend.get_bucket(bucket_name)
    names = list(dict.keys(bucket.keys))
    for _ in range(queries):
        base = rng.choice(names) if names else ""
        prefix = rng.choice([None, "", base[: rng.randint(0, len(base))], random_name()])
        delimiter = rng.choice([None, "/", "/", "_", "ab"])
        start_after = rng.choice([None, None, rng.choice(names) if names else None, random_name()])
        max_keys = rng.choice([0, 1, 2, 3, 7, 1000])
        want = chain(stock, bucket, prefix, delimiter, start_after, max_keys)
        got = chain(sorted_listing, bucket, prefix, delimiter, start_after, max_keys)
        if want != got:
            print(f"DIFFERENT in {bucket_name}: prefix={prefix!r} delimiter={delimiter!r} start_after={start_after!r} max_keys={max_keys}")
            print(f"  moto:   {want[:3]}")
            print(f"  sorted: {got[:3]}")
            sys.exit(1)
    return queries


total = 0
for b in ("plain", "versioned"):
    backend.create_bucket(b, "us-east-1")
backend.put_bucket_versioning("versioned", "Enabled")
for r in range(rounds):
    for b in ("plain", "versioned"):
        for _ in range(rng.randint(20, 120)):
            backend.put_object(b, random_name(), b"x")
        present = list(dict.keys(backend.get_bucket(b).keys))
        for name in rng.sample(present, k=min(len(present), rng.randint(0, 10))):
            backend.delete_object(b, name)  # in "versioned", this leaves a delete marker
        total += check(b, 150) + check_http(b, 20)
    print(f"round {r + 1}: {total} listings agree", flush=True)
print(f"ok: {total} listings, every page the same as moto's")
