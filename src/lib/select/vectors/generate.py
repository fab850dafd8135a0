"""Writes numpy.json: reference outputs of numpy's legacy RandomState for the TypeScript tests.

Run with any numpy (legacy RandomState is frozen by NEP 19): python3 generate.py > numpy.json
"""
import json
import sys

import numpy as np

SEEDS = [0, 1, 42, 2**31, 2**32 - 1]
# Powers of two and one more (the rejection mask changes there), plus odd sizes up to 300.
SIZES = [1, 2, 3, 5, 7, 8, 9, 16, 17, 26, 31, 32, 33, 64, 65, 100, 127, 128, 129, 255, 256, 257, 300]


def raw(seed, n):
    return [int(v) for v in np.random.RandomState(seed)._bit_generator.random_raw(n)]


def shuffled(seed, items):
    out = list(items)
    np.random.RandomState(seed).shuffle(out)
    return out


# Ids Python sorts by code point: unpadded numbers, case, and non-ASCII across the surrogate range.
IDS = ["sub-10", "sub-9", "sub-1", "sub-A", "sub-a", "sub-Z", "sub-\u00e9", "sub-\u4e2d",
       "sub-\uff21", "sub-\U0001f600", "sub-\U00010348", "sub-\ufb01", "sub-", "sub-01", "sub-010"]

doc = {
    "numpy": np.__version__,
    # 700 words cross one regeneration of the 624-word state.
    "raw": [{"seed": s, "values": raw(s, 700)} for s in SEEDS],
    "shuffles": [{"seed": s, "n": n, "order": shuffled(s, range(n))} for s in SEEDS for n in SIZES],
    # Past 2^16 items the mask needs its top bits: keep the ends of each permutation.
    "large": [
        {"seed": s, "n": n, "head": o[:16], "tail": o[-16:]}
        for s in (0, 2**32 - 1)
        for n in (65536, 65537, 100000)
        for o in [shuffled(s, range(n))]
    ],
    "sortedIds": sorted(IDS),
    "idShuffles": [{"seed": s, "order": shuffled(s, sorted(IDS))} for s in SEEDS],
}
json.dump(doc, sys.stdout, ensure_ascii=True, separators=(",", ":"))
sys.stdout.write("\n")
