// Bodies stream from fetch into the file: saving a large object must not grow the page's JS heap.
import { expect, it } from 'vitest';
import { cdp, commands } from 'vitest/browser';
import { createS3Client, listAll } from '../../src/lib/s3/index.ts';
import { executePlan, toSaveTarget } from '../../src/lib/save/index.ts';

const SIZE = 256 * 1024 * 1024;

async function heapMB(): Promise<number> {
  const { metrics } = (await cdp().send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 1024 / 1024;
}

it(`saves a ${SIZE / 1024 / 1024} MB object with flat JS heap (streamed, never gathered), verified by MD5`, async () => {
  const [obj] = await commands.s3Seed('browser-memory', 'big/', [{ name: 'sub-01/dwi.nii', size: SIZE }]);
  const proxy = await commands.proxyStart({});
  const objects = await listAll(createS3Client({ endpoint: proxy }), 'browser-memory', 'big/');
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('mem', { recursive: true }).catch(() => undefined);
  const dir = await root.getDirectoryHandle('mem', { create: true });
  await cdp().send('Performance.enable');
  const before = await heapMB();
  let peak = before;
  const samples: Promise<void>[] = [];
  const report = await executePlan({
    client: createS3Client({ endpoint: proxy }),
    plan: { bucket: 'browser-memory', prefix: 'big', entries: objects.map((o) => ({ ...o, localPath: o.key.slice(4), action: 'download' as const })) },
    target: await toSaveTarget(dir),
    verify: true,
    progressIntervalMs: 100,
    control: { onProgress: () => void samples.push(heapMB().then((h) => void (peak = Math.max(peak, h)))) },
  });
  await Promise.all(samples);
  expect(report.failed).toEqual([]);
  const file = await (await (await dir.getDirectoryHandle('sub-01')).getFileHandle('dwi.nii')).getFile();
  expect(file.size).toBe(obj!.size);
  console.log(`heap before ${before.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, growth ${(peak - before).toFixed(1)} MB over ${samples.length} samples`);
  expect(samples.length).toBeGreaterThan(3);
  expect(peak - before).toBeLessThan(50);
  await root.removeEntry('mem', { recursive: true });
});
