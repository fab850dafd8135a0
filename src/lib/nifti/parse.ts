import { readHeader, type NIFTI1, type NIFTI2 } from 'nifti-reader-js';
import { S3BIDSError } from '../errors/index.ts';
import type { Matrix4, NiftiHeaderInfo } from './types.ts';

export const NIFTI1_HEADER_SIZE = 348;
export const NIFTI2_HEADER_SIZE = 540;

// Names as nibabel prints them, so pyAFQ users recognise them.
const DATATYPES: Record<number, string> = {
  1: 'bool', 2: 'uint8', 4: 'int16', 8: 'int32', 16: 'float32', 32: 'complex64', 64: 'float64', 128: 'RGB',
  256: 'int8', 512: 'uint16', 768: 'uint32', 1024: 'int64', 1280: 'uint64', 1536: 'float128', 1792: 'complex128',
  2048: 'complex256', 2304: 'RGBA',
};
const SPACE_UNITS: Record<number, string> = { 0: 'unknown', 1: 'meter', 2: 'mm', 3: 'micron' };
const TIME_UNITS: Record<number, string> = { 0: 'unknown', 8: 'sec', 16: 'msec', 24: 'usec', 32: 'hz', 40: 'ppm', 48: 'rads' };
const TO_SECONDS: Record<number, number> = { 8: 1, 16: 1e-3, 24: 1e-6 };
const XFORMS: Record<number, string> = { 0: 'unknown', 1: 'scanner', 2: 'aligned', 3: 'talairach', 4: 'mni', 5: 'template' };
const INTENTS: Record<number, string> = {
  0: 'none', 2: 'correlation', 3: 't test', 4: 'f test', 5: 'z score', 1001: 'estimate', 1002: 'label',
  1003: 'neuroname', 1004: 'general matrix', 1005: 'symmetric matrix', 1006: 'displacement vector', 1007: 'vector',
  1008: 'pointset', 1009: 'triangle', 1010: 'quaternion', 1011: 'dimensionless', 2001: 'time series',
  2002: 'node index', 2003: 'rgb vector', 2004: 'rgba vector', 2005: 'shape',
};

/** Which NIfTI version these (decompressed) leading bytes are, or undefined when they are not NIfTI. */
export function niftiVersion(bytes: Uint8Array): 1 | 2 | undefined {
  if (bytes.length < 4) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = (le: boolean) => dv.getInt32(0, le);
  const magic = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 3));
  const is = (n: number) => size(true) === n || size(false) === n;
  if (is(NIFTI1_HEADER_SIZE) && bytes.length >= 347 && ['n+1', 'ni1'].includes(magic(344))) return 1;
  if (is(NIFTI2_HEADER_SIZE) && bytes.length >= 7 && ['n+2', 'ni2'].includes(magic(4))) return 2;
  return undefined;
}

/** How many leading bytes a header needs before it can be parsed, from the first 4 bytes (sizeof_hdr). */
export function headerSizeFromPrefix(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const le of [true, false]) {
    const n = dv.getInt32(0, le);
    if (n === NIFTI1_HEADER_SIZE || n === NIFTI2_HEADER_SIZE) return n;
  }
  return undefined;
}

export const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function invalid(where: string, why: string): S3BIDSError {
  return new S3BIDSError('InvalidNifti', `${where} is not a readable NIfTI image: ${why}`);
}

const identity = (): Matrix4 => [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
const copy = (m: number[][]): Matrix4 => m.map((r) => r.map((v) => Number(v)));

function sformMatrix(bytes: Uint8Array, version: 1 | 2, le: boolean): Matrix4 {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = identity();
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++)
      m[r]![c] = version === 1 ? dv.getFloat32(280 + (r * 4 + c) * 4, le) : dv.getFloat64(400 + (r * 4 + c) * 8, le);
  return m;
}

export interface ParseMeta {
  where: string;
  gzip: boolean;
  bytesTransferred: number;
  objectSize: number | undefined;
}

/**
 * Parses decompressed leading bytes of a NIfTI file (at least the fixed header; extensions too when
 * all bytes up to vox_offset are present). Throws InvalidNifti for anything that is not NIfTI.
 */
