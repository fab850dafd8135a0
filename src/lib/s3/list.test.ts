import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { createS3Client } from './client.ts';
import { listAll, listLevel } from './list.ts';
import { getObject, getObjectText, headObject } from './object.ts';
import { isS3BIDSError } from '../errors/index.ts';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket('list-test');
  const keys = ['a/sub-01/x.txt', 'a/sub-01/y.txt', 'a/sub 02/with space+plus%pct.txt', 'a/sub-03/ünï©ødé.txt', 'a/top.json'];
  for (const k of keys) await moto.put('list-test', k, `body of ${k}`);
  for (let i = 0; i < 1010; i++) await moto.put('list-test', `big/k${String(i).padStart(4, '0')}`, 'x');
});
afterAll(async () => moto?.stop());

describe('listing against moto', () => {
  it('round-trips awkward keys exactly with an anonymous client', async () => {
    const c = createS3Client({ endpoint: moto.endpoint });
    const keys = (await listAll(c, 'list-test', 'a/')).map((o) => o.key);
    expect(keys.sort()).toEqual(
      ['a/sub 02/with space+plus%pct.txt', 'a/sub-01/x.txt', 'a/sub-01/y.txt', 'a/sub-03/ünï©ødé.txt', 'a/top.json'].sort(),
    );
  });

  it('follows continuation tokens past 1,000 keys', async () => {
    const c = createS3Client({ endpoint: moto.endpoint });
    const all = await listAll(c, 'list-test', 'big/');
    expect(all).toHaveLength(1010);
    expect(new Set(all.map((o) => o.key)).size).toBe(1010);
    expect(all[0]).toMatchObject({ key: 'big/k0000', size: 1 });
    expect(all[0]!.etag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('filters by suffix', async () => {
    const c = createS3Client({ endpoint: moto.endpoint });
    const keys = (await listAll(c, 'list-test', 'a/', { suffix: '.json' })).map((o) => o.key);
    expect(keys).toEqual(['a/top.json']);
  });

  it('lists one level with folders and objects', async () => {
    const c = createS3Client({ endpoint: moto.endpoint });
    const level = await listLevel(c, 'list-test', 'a/');
    expect(level.folders.sort()).toEqual(['a/sub 02/', 'a/sub-01/', 'a/sub-03/']);
    expect(level.objects.map((o) => o.key)).toEqual(['a/top.json']);
  });

  it('names a missing bucket and an invalid bucket name', async () => {
    const c = createS3Client({ endpoint: moto.endpoint });
    await expect(listAll(c, 'no-such-bucket-here', '')).rejects.toSatisfy((e) => isS3BIDSError(e, 'NoSuchBucket'));
    await expect(listAll(c, 'Bad..Name', '')).rejects.toSatisfy((e) => isS3BIDSError(e, 'InvalidBucketName'));
  });

  it('reads a private bucket with credentials and names AccessDenied without', async () => {
    await moto.createBucket('private-list', { public: false });
    await moto.put('private-list', 'k', 'v', { public: false });
    const c = createS3Client({ endpoint: moto.endpoint });
    // moto lists private buckets anonymously (real S3 does not), so the refusal is shown on a read.
    await expect(getObjectText(c, 'private-list', 'k')).rejects.toSatisfy((e) => isS3BIDSError(e, 'AccessDenied'));
    const signed = createS3Client({ endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    expect((await listAll(signed, 'private-list', '')).map((o) => o.key)).toEqual(['k']);
    expect(await getObjectText(signed, 'private-list', 'k')).toBe('v');
  });

  it('names an unreachable endpoint as a network failure', async () => {
    const c = createS3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    await expect(listAll(c, 'list-test', '')).rejects.toSatisfy((e) => isS3BIDSError(e, 'Network'));
  });

  it('reads objects whole and by range, and heads them', async () => {
    const c = createS3Client({ endpoint: moto.endpoint });
    const key = 'a/sub 02/with space+plus%pct.txt';
    expect(await getObjectText(c, 'list-test', key)).toBe(`body of ${key}`);
    const part = await getObject(c, 'list-test', key, { start: 2, end: 5 });
    expect(part.status).toBe(206);
    expect(part.totalSize).toBe(`body of ${key}`.length);
    expect(await new Response(part.body).text()).toBe('dy o');
    expect(await headObject(c, 'list-test', key)).toMatchObject({ size: `body of ${key}`.length });
    expect(await headObject(c, 'list-test', 'a/missing')).toBeUndefined();
    await expect(getObjectText(c, 'list-test', 'a/missing')).rejects.toSatisfy((e) => isS3BIDSError(e, 'NotFound'));
  });
});
