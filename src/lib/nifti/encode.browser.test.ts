// The encoder and the fixture generators in real Chromium: no Node APIs, same bytes as in Node.
import { describe, expect, it } from 'vitest';
import * as nifti from 'nifti-reader-js';
import { encodeNifti, gunzipBytes, gzipBytes } from './encode.ts';
import { bidsStudy, BIDS_SUBJECTS } from '#harness/fixtures/index.ts';

const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('encodeNifti in the browser', () => {
  it('writes NIfTI-1 and NIfTI-2 that nifti-reader-js reads back, gzipped through CompressionStream', async () => {
    for (const version of [1, 2] as const) {
      const data = Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => i / 4);
      const raw = encodeNifti({ dims: [4, 3, 2], datatype: 'float32', data, version, description: 'browser' });
      const gz = await gzipBytes(raw);
      expect(await gunzipBytes(gz)).toEqual(raw);
      const buf = nifti.decompress(ab(gz)) as ArrayBuffer;
      const header = nifti.readHeader(buf);
      expect(version === 1 ? nifti.isNIFTI1(buf) : nifti.isNIFTI2(buf)).toBe(true);
      expect(header.dims.slice(0, 4)).toEqual([3, 4, 3, 2]);
      expect(header.description).toBe('browser');
      expect(Array.from(new Float32Array(nifti.readImage(header, buf)))).toEqual(Array.from(data));
    }
  });

  it('builds the BIDS fixture study, whose volumes all parse', async () => {
    const files = await bidsStudy();
    expect(new Set(files.filter((f) => f.role === 'subject').map((f) => f.subject))).toEqual(new Set(BIDS_SUBJECTS));
    const volumes = files.filter((f) => /\.nii(\.gz)?$/.test(f.key));
    expect(volumes.length).toBeGreaterThan(15);
    for (const f of volumes) {
      let buf = ab(f.body as Uint8Array);
      if (nifti.isCompressed(buf)) buf = nifti.decompress(buf) as ArrayBuffer;
      expect(nifti.isNIFTI(buf), f.key).toBe(true);
    }
  });
});
