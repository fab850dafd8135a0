// `npm start`: builds the app, starts a local S3 server (moto) holding the demo study, serves dist/ on
// 127.0.0.1 and prints the address; the page opens on the demo study. Works offline. Ctrl-C stops it all.
// Both ports are fixed by default (README.md, "Two commands"), so a saved link to the demo keeps working.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, DIST, serveDist } from '#harness/app.ts';
import { motoAvailable, portInUse, startMoto, type Moto } from '#harness/moto.ts';
import { DEMO_BUCKET, DEMO_PREFIX, demoStudy, seedFiles } from '#harness/fixtures/index.ts';

const DEMO_JSON = join(DIST, 'demo.json');
const INDEX = join(DIST, 'index.html');
/** Tells the page that demo.json exists; a hosted build has no such tag and never asks for the file. */
const DEMO_META = '<meta name="s3bids-demo" content="demo.json" />';
const DEFAULT_APP_PORT = 4173;
const DEFAULT_S3_PORT = 4569;

function portFrom(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
}

function markDemo(on: boolean) {
  const html = readFileSync(INDEX, 'utf8').replace(DEMO_META, '');
  writeFileSync(INDEX, on ? html.replace('</head>', `  ${DEMO_META}\n  </head>`) : html);
}

function cleanUp() {
  rmSync(DEMO_JSON, { force: true });
  try {
    markDemo(false);
  } catch {
    // No build to clean.
  }
}

async function main() {
  const port = portFrom('PORT', DEFAULT_APP_PORT);
  const s3Port = portFrom('S3_PORT', DEFAULT_S3_PORT);
  console.log('Building the app…');
  await buildApp({ quiet: true });
  cleanUp();

  let moto: Moto | undefined;
  if (motoAvailable()) {
    const busy = s3Port !== 0 && (await portInUse(s3Port));
    if (busy) console.log(`Port ${s3Port} is in use, so the local S3 server takes another one: links saved from an earlier run will not open the demo. Set S3_PORT to choose.`);
    moto = await startMoto({ port: busy ? 0 : s3Port });
    await moto.createBucket(DEMO_BUCKET);
    const files = await demoStudy();
    await seedFiles(moto, DEMO_BUCKET, DEMO_PREFIX, files);
    const text = `${moto.endpoint}/${DEMO_BUCKET}/${DEMO_PREFIX}`;
    // The app reads this on load: it adds the "Local demo" preset and opens it when the URL names no study.
    writeFileSync(DEMO_JSON, JSON.stringify({ label: 'Local demo study', description: `${files.length} files on a local S3 server (moto)`, text }, null, 2));
    markDemo(true);
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
    console.log(`Port ${port} is in use, so the app takes another one. Set PORT to choose.`);
    server = await serveDist(0);
  }
  console.log(`\n  s3bids is running at ${server.url}\n\n  Press Ctrl-C to stop.\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    cleanUp();
    await Promise.allSettled([server.close(), moto?.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  cleanUp();
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
