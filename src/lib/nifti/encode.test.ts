import { describe, expect, it } from 'vitest';
import * as nifti from 'nifti-reader-js';
import {
  encodeNifti,
  gunzipBytes,
  gzipBytes,
  NIFTI_DATATYPE_CODES,
  NIFTI1_VOX_OFFSET,
  NIFTI2_VOX_OFFSET,
  type NiftiDatatype,
  type NiftiImage,
} from './encode.ts';

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Parses with nifti-reader-js, transparently gunzipping as a reader of .nii.gz would. */
function parse(bytes: Uint8Array) {
  let buf = ab(bytes);
  if (nifti.isCompressed(buf)) buf = nifti.decompress(buf) as ArrayBuffer;
  const header = nifti.readHeader(buf);
  return { buf, header, image: nifti.readImage(header, buf) };
}

// An oblique, left-right flipped affine (negative determinant), as scanners write for radiological data.
const theta = 0.3;
const OBLIQUE: number[][] = [
  [-2 * Math.cos(theta), 0, 2.5 * Math.sin(theta), 90],
  [0, 2, 0, -126],
  [2 * Math.sin(theta), 0, 2.5 * Math.cos(theta), -72],
  [0, 0, 0, 1],
];

const ARRAYS: Record<NiftiDatatype, (n: number) => ArrayBufferView & ArrayLike<number> & { BYTES_PER_ELEMENT: number }> = {
  uint8: (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256),
  int16: (n) => Int16Array.from({ length: n }, (_, i) => i * 37 - 3000),
  int32: (n) => Int32Array.from({ length: n }, (_, i) => i * 100_003 - 7_000_000),
  float32: (n) => Float32Array.from({ length: n }, (_, i) => i / 3 - 11.25),
  float64: (n) => Float64Array.from({ length: n }, (_, i) => Math.PI * i - 1e6),
};

