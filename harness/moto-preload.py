"""moto's S3 server with objects put straight into its in-memory backend before it starts serving.

Used for the bench's Healthy-Brain-Network-scale study (75,000+ keys): moto takes one-byte PUTs over HTTP
at about 190 a second here (minutes for such a study); put in-process they take seconds. What it serves
afterwards is the same as if the objects had been PUT one by one (same listing, sizes, ETags).

    python3 harness/moto-preload.py FILE -H 127.0.0.1 -p 0

FILE holds JSON lines: {"bucket": "b"} creates a bucket, {"bucket": "b", "key": "k", "body": "text"} puts
an object. The remaining arguments go to moto_server.
"""
import json
import sys

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import get_canned_acl, s3_backends
from moto.server import main

# As moto.createBucket/put do over HTTP (public-read, so unsigned reads work); CORS is set over HTTP after.
public_read = get_canned_acl("public-read")
backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        item = json.loads(line)
        if "key" in item:
            key = backend.put_object(item["bucket"], item["key"], item["body"].encode("utf-8"))
            key.set_acl(public_read)
        else:
            bucket = backend.create_bucket(item["bucket"], "us-east-1")
            bucket.set_acl(public_read)
print(f"preloaded {sys.argv[1]}", flush=True)
main(sys.argv[2:])
