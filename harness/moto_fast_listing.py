"""ListObjectsV2 at a cost per page that does not grow with the bucket, for the bench's moto
(harness/README.md, "The bench's moto").

moto answers every ListObjectsV2 page by walking every key of the bucket (copying its key store), then
sorting the keys under the prefix: a page costs O(keys in the bucket), about 410 ms at 76,000 keys, and
pages asked for in parallel queue behind one another under Python's lock. S3 answers a page at a cost that
does not grow with the bucket and serves requests to a prefix in parallel, so a listing that asks for key
ranges in parallel is measured against the wrong server. Here a page is found by bisection in a sorted list
of the bucket's names, rebuilt after any change to any bucket's keys; and its keys are written as XML
directly (below).

The answer is the one moto's own list_objects_v2 gives, item for item: keys and common prefixes merged in
name order, delete markers left out of the keys (but still making a common prefix), `StartAfter` and
continuation tokens meaning "names after this one", the same continuation tokens. harness/moto-listing-check.py
checks this against stock moto on random buckets, byte for byte; tests/integration/moto-server.test.ts runs it.
"""
from bisect import bisect_left, bisect_right
from typing import Any
from xml.sax.saxutils import escape

from moto import settings
from moto.core.responses import ActionResult
from moto.s3.models import FakeDeleteMarker, FakeTableStorageBucket, S3Backend
from moto.s3.responses import S3Response
from moto.s3.utils import _VersionedKeyStore

# Bumped by every change to any bucket's keys; an index built at an older generation is rebuilt.
_generation = [0]
_MUTATORS = ("__setitem__", "__delitem__", "pop", "popitem", "setlist", "setdefault", "update", "clear")


def _bumping(method: Any) -> Any:
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        _generation[0] += 1
        return method(self, *args, **kwargs)

    return wrapped


def _names(bucket: Any) -> list[str]:
    cached = getattr(bucket, "_s3bids_sorted_names", None)
    if cached is not None and cached[0] == _generation[0]:
        return cached[1]
    names = sorted(dict.keys(bucket.keys))
    bucket._s3bids_sorted_names = (_generation[0], names)
    return names


def _after(name: str) -> str:
    """The smallest string greater than every name that starts with `name`."""
    return name[:-1] + chr(ord(name[-1]) + 1)


def list_objects_v2(
    self: S3Backend,
    bucket: Any,
    prefix: str | None,
    delimiter: str | None,
    continuation_token: str | None,
    start_after: str | None,
    max_keys: int,
) -> tuple[list[Any], bool, str | None]:
    if isinstance(bucket, FakeTableStorageBucket):
        return _stock(self, bucket, prefix, delimiter, continuation_token, start_after, max_keys)
    if continuation_token and continuation_token not in self._pagination_tokens:
        # moto fails on a token it never gave; so does this, the same way.
        return _stock(self, bucket, prefix, delimiter, continuation_token, start_after, max_keys)
    prefix = prefix or ""
    limit = None
    if continuation_token or start_after:
        limit = self._pagination_tokens.get(continuation_token) if continuation_token else start_after
    if max_keys == 0:
        return [], False, None
    names = _names(bucket)
    store = bucket.keys
    i = bisect_left(names, prefix) if prefix else 0
    if limit is not None:
        i = max(i, bisect_right(names, limit))
    items: list[Any] = []
    while i < len(names) and len(items) <= max_keys:
        name = names[i]
        if not name.startswith(prefix):
            break
        rest = name[len(prefix):]
        if delimiter and delimiter in rest:
            folder = prefix + rest.split(delimiter)[0] + delimiter
            # Every name under the folder sorts between it and _after(folder): step over them at once.
            i = bisect_left(names, _after(folder), i)
            if limit is None or folder > limit:
                items.append(folder)
            continue
        i += 1
        key = store[name]
        if not isinstance(key, FakeDeleteMarker):
            items.append(key)
    if len(items) > max_keys:
        return self._truncate_result(items, max_keys)
    return items, False, None


_stock = S3Backend.list_objects_v2




# --- The page's XML --------------------------------------------------------------------------------------
# moto renders a response through a generic serializer driven by the AWS API model, and parses every
# LastModified back from text to do it: about 120 ms of one CPU for a 1,000-key page. Here the Contents and
# CommonPrefixes elements are written directly and spliced into what moto's serializer makes of the rest.
# Anything unusual (fetch-owner, checksums, pretty-printed responses) goes the stock way.

_PLAIN = {"Key", "LastModified", "ETag", "Size", "StorageClass"}
_stock_serialized = S3Response.serialized
_modified: dict[str, str] = {}


def _last_modified(response: S3Response, value: str) -> str:
    """LastModified as moto's serializer writes it, asked of that serializer once per distinct value."""
    text = _modified.get(value)
    if text is None:
        one = {"IsTruncated": False, "Contents": [{"Key": "k", "LastModified": value, "ETag": "e", "Size": 0, "StorageClass": "S"}]}
        body = _text(_stock_serialized(response, ActionResult(one))[2])
        text = body.split("<LastModified>", 1)[1].split("</LastModified>", 1)[0]
        _modified[value] = text
    return text


def _text(body: Any) -> str:
    return body.decode("utf-8") if isinstance(body, bytes) else body


def serialized(self: S3Response, action_result: ActionResult) -> Any:
    result = action_result.result
    if self.data.get("Action") != "ListObjectsV2" or not isinstance(result, dict) or settings.PRETTIFY_RESPONSES:
        return _stock_serialized(self, action_result)
    contents = result.get("Contents") or []
    prefixes = result.get("CommonPrefixes") or []
    if any(set(item) != _PLAIN for item in contents) or any(set(p) != {"Prefix"} for p in prefixes):
        return _stock_serialized(self, action_result)
    rest = {k: v for k, v in result.items() if k not in ("Contents", "CommonPrefixes")}
    status, headers, body = _stock_serialized(self, ActionResult(rest))
    text = _text(body)
    keys = "".join(
        f"<Contents><Key>{escape(c['Key'])}</Key><LastModified>{_last_modified(self, c['LastModified'])}</LastModified>"
        f"<ETag>{escape(c['ETag'])}</ETag><Size>{int(c['Size'])}</Size><StorageClass>{escape(c['StorageClass'])}</StorageClass></Contents>"
        for c in contents
    )
    folders = "".join(f"<CommonPrefixes><Prefix>{escape(p['Prefix'])}</Prefix></CommonPrefixes>" for p in prefixes)
    text = text.replace("</IsTruncated>", "</IsTruncated>" + keys, 1).replace("</MaxKeys>", "</MaxKeys>" + folders, 1)
    return status, headers, text.encode("utf-8") if isinstance(body, bytes) else text


def install() -> None:
    for m in _MUTATORS:
        setattr(_VersionedKeyStore, m, _bumping(getattr(_VersionedKeyStore, m)))
    S3Backend.list_objects_v2 = list_objects_v2  # type: ignore[method-assign]
    S3Response.serialized = serialized  # type: ignore[method-assign]
