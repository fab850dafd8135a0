// Writes single-file NIfTI-1 (.nii, n+1) and NIfTI-2 (.nii, n+2) images, little-endian.
// Pure TypeScript (DataView only) so fixtures and tests can build real volumes in Node and in the browser.

export type NiftiDatatype = 'uint8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface NiftiImage {
  /** Sizes of 1–7 dimensions (x, y, z, t, …). */
  dims: number[];
  datatype: NiftiDatatype;
  /** Voxel sizes per dimension; default: from the affine's column norms, else 1. */
  pixdim?: number[];
  /** 4x4 voxel → world (mm) matrix; written as sform and, when it has no shear, as qform. */
  affine?: number[][];
  description?: string;
  /** Voxel values in NIfTI order (x fastest); omitted → a deterministic blob pattern. */
  data?: ArrayBufferView;
  version?: 1 | 2;
  /** NIFTI_UNITS_*: default 10 (mm + seconds). */
  xyztUnits?: number;
  toffset?: number;
  sliceDuration?: number;
  sclSlope?: number;
  sclInter?: number;
  calMin?: number;
  calMax?: number;
  intentCode?: number;
  intentName?: string;
  intentP1?: number;
  intentP2?: number;
  intentP3?: number;
  /** freq_dim | phase_dim << 2 | slice_dim << 4 */
  dimInfo?: number;
  sliceCode?: number;
  auxFile?: string;
  /** Override the transform codes (default 1 = scanner anat, 0 when absent / impossible). */
  qformCode?: number;
  sformCode?: number;
}

const TYPES: Record<NiftiDatatype, { code: number; bytes: number }> = {
  uint8: { code: 2, bytes: 1 },
  int16: { code: 4, bytes: 2 },
  int32: { code: 8, bytes: 4 },
  float32: { code: 16, bytes: 4 },
  float64: { code: 64, bytes: 8 },
};

export const NIFTI_DATATYPE_CODES: Readonly<Record<NiftiDatatype, number>> = Object.freeze(
  Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [k, v.code])) as Record<NiftiDatatype, number>,
);

/** vox_offset of the files this encoder writes: header + the 4-byte "no extension" flag. */
export const NIFTI1_VOX_OFFSET = 352;
export const NIFTI2_VOX_OFFSET = 544;

interface Quatern {
  b: number;
  c: number;
  d: number;
  qfac: number;
}

/** nifti1_io's nifti_mat44_to_quatern, for a rotation whose columns are already normalised. */
function rotationToQuatern(r: number[][], qfac: number): Quatern {
  // Flip the third column when the determinant is negative: the qfac carries the reflection.
  const m = r.map((row) => [row[0]!, row[1]!, row[2]! * qfac]);
  const [r11, r12, r13] = m[0]!;
  const [r21, r22, r23] = m[1]!;
  const [r31, r32, r33] = m[2]!;
  let a = r11! + r22! + r33! + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32! - r23!)) / a;
    c = (0.25 * (r13! - r31!)) / a;
    d = (0.25 * (r21! - r12!)) / a;
  } else {
    const xd = 1 + r11! - (r22! + r33!);
    const yd = 1 + r22! - (r11! + r33!);
    const zd = 1 + r33! - (r11! + r22!);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12! + r21!)) / b;
      d = (0.25 * (r13! + r31!)) / b;
      a = (0.25 * (r32! - r23!)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12! + r21!)) / c;
      d = (0.25 * (r23! + r32!)) / c;
      a = (0.25 * (r13! - r31!)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13! + r31!)) / d;
      c = (0.25 * (r23! + r32!)) / d;
      a = (0.25 * (r21! - r12!)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

interface Transform {
  quatern?: Quatern;
  spacing: [number, number, number];
  offset: [number, number, number];
}

/** Splits an affine into voxel sizes and, when its columns are orthogonal, a quaternion. */
function decompose(affine: number[][]): Transform {
  if (affine.length < 3 || affine.some((row, i) => i < 3 && row.length < 4)) throw new RangeError('affine must be 4x4');
  const col = (j: number) => [affine[0]![j]!, affine[1]![j]!, affine[2]![j]!];
  const cols = [col(0), col(1), col(2)];
  const norms = cols.map((v) => Math.hypot(v[0]!, v[1]!, v[2]!)) as [number, number, number];
  const offset: [number, number, number] = [affine[0]![3]!, affine[1]![3]!, affine[2]![3]!];
  if (norms.some((n) => !(n > 0))) return { spacing: norms.map((n) => n || 1) as [number, number, number], offset };
  const unit = cols.map((v, j) => v.map((x) => x / norms[j]!));
  const dot = (p: number[], q: number[]) => p[0]! * q[0]! + p[1]! * q[1]! + p[2]! * q[2]!;
  const sheared = Math.abs(dot(unit[0]!, unit[1]!)) > 1e-4 || Math.abs(dot(unit[0]!, unit[2]!)) > 1e-4 || Math.abs(dot(unit[1]!, unit[2]!)) > 1e-4;
  if (sheared) return { spacing: norms, offset };
  const [u, v, w] = unit as [number[], number[], number[]];
  const det = u[0]! * (v[1]! * w[2]! - v[2]! * w[1]!) - v[0]! * (u[1]! * w[2]! - u[2]! * w[1]!) + w[0]! * (u[1]! * v[2]! - u[2]! * v[1]!);
  const rows = [0, 1, 2].map((i) => [u[i]!, v[i]!, w[i]!]);
  return { quatern: rotationToQuatern(rows, det < 0 ? -1 : 1), spacing: norms, offset };
}

/** A smooth ellipsoid with a little texture: deterministic and good enough for a slice preview. */
function fillPattern(out: { length: number; [i: number]: number }, dims: number[], maxValue: number): void {
  const [nx = 1, ny = 1, nz = 1] = dims;
  const perVolume = nx * ny * nz;
  for (let i = 0; i < out.length; i++) {
    const v = i % perVolume;
    const t = Math.floor(i / perVolume);
    const x = v % nx;
    const y = Math.floor(v / nx) % ny;
    const z = Math.floor(v / (nx * ny));
    const dx = (x + 0.5) / nx - 0.5;
    const dy = (y + 0.5) / ny - 0.5;
    const dz = (z + 0.5) / nz - 0.5;
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz) * 2;
    const inside = Math.max(0, 1 - r);
    const texture = 0.5 + 0.5 * Math.sin(x * 0.9 + y * 1.3 + z * 0.7 + t * 0.5);
    out[i] = Math.round(maxValue * inside * (0.75 + 0.25 * texture));
  }
}

