// How one saved file is checked (docs/contract.md, "Overwrite, skip, resume, verify"; docs/real-s3.md, "Checksums"):
// by a whole-object checksum S3 keeps, else by MD5 when the ETag is one, else by size only.
import { createCRC32, createCRC64, createMD5, createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import type { ChecksumAlgorithm, ObjectBody } from '../s3/index.ts';
import type { VerifyMethod } from './types.ts';

/** An ETag that can be the MD5 of the bytes: 32 hex digits (a multipart upload's ends in `-N`). */
export const isSinglePartEtag = (etag: string) => /^[0-9a-f]{32}$/i.test(etag);

/** What a file is checked against: the method and the value it must come out as (hex MD5, base64 checksum). */
export interface Check {
  method: VerifyMethod;
  expected?: string;
}

/** Prefered first: the checksums S3 adds by default now, then the stronger ones. */
const ORDER: ChecksumAlgorithm[] = ['sha256', 'sha1', 'crc64nvme', 'crc32c', 'crc32'];

/** A composite checksum (`…-N`) is of the parts' checksums, not of the bytes. */
const isComposite = (v: string) => /-\d+$/.test(v);

/** SSE-KMS, DSSE-KMS and SSE-C objects have ETags that are not MD5s even when they look like one. */
export const etagIsNotMd5 = (res: Pick<ObjectBody, 'encryption' | 'customerKey'>) =>
  res.customerKey || (res.encryption !== undefined && res.encryption.startsWith('aws:kms'));

/** The check for a whole object from the answer to its first GET. */
export function chooseCheck(res: Pick<ObjectBody, 'checksums' | 'encryption' | 'customerKey'>, etag: string): Check {
  for (const a of ORDER) {
    const v = res.checksums[a];
    if (v && !isComposite(v)) return { method: a, expected: v };
  }
  if (isSinglePartEtag(etag) && !etagIsNotMd5(res)) return { method: 'md5', expected: etag.toLowerCase() };
  return { method: 'size' };
}

export async function createHasher(method: VerifyMethod): Promise<IHasher | undefined> {
  switch (method) {
    case 'md5':
      return createMD5();
    case 'sha256':
      return createSHA256();
    case 'sha1':
      return createSHA1();
    case 'crc32':
      return createCRC32();
    case 'crc32c':
      return createCRC32(0x82f63b78);
    case 'crc64nvme':
      return createCRC64('9a6c9329ac4bc9b5');
    default:
      return undefined;
  }
}

function hexToBase64(hex: string): string {
  let bin = '';
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

/** The digest in the form S3 gives it: hex for MD5 (the ETag), base64 of the big-endian bytes for checksums. */
export function digestOf(method: VerifyMethod, hasher: IHasher): string {
  const hex = hasher.digest('hex');
  return method === 'md5' ? hex : hexToBase64(hex);
}

/** Plain names, for reasons and the report. */
export const METHOD_NAMES: Record<VerifyMethod, string> = {
  md5: 'MD5',
  sha256: 'SHA-256 checksum',
  sha1: 'SHA-1 checksum',
  crc64nvme: 'CRC-64/NVME checksum',
  crc32c: 'CRC32C checksum',
  crc32: 'CRC32 checksum',
  size: 'size only',
};
