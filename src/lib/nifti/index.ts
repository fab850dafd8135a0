// NIfTI images on S3: the header read with one small Range request, volumes for the slice viewer (with a
// size check first), an encoder and the write-back. Depends on s3/ and errors/ only.
export type { NiftiHeaderInfo, Matrix4 } from './types.ts';
export { parseNiftiHeader, niftiVersion, isGzip } from './parse.ts';
export { readNiftiHeader, headerBytesNeeded, type ReadHeaderOptions } from './header.ts';
export { readNiftiVolume, planNiftiVolume, DEFAULT_CONFIRM_ABOVE, DEFAULT_HOLD_ABOVE, MAX_HOLD_BYTES, type VolumePlan, type VolumeOptions, type NiftiVolume } from './volume.ts';
export { s3NiftiWrite } from './write.ts';
export { encodeNifti, gzipBytes, gunzipBytes, type NiftiImage, type NiftiDatatype } from './encode.ts';