function viewFor(datatype: NiftiDatatype, buf: ArrayBuffer, offset: number, count: number) {
  switch (datatype) {
    case 'uint8':
      return new Uint8Array(buf, offset, count);
    case 'int16':
      return new Int16Array(buf, offset, count);
    case 'int32':
      return new Int32Array(buf, offset, count);
    case 'float32':
      return new Float32Array(buf, offset, count);
    case 'float64':
      return new Float64Array(buf, offset, count);
  }
}

const MAX_FILL: Record<NiftiDatatype, number> = { uint8: 250, int16: 1000, int32: 4000, float32: 1000, float64: 1000 };

function writeString(view: DataView, offset: number, maxLen: number, text: string | undefined): void {
  const bytes = new TextEncoder().encode(text ?? '');
  // Leave room for the terminating NUL the fixed-size C field expects.
  const n = Math.min(bytes.length, maxLen - 1);
  for (let i = 0; i < n; i++) view.setUint8(offset + i, bytes[i]!);
}

/** Encodes an image as a single-file .nii (uncompressed); gzip it with `gzipBytes` for .nii.gz. */
export function encodeNifti(img: NiftiImage): Uint8Array {
  const version = img.version ?? 1;
  const type = TYPES[img.datatype];
  if (!type) throw new RangeError(`unsupported datatype ${String(img.datatype)}`);
  const dims = img.dims;
  if (dims.length < 1 || dims.length > 7 || dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new RangeError('dims must be 1–7 positive integers');
  const count = dims.reduce((a, b) => a * b, 1);
  const voxOffset = version === 1 ? NIFTI1_VOX_OFFSET : NIFTI2_VOX_OFFSET;
  const dataBytes = count * type.bytes;
  if (version === 1 && dims.some((d) => d > 32767)) throw new RangeError('NIfTI-1 dims are at most 32767: use version 2');
  if (img.data && img.data.byteLength !== dataBytes)
    throw new RangeError(`data has ${img.data.byteLength} bytes; dims × ${img.datatype} need ${dataBytes}`);

  const buf = new ArrayBuffer(voxOffset + dataBytes);
  const out = new Uint8Array(buf);
  const view = new DataView(buf);

  const transform = img.affine ? decompose(img.affine) : undefined;
  const pixdim = [0, 0, 0, 0, 0, 0, 0, 0];
  pixdim[0] = transform?.quatern?.qfac ?? 1;
  for (let i = 0; i < 7; i++) pixdim[i + 1] = img.pixdim?.[i] ?? (i < 3 && transform ? transform.spacing[i]! : 1);
  const qformCode = img.qformCode ?? (transform?.quatern ? 1 : 0);
  const sformCode = img.sformCode ?? (img.affine ? 1 : 0);
  const q = transform?.quatern ?? { b: 0, c: 0, d: 0 };
  const qoff = transform?.offset ?? [0, 0, 0];
  const srow = (i: number, j: number) => img.affine?.[i]?.[j] ?? (i === j ? pixdim[i + 1]! : 0);
  const units = img.xyztUnits ?? 10;
  const le = true;

  if (version === 1) {
    view.setInt32(0, 348, le);
    view.setUint8(38, 'r'.charCodeAt(0));
    view.setUint8(39, img.dimInfo ?? 0);
    view.setInt16(40, dims.length, le);
    dims.forEach((d, i) => view.setInt16(42 + i * 2, d, le));
    for (let i = dims.length; i < 7; i++) view.setInt16(42 + i * 2, 1, le);
    [img.intentP1, img.intentP2, img.intentP3].forEach((v, i) => view.setFloat32(56 + i * 4, v ?? 0, le));
    view.setInt16(68, img.intentCode ?? 0, le);
    view.setInt16(70, type.code, le);
    view.setInt16(72, type.bytes * 8, le);
    pixdim.forEach((p, i) => view.setFloat32(76 + i * 4, p, le));
    view.setFloat32(108, voxOffset, le);
    view.setFloat32(112, img.sclSlope ?? 1, le);
    view.setFloat32(116, img.sclInter ?? 0, le);
    view.setInt16(120, dims.length >= 3 ? dims[2]! - 1 : 0, le);
    view.setUint8(122, img.sliceCode ?? 0);
    view.setUint8(123, units);
    view.setFloat32(124, img.calMax ?? 0, le);
    view.setFloat32(128, img.calMin ?? 0, le);
    view.setFloat32(132, img.sliceDuration ?? 0, le);
    view.setFloat32(136, img.toffset ?? 0, le);
    writeString(view, 148, 80, img.description);
    writeString(view, 228, 24, img.auxFile);
    view.setInt16(252, qformCode, le);
    view.setInt16(254, sformCode, le);
    [q.b, q.c, q.d, ...qoff].forEach((v, i) => view.setFloat32(256 + i * 4, v, le));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) view.setFloat32(280 + (i * 4 + j) * 4, srow(i, j), le);
    writeString(view, 328, 16, img.intentName);
    out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  } else {
    view.setInt32(0, 540, le);
    out.set([0x6e, 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], 4); // "n+2\0\r\n\032\n"
    view.setInt16(12, type.code, le);
    view.setInt16(14, type.bytes * 8, le);
    view.setBigInt64(16, BigInt(dims.length), le);
    for (let i = 0; i < 7; i++) view.setBigInt64(24 + i * 8, BigInt(dims[i] ?? 1), le);
    [img.intentP1, img.intentP2, img.intentP3].forEach((v, i) => view.setFloat64(80 + i * 8, v ?? 0, le));
    pixdim.forEach((p, i) => view.setFloat64(104 + i * 8, p, le));
    view.setBigInt64(168, BigInt(voxOffset), le);
    view.setFloat64(176, img.sclSlope ?? 1, le);
    view.setFloat64(184, img.sclInter ?? 0, le);
    view.setFloat64(192, img.calMax ?? 0, le);
    view.setFloat64(200, img.calMin ?? 0, le);
    view.setFloat64(208, img.sliceDuration ?? 0, le);
    view.setFloat64(216, img.toffset ?? 0, le);
    view.setBigInt64(232, BigInt(dims.length >= 3 ? dims[2]! - 1 : 0), le);
    writeString(view, 240, 80, img.description);
    writeString(view, 320, 24, img.auxFile);
    view.setInt32(344, qformCode, le);
    view.setInt32(348, sformCode, le);
    [q.b, q.c, q.d, ...qoff].forEach((v, i) => view.setFloat64(352 + i * 8, v, le));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) view.setFloat64(400 + (i * 4 + j) * 8, srow(i, j), le);
    view.setInt32(496, img.sliceCode ?? 0, le);
    view.setInt32(500, units, le);
    view.setInt32(504, img.intentCode ?? 0, le);
    writeString(view, 508, 16, img.intentName);
    view.setUint8(524, img.dimInfo ?? 0);
  }
  // Bytes voxOffset-4 .. voxOffset-1 stay zero: the "no extension" flag.

  if (img.data) out.set(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength), voxOffset);
  else fillPattern(viewFor(img.datatype, buf, voxOffset, count), dims, MAX_FILL[img.datatype]);
  return out;
}

async function pipeBytes(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  // Copy into a fresh ArrayBuffer-backed view: Blob parts must not be SharedArrayBuffer-backed.
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * gzip (as .nii.gz holds it) via the platform's CompressionStream. Reproducible on one platform (no mtime),
 * but Node's and Chromium's zlib builds emit different (equally valid) bytes.
 */
export function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return pipeBytes(bytes, new CompressionStream('gzip'));
}

/** The inverse of `gzipBytes`, for tests and fixtures. */
export function gunzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return pipeBytes(bytes, new DecompressionStream('gzip'));
}
