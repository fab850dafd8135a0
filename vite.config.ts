import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './harness/chromium.ts';
import { browserCommands } from './harness/vitest/browser-setup.ts';
import { dirname, join } from 'node:path';

/**
 * The AWS SDK parses S3's XML answers in the browser with DOMParser and a walk of its DOM, about 45 ms of the
 * page's main thread per 1,000-key listing page here, several times that on a busy machine; for Node it ships
 * its own scanner, pure JavaScript, five times faster on the same page. This resolves the SDK's parser to
 * the scanner in the page too, in the build and in Vite's pre-bundling alike (README, "Benchmarks", the
 * main thread).
 */
const sdkXmlScanner = {
  name: 's3bids-sdk-xml-scanner',
  enforce: 'pre' as const,
  resolveId(source: string, importer: string | undefined) {
    if (source !== './xml-parser' || !importer) return null;
    if (!/[\\/]@aws-sdk[\\/]xml-builder[\\/]dist-es[\\/]index\.js$/.test(importer)) return null;
    return join(dirname(importer), 'xml-parser.js');
  },
};


// The SDK warns on every Node < 22 process that it will need Node 22 from 2027; the project pins Node 20
// (Vitest 5 needs 22), so the warning is known and only buries test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `base: './'` keeps every asset URL relative, so `dist/` works from any static host at any sub-path.
export default defineConfig({
  base: './',
  // Pre-bundled up front, so the browser tests never reload mid-run when Vite discovers them.
  optimizeDeps: {
    include: ['papaparse', 'picomatch', 'p-limit', 'idb-keyval', 'hash-wasm', 'client-zip', 'nifti-reader-js', '@aws-sdk/client-s3', '@niivue/niivue'],
    rolldownOptions: { plugins: [sdkXmlScanner] },
  },
  plugins: [sdkXmlScanner, svelte()],
  build: { target: 'es2022', sourcemap: true },
  test: {
    // A condition polled for (a rendered count, a file on disk) may take seconds on a busy two-core
    // machine: wait for it up to 30 s rather than Vitest's default 1 s. Tests never wait on a clock.
    expect: { poll: { timeout: 30_000 } },
    // The time limits below are safety nets that end a hung test, not measures: each is a few times what
    // the slowest test of its project takes on a busy two-core machine (measured with two CPU-bound jobs
    // beside the suite: the browser save of 256 MB took 87 s, the 2,000-file browser fault run 166 s).
    projects: [
      {
        // The engine in Node, against moto on loopback.
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        // The engine in real headless Chromium (OPFS, IndexedDB, fetch streams), against moto.
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts', 'tests/browser/**/*.test.ts'],
          globalSetup: ['harness/vitest/browser-setup.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS } }),
            instances: [{ browser: 'chromium' }],
            // Fixtures and the fault-injecting proxy live in Node; tests reach them through these.
            commands: browserCommands,
          },
        },
      },
      {
        // The built app driven as a user would, by playwright-core.
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['harness/vitest/e2e-setup.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
