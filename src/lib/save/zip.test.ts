import { spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { createS3Client, listAll } from '../s3/index.ts';
import { executePlan } from './executor.ts';
import { zipTarget } from './zip.ts';

let moto: Moto;
let proxy: Proxy;
const bodies = new Map<string, Buffer>();
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket('zip-test');
  for (const [k, n] of [['s/sub-01/a.nii.gz', 700_000], ['s/sub-01/b.json', 300], ['s/sub-02/c d.tsv', 90_000]] as const) {
    const b = randomBytes(n);
    bodies.set(k.slice(2), b);
    await moto.put('zip-test', k, b);
  }
  proxy = await startProxy({ target: moto.endpoint });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

it('streams a plan into a valid ZIP, resuming a broken body inside the same entry', async () => {
  const objects = await listAll(createS3Client({ endpoint: moto.endpoint }), 'zip-test', 's/');
  const plan = {
    bucket: 'zip-test',
    prefix: 's',
    entries: [
      ...objects.map((o) => ({ ...o, localPath: o.key.slice(2), action: 'download' as const })),
      { size: 0, etag: '', localPath: 'dataset_description.json', action: 'generate' as const, content: '{"Name":"z"}' },
    ],
  };
  let hits = 0;
  proxy.setFault((r) => (r.key === 's/sub-01/a.nii.gz' && hits++ === 0 ? 'reset-mid-body' : undefined));
  const file = join(mkdtempSync(join(tmpdir(), 's3bids-zip-')), 'study.zip');
  const target = zipTarget((zip) => zip.body!.pipeTo(Writable.toWeb(createWriteStream(file)) as WritableStream<Uint8Array>));
  const report = await executePlan({ client: createS3Client({ endpoint: proxy.endpoint }), plan, target, retryBaseMs: 20, concurrency: 6 });
  expect(report.failed).toEqual([]);
  expect(report.downloaded).toBe(3);
  expect(proxy.stats.perKey.get('s/sub-01/a.nii.gz')!.ranges).toHaveLength(1);
  const py = spawnSync(
    'python3',
    ['-c', 'import zipfile,sys,hashlib,json\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))', file],
    { encoding: 'utf8' },
  );
  expect(py.status, py.stderr).toBe(0);
  const listed = JSON.parse(py.stdout) as Record<string, string>;
  const want: Record<string, string> = {};
  for (const [k, b] of bodies) want[k] = createHash('sha256').update(b).digest('hex');
  want['dataset_description.json'] = createHash('sha256').update('{"Name":"z"}').digest('hex');
  const { ['.s3bids/manifest.json']: manifest, ...files } = listed;
  expect(files).toEqual(want);
  expect(manifest).toBeDefined();
});
