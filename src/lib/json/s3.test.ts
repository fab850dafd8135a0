import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CREDENTIALS, startMoto, type Moto } from '#harness/moto.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { createS3Client, listAll } from '../s3/index.ts';
import { resolveSidecar } from './inherit.ts';
import { readJson, writeJson } from './local.ts';
import { s3JsonRead, s3JsonWrite } from './s3.ts';

let moto: Moto;
const B = 'json-pub';
const P = 'json-priv';
const S = 'ds001';
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(B);
  await moto.put(B, `${S}/dataset_description.json`, '{"Name": "x", "BIDSVersion": "1.9.0"}');
  await moto.put(B, `${S}/task-rest_bold.json`, '{"TaskName": "rest", "RepetitionTime": 2, "EchoTime": 0.03}');
  await moto.put(B, `${S}/sub-01/sub-01_task-rest_bold.json`, '{"EchoTime": 0.035}');
  await moto.put(B, `${S}/sub-01/func/sub-01_task-rest_bold.json`, '{"RepetitionTime": 2.5}');
  await moto.put(B, `${S}/sub-01/func/sub-01_task-rest_bold.nii.gz`, 'not read');
  await moto.put(B, `${S}/sub-01/func/sub-01_task-rest_acq-fast_bold.json`, '{"RepetitionTime": 0.7}');
  await moto.put(B, `${S}/broken.json`, '{\n  "a": 1,\n  "b": [1, 2\n}\n');
  await moto.createBucket(P, { public: false });
  await moto.put(P, 'sub-01/sub-01_T1w.json', '{"Manufacturer": "Acme"}', { public: false });
});
afterAll(async () => moto?.stop());

const anon = () => createS3Client({ endpoint: moto.endpoint });
const signed = () => createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS });

describe('sidecars on S3', () => {
  it('resolves inheritance across three levels of a listed study', async () => {
    const c = anon();
    const keys = (await listAll(c, B, `${S}/`)).map((o) => o.key);
    const r = await resolveSidecar(`${S}/sub-01/func/sub-01_task-rest_bold.nii.gz`, keys, (k) => s3JsonRead(c, B, k));
    expect(r.files).toEqual([`${S}/task-rest_bold.json`, `${S}/sub-01/sub-01_task-rest_bold.json`, `${S}/sub-01/func/sub-01_task-rest_bold.json`]);
    expect(r.data).toEqual({ TaskName: 'rest', RepetitionTime: 2.5, EchoTime: 0.035 });
    expect(r.provenance).toEqual({
      TaskName: `${S}/task-rest_bold.json`,
      RepetitionTime: `${S}/sub-01/func/sub-01_task-rest_bold.json`,
      EchoTime: `${S}/sub-01/sub-01_task-rest_bold.json`,
    });
  });

  it('names invalid JSON with its S3 address and line', async () => {
    const err = await s3JsonRead(anon(), B, `${S}/broken.json`).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'InvalidJson')).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`^s3://${B}/${S}/broken\\.json is not valid JSON \\(line 4, column 1\\)`));
  });

  it('refuses anonymous writes before sending anything, and writes with credentials', async () => {
    const err = await s3JsonWrite(anon(), B, `${S}/new.json`, { a: 1 }).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'CredentialsRequired')).toBe(true);
    expect((await listAll(anon(), B, `${S}/new.json`)).length).toBe(0);
    const out = await s3JsonWrite(signed(), B, `${S}/new.json`, { a: 1, 'ü': ['x'] });
    expect(out.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(await s3JsonRead(anon(), B, `${S}/new.json`)).toEqual({ a: 1, 'ü': ['x'] });
  });

  it('a private bucket refuses anonymous reads with AccessDenied and accepts credentials for read and write', async () => {
    const err = await s3JsonRead(anon(), P, 'sub-01/sub-01_T1w.json').catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'AccessDenied')).toBe(true);
    expect((err as Error).message).toMatch(/credentials/);
    expect(await s3JsonRead(signed(), P, 'sub-01/sub-01_T1w.json')).toEqual({ Manufacturer: 'Acme' });
    await s3JsonWrite(signed(), P, 'sub-01/sub-01_T1w.json', { Manufacturer: 'Acme', Edited: true });
    expect(await s3JsonRead(signed(), P, 'sub-01/sub-01_T1w.json')).toEqual({ Manufacturer: 'Acme', Edited: true });
    await expect(s3JsonRead(anon(), P, 'sub-01/sub-01_T1w.json')).rejects.toSatisfy((e) => isS3BIDSError(e, 'AccessDenied'));
  });

  it('names a missing sidecar NotFound', async () => {
    await expect(s3JsonRead(anon(), B, `${S}/nope.json`)).rejects.toSatisfy((e) => isS3BIDSError(e, 'NotFound'));
  });
});

describe('sidecars in a local folder (Node path)', () => {
  it('writes whole files (creating folders), reads them back, and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-json-'));
    await writeJson(dir, 'sub-01/func/sub-01_task-rest_bold.json', { RepetitionTime: 2 });
    expect(readFileSync(join(dir, 'sub-01/func/sub-01_task-rest_bold.json'), 'utf8')).toBe('{\n  "RepetitionTime": 2\n}\n');
    await writeJson(dir, 'sub-01/func/sub-01_task-rest_bold.json', { RepetitionTime: 3 });
    expect(await readJson(dir, 'sub-01/func/sub-01_task-rest_bold.json')).toEqual({ RepetitionTime: 3 });
    expect(readdirSync(join(dir, 'sub-01/func'))).toEqual(['sub-01_task-rest_bold.json']);
  });

  it('names bad JSON, missing files and unsafe paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-json-'));
    writeFileSync(join(dir, 'bad.json'), '{"a": 1,, "b": 2}');
    await expect(readJson(dir, 'bad.json')).rejects.toThrow(/^bad\.json is not valid JSON \(line 1, column 9\)/);
    await expect(readJson(dir, 'missing.json')).rejects.toSatisfy((e) => isS3BIDSError(e, 'NotFound'));
    for (const p of ['../x.json', '/etc/x.json', 'a//b.json', 'a/./b.json', 'a\\b.json'])
      await expect(writeJson(dir, p, {})).rejects.toSatisfy((e) => isS3BIDSError(e, 'UnsafePath'));
  });
});
