// `npm start`: builds the app, starts a local S3 server (moto) holding the demo study, serves dist/ on
// 127.0.0.1 and prints the address; the page opens on the demo study. Works offline. Ctrl-C stops it all.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, DIST, serveDist } from '#harness/app.ts';
import { motoAvailable, startMoto, type Moto } from '#harness/moto.ts';
import { DEMO_BUCKET, DEMO_PREFIX, demoStudy, seedFiles } from '#harness/fixtures/index.ts';

const DEMO_JSON = join(DIST, 'demo.json');

async function main() {
  const port = Number(process.env.PORT ?? 4173);
  console.log('Building the app…');
  await buildApp({ quiet: true });
  rmSync(DEMO_JSON, { force: true });

  let moto: Moto | undefined;
  if (motoAvailable()) {
    moto = await startMoto();
    await moto.createBucket(DEMO_BUCKET);
    const files = await demoStudy();
    await seedFiles(moto, DEMO_BUCKET, DEMO_PREFIX, files);
    const text = `${moto.endpoint}/${DEMO_BUCKET}/${DEMO_PREFIX}`;
    // The app reads this on load: it adds the "Local demo" preset and opens it when the URL names no study.
    writeFileSync(DEMO_JSON, JSON.stringify({ label: 'Local demo study', description: `${files.length} files on a local S3 server (moto)`, text }, null, 2));
    console.log(`Local S3 server (moto) at ${moto.endpoint}, demo study s3://${DEMO_BUCKET}/${DEMO_PREFIX} (${files.length} files).`);
  } else {
    console.log(
      'moto_server was not found, so there is no local demo study. The app still works with public S3 buckets.\n' +
        'For the offline demo install moto: pip install "moto[server]"   (Python 3.9+), then run npm start again.',
    );
  }

  let server: Awaited<ReturnType<typeof serveDist>>;
  try {
    server = await serveDist(port);
  } catch {
    server = await serveDist(0); // The usual port is taken: any free one will do.
  }
  console.log(`\n  s3bids is running at ${server.url}\n\n  Press Ctrl-C to stop.\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    rmSync(DEMO_JSON, { force: true });
    await Promise.allSettled([server.close(), moto?.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  rmSync(DEMO_JSON, { force: true });
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