export function parseNiftiHeader(bytes: Uint8Array, meta: ParseMeta): NiftiHeaderInfo {
  const need = headerSizeFromPrefix(bytes);
  const version = niftiVersion(bytes);
  if (need !== undefined && bytes.length < need)
    throw invalid(meta.where, `the file ends after ${bytes.length} bytes, inside its ${need}-byte header (truncated upload?).`);
  if (!version) throw invalid(meta.where, 'it does not start with a NIfTI-1 or NIfTI-2 header (wrong file type?).');
  const fixed = version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  const slice = (n: number) => bytes.slice(0, n).buffer as ArrayBuffer;
  let h: NIFTI1 | NIFTI2;
  try {
    h = readHeader(slice(fixed));
  } catch (e) {
    throw Object.assign(invalid(meta.where, 'its header could not be parsed.'), { cause: e });
  }
  const voxOffset = Number(h.vox_offset);
  // The image data starts at vox_offset: a value that is not a whole number, or that points into the
  // header itself, would make the viewer read the header as voxels (README, "Faults and bad input").
  if (!Number.isFinite(voxOffset) || !Number.isInteger(voxOffset))
    throw invalid(meta.where, `its header says the image data starts at byte ${voxOffset}, which is not a whole number.`);
  if (voxOffset < fixed + 4)
    throw invalid(meta.where, `its header says the image data starts at byte ${voxOffset}, inside the ${fixed + 4}-byte header.`);
  let extensions: { code: number; size: number }[] = [];
  // Extensions sit between the header and vox_offset; parse them only when every byte is here.
  if (voxOffset > fixed + 4 && bytes.length >= voxOffset && bytes[fixed] !== 0) {
    try {
      const withExt = readHeader(slice(voxOffset));
      extensions = withExt.extensions.map((x) => ({ code: x.ecode, size: x.esize }));
    } catch {
      // A malformed extension does not make the image unreadable; report none.
    }
  }
  const ndim = Number(h.dims[0]);
  if (!(ndim >= 1 && ndim <= 7)) throw invalid(meta.where, `its header says it has ${ndim} dimensions (must be 1 to 7).`);
  const dims = h.dims.slice(1, ndim + 1).map(Number);
  if (dims.some((d) => !(d >= 1))) throw invalid(meta.where, `its dimensions (${dims.join(' × ')}) are not all positive.`);
  const voxelSize = h.pixDims.slice(1, ndim + 1).map(Number);
  const le = h.littleEndian;
  const spaceCode = h.xyzt_units & 0x07;
  const timeCode = h.xyzt_units & 0x38;
  const qcode = Number(h.qform_code);
  const scode = Number(h.sform_code);
  const qmat = copy(h.getQformMat());
  const smat = sformMatrix(bytes, version, le);
  const pixdimAffine = identity();
  for (let i = 0; i < 3; i++) pixdimAffine[i]![i] = voxelSize[i] ?? 1;
  const affineSource = scode > 0 ? 'sform' : qcode > 0 ? 'qform' : 'pixdim';
  const affine = affineSource === 'sform' ? smat : affineSource === 'qform' ? qmat : pixdimAffine;
  const bits = Number(h.numBitsPerVoxel);
  const volumeVoxels = dims.slice(0, 3).reduce((a, b) => a * b, 1);
  const volumeBytes = Math.ceil((volumeVoxels * bits) / 8);
  const frames = dims.slice(3).reduce((a, b) => a * b, 1);
  const pixTime = Number(h.pixDims[4]);
  const tr = ndim >= 4 && pixTime > 0 && timeCode in TO_SECONDS ? pixTime * TO_SECONDS[timeCode]! : ndim >= 4 && pixTime > 0 && timeCode === 0 ? pixTime : undefined;
  return {
    version,
    littleEndian: le,
    dims,
    voxelSize,
    datatype: { code: h.datatypeCode, name: DATATYPES[h.datatypeCode] ?? `unknown (${h.datatypeCode})`, bitsPerVoxel: bits },
    units: { space: SPACE_UNITS[spaceCode] ?? 'unknown', time: TIME_UNITS[timeCode] ?? 'unknown', code: h.xyzt_units },
    tr,
    qform: { code: qcode, name: XFORMS[qcode] ?? `code ${qcode}`, matrix: qmat },
    sform: { code: scode, name: XFORMS[scode] ?? `code ${scode}`, matrix: smat },
    affine,
    affineSource,
    description: h.description.replace(/\0.*$/s, ''),
    intent: {
      code: h.intent_code,
      name: h.intent_name.replace(/\0.*$/s, '') || (INTENTS[h.intent_code] ?? `code ${h.intent_code}`),
      p: [h.intent_p1, h.intent_p2, h.intent_p3],
    },
    sclSlope: h.scl_slope,
    sclInter: h.scl_inter,
    voxOffset,
    extensions,
    gzip: meta.gzip,
    volumeBytes,
    imageBytes: volumeBytes * frames,
    bytesTransferred: meta.bytesTransferred,
    objectSize: meta.objectSize,
    warnings: [],
  };
}