function readAs(datatype: NiftiDatatype, buf: ArrayBuffer): ArrayLike<number> {
  const Ctor = { uint8: Uint8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[datatype];
  return new Ctor(buf);
}

describe('encodeNifti', () => {
  for (const version of [1, 2] as const) {
    for (const gz of [false, true]) {
      for (const datatype of Object.keys(ARRAYS) as NiftiDatatype[]) {
        it(`NIfTI-${version}${gz ? ' gzipped' : ''} ${datatype}: header fields and data round-trip`, async () => {
          const dims = [5, 4, 3, 2];
          const n = dims.reduce((a, b) => a * b, 1);
          const data = ARRAYS[datatype](n);
          const img: NiftiImage = {
            dims,
            datatype,
            affine: OBLIQUE,
            pixdim: [2, 2, 2.5, 1.75],
            description: `fixture ${datatype} v${version}`,
            data,
            version,
            toffset: 3.5,
          };
          let bytes = encodeNifti(img);
          const voxOffset = version === 1 ? NIFTI1_VOX_OFFSET : NIFTI2_VOX_OFFSET;
          expect(bytes.byteLength).toBe(voxOffset + data.byteLength);
          if (gz) {
            bytes = await gzipBytes(bytes);
            expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
          }
          const { buf, header, image } = parse(bytes);
          expect(version === 1 ? nifti.isNIFTI1(buf) : nifti.isNIFTI2(buf)).toBe(true);
          expect(version === 1 ? nifti.isNIFTI2(buf) : nifti.isNIFTI1(buf)).toBe(false);
          expect(header.dims.slice(0, 5)).toEqual([4, ...dims]);
          expect(header.datatypeCode).toBe(NIFTI_DATATYPE_CODES[datatype]);
          expect(header.numBitsPerVoxel).toBe(data.BYTES_PER_ELEMENT * 8);
          expect(header.vox_offset).toBe(voxOffset);
          expect(header.pixDims.slice(1, 5)).toEqual([2, 2, 2.5, 1.75]);
          expect(header.pixDims[0]).toBe(-1); // negative determinant → qfac −1
          expect(header.description).toBe(img.description);
          expect(header.toffset).toBe(3.5);
          expect(header.qform_code).toBe(1);
          expect(header.sform_code).toBe(1);
          for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(header.affine[i]![j]).toBeCloseTo(OBLIQUE[i]![j]!, 4);
          expect(Array.from(readAs(datatype, image))).toEqual(Array.from(data));
        });
      }
    }
  }

  for (const version of [1, 2] as const) {
    it(`NIfTI-${version}: the qform alone reproduces the affine`, () => {
      // With sform_code 0 nifti-reader-js rebuilds the affine from quaternion, qfac and pixdim.
      const bytes = encodeNifti({ dims: [3, 3, 3], datatype: 'uint8', affine: OBLIQUE, sformCode: 0, version });
      const { header } = parse(bytes);
      expect(header.qform_code).toBe(1);
      expect(header.sform_code).toBe(0);
      if (version === 1) {
        for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(header.affine[i]![j]).toBeCloseTo(OBLIQUE[i]![j]!, 4);
      } else {
        // nifti-reader-js's NIfTI-2 reader always shows srow; check the quaternion through its own qform math.
        const q = header as unknown as { quatern_b: number; quatern_c: number; quatern_d: number };
        const a = Math.sqrt(Math.max(0, 1 - q.quatern_b ** 2 - q.quatern_c ** 2 - q.quatern_d ** 2));
        const [b, c, d] = [q.quatern_b, q.quatern_c, q.quatern_d];
        const r = [
          [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
          [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
          [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
        ];
        const qfac = header.pixDims[0]!;
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) {
            const scale = header.pixDims[j + 1]! * (j === 2 ? qfac : 1);
            expect(r[i]![j]! * scale).toBeCloseTo(OBLIQUE[i]![j]!, 6);
          }
      }
    });
  }

  it('writes a sheared affine as sform only (no qform can hold it)', () => {
    const sheared = [
      [2, 0.5, 0, 1],
      [0, 2, 0, 2],
      [0, 0, 2, 3],
      [0, 0, 0, 1],
    ];
    const { header } = parse(encodeNifti({ dims: [2, 2, 2], datatype: 'int16', affine: sheared }));
    expect(header.qform_code).toBe(0);
    expect(header.sform_code).toBe(1);
    expect(header.affine).toEqual(sheared);
  });

  it('defaults: no affine → codes 0 and unit voxels; no data → a deterministic non-trivial fill', () => {
    const a = encodeNifti({ dims: [8, 8, 6, 3], datatype: 'int16' });
    const b = encodeNifti({ dims: [8, 8, 6, 3], datatype: 'int16' });
    expect(a).toEqual(b);
    const { header, image } = parse(a);
    expect([header.qform_code, header.sform_code]).toEqual([0, 0]);
    expect(header.pixDims.slice(1, 5)).toEqual([1, 1, 1, 1]);
    expect(header.dims.slice(0, 5)).toEqual([4, 8, 8, 6, 3]);
    const values = new Int16Array(image);
    expect(values.length).toBe(8 * 8 * 6 * 3);
    expect(new Set(values).size).toBeGreaterThan(10);
    expect(Math.max(...values)).toBeGreaterThan(0);
    // The corner is outside the ellipsoid; the centre is inside.
    expect(values[0]).toBe(0);
    expect(values[4 + 4 * 8 + 3 * 64]).toBeGreaterThan(0);
  });

  it('derives voxel sizes from the affine when pixdim is omitted, and handles 1-D and 7-D', () => {
    const { header } = parse(encodeNifti({ dims: [4, 4, 4], datatype: 'float32', affine: OBLIQUE }));
    expect(header.pixDims[1]).toBeCloseTo(2, 5);
    expect(header.pixDims[3]).toBeCloseTo(2.5, 5);
    expect(parse(encodeNifti({ dims: [10], datatype: 'uint8' })).header.dims.slice(0, 2)).toEqual([1, 10]);
    const sevenBytes = encodeNifti({ dims: [2, 2, 2, 2, 2, 2, 2], datatype: 'uint8', version: 2 });
    // nifti-reader-js's readImage stops at 5-D, so check the file length instead.
    expect(sevenBytes.byteLength).toBe(NIFTI2_VOX_OFFSET + 128);
    expect(parse(sevenBytes).header.dims).toEqual([7, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('rejects data of the wrong length and bad dims', () => {
    expect(() => encodeNifti({ dims: [2, 2], datatype: 'int16', data: new Int16Array(3) })).toThrow(/need 8/);
    expect(() => encodeNifti({ dims: [], datatype: 'uint8' })).toThrow(RangeError);
    expect(() => encodeNifti({ dims: [2, 0], datatype: 'uint8' })).toThrow(RangeError);
  });

  for (const version of [1, 2] as const) {
    it(`NIfTI-${version}: optional fields land where readers look for them`, () => {
      const { header } = parse(
        encodeNifti({
          dims: [4, 4, 4, 2],
          datatype: 'float32',
          version,
          xyztUnits: 2 | 16, // mm + ms
          sclSlope: 2,
          sclInter: -1,
          calMin: 5,
          calMax: 500,
          sliceDuration: 0.0625,
          intentCode: 3, // NIFTI_INTENT_TTEST
          intentP1: 12,
          intentP2: 0.5,
          intentP3: 0.25,
          intentName: 'tstat',
          auxFile: 'aux.txt',
          dimInfo: 1 | (2 << 2) | (3 << 4),
          sliceCode: 1,
        }),
      );
      expect(header.xyzt_units).toBe(18);
      expect([header.scl_slope, header.scl_inter, header.cal_min, header.cal_max]).toEqual([2, -1, 5, 500]);
      expect(header.slice_duration).toBe(0.0625);
      expect([header.intent_code, header.intent_p1, header.intent_p2, header.intent_p3]).toEqual([3, 12, 0.5, 0.25]);
      expect(header.intent_name).toBe('tstat');
      expect(header.aux_file).toBe('aux.txt');
      expect(header.dim_info).toBe(57);
      expect(header.slice_code).toBe(1);
      expect(header.slice_end).toBe(3);
    });
  }

  it('refuses NIfTI-1 dims beyond its int16 field, and NIfTI-2 takes them', () => {
    expect(() => encodeNifti({ dims: [40000, 1], datatype: 'uint8' })).toThrow(/version 2/);
    const { header } = parse(encodeNifti({ dims: [40000, 1], datatype: 'uint8', version: 2 }));
    expect(header.dims.slice(0, 3)).toEqual([2, 40000, 1]);
  });

  it('truncates a long description to the 80-byte field', () => {
    const { header } = parse(encodeNifti({ dims: [1], datatype: 'uint8', description: 'x'.repeat(200) }));
    expect(header.description).toBe('x'.repeat(79));
  });

  it('gzip is reproducible and inverts', async () => {
    const raw = encodeNifti({ dims: [16, 16, 8], datatype: 'float32' });
    const [g1, g2] = await Promise.all([gzipBytes(raw), gzipBytes(raw)]);
    expect(g1).toEqual(g2);
    expect(g1.byteLength).toBeLessThan(raw.byteLength);
    expect(await gunzipBytes(g1)).toEqual(raw);
  });
});
