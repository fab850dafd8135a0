import { expect, it, inject } from 'vitest';

it('runs in Chromium with OPFS and reaches moto', async () => {
  const root = await navigator.storage.getDirectory();
  const fh = await root.getFileHandle('smoke.txt', { create: true });
  const w = await fh.createWritable();
  await w.write('hello');
  await w.close();
  expect(await (await fh.getFile()).text()).toBe('hello');
  const res = await fetch(inject('motoEndpoint') + '/');
  expect(res.status).toBeLessThan(500);
});
