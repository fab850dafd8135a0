"""moto's S3 server, with what the bench needs at scale before it starts serving.

    python3 harness/moto-server.py [--preload FILE] [--fast-listing] -H 127.0.0.1 -p 0

--preload FILE: objects put straight into moto's in-memory backend. moto takes one-byte PUTs over HTTP at
about 190 a second here (minutes for the bench's 76,000-key study); put in-process they take seconds. What
it serves afterwards is the same as if the objects had been PUT one by one (same listing, sizes, ETags).
FILE holds JSON lines: {"bucket": "b"} creates a bucket, {"bucket": "b", "key": "k", "body": "text"} puts
an object.

--fast-listing: ListObjectsV2 pages found in a sorted index instead of a walk of the whole bucket, and
their keys written as XML directly (harness/moto_fast_listing.py), so that a page costs little, whatever the
bucket's size, as on S3.

The remaining arguments go to moto_server.
"""
import json
import sys

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import get_canned_acl, s3_backends
from moto.server import main

args = sys.argv[1:]
if "--fast-listing" in args:
    args.remove("--fast-listing")
    import moto_fast_listing

    moto_fast_listing.install()
    print("ListObjectsV2 from a sorted index, written directly", flush=True)

if args[:1] == ["--preload"]:
    preload, args = args[1], args[2:]
    # As moto.createBucket/put do over HTTP (public-read, so unsigned reads work); CORS is set over HTTP after.
    public_read = get_canned_acl("public-read")
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    with open(preload, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if "key" in item:
                key = backend.put_object(item["bucket"], item["key"], item["body"].encode("utf-8"))
                key.set_acl(public_read)
            else:
                bucket = backend.create_bucket(item["bucket"], "us-east-1")
                bucket.set_acl(public_read)
    print(f"preloaded {preload}", flush=True)
main(args)
