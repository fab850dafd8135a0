// Vitest globalSetup for the e2e project: builds dist/ once (skipped when it is newer than every source).
import { buildApp } from '../app.ts';

export default async function setup(): Promise<void> {
  await buildApp({ quiet: true });
}
