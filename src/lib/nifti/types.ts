/** A 4×4 matrix, row-major: `m[row][col]`. */
export type Matrix4 = number[][];

/** What the header of a NIfTI-1 or NIfTI-2 image says, in plain terms (`readNiftiHeader`, docs/contract.md, "Engine API"). */
export interface NiftiHeaderInfo {
  version: 1 | 2;
  littleEndian: boolean;
  /** Sizes of the used dimensions only (`dim[1..dim[0]]`). */
  dims: number[];
  /** Voxel size per used dimension (`pixdim[1..dim[0]]`): mm and, for a 4th dimension, usually seconds. */
  voxelSize: number[];
  datatype: { code: number; name: string; bitsPerVoxel: number };
  units: { space: string; time: string; code: number };
  /** Repetition time in seconds when the image is 4D with time units, else undefined. */
  tr: number | undefined;
  qform: { code: number; name: string; matrix: Matrix4 };
  sform: { code: number; name: string; matrix: Matrix4 };
  /** The voxel-to-world transform nibabel would use: sform when set, else qform, else voxel sizes. */
  affine: Matrix4;
  affineSource: 'sform' | 'qform' | 'pixdim';
  description: string;
  intent: { code: number; name: string; p: [number, number, number] };
  sclSlope: number;
  sclInter: number;
  voxOffset: number;
  /** Header extensions that were read (code and size); empty when none or not fetched. */
  extensions: { code: number; size: number }[];
  /** Whether the object is gzip-compressed (by magic bytes, not by name). */
  gzip: boolean;
  /** Bytes of image data in one 3D volume and in the whole image (uncompressed). */
  volumeBytes: number;
  imageBytes: number;
  /** Body bytes this read took from the network (compressed bytes for `.nii.gz`). */
  bytesTransferred: number;
  /** The whole object's size when the server said (Content-Range). */
  objectSize: number | undefined;
  /** Things worth telling the user that do not stop the header from being read (e.g. a likely truncation). */
  warnings: string[];
}
