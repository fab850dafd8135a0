// `npm run check` runs this: it fails when src/ breaks an import rule (scripts/import-rules.ts says which).
import { checkImports, describeViolation, readSources, repoRoot, type AllowedImport } from './import-rules.ts';

// Today's app imports of engine internals, let through only while the app moves to src/lib/index.ts (done
// in parallel): empty this list when that move is merged. One entry per import; never add to it. Entries
// that no longer occur are printed so they can be deleted.
const APP_ENTRY_ALLOWED: readonly AllowedImport[] = [
  'src/components/ColumnFilter.svelte -> src/lib/tsv/types.ts',
  'src/components/ColumnPlot.svelte -> src/lib/tsv/types.ts',
  'src/components/StudyPicker.svelte -> src/lib/s3/location.ts',
  'src/components/inspect/Inspector.browser.test.ts -> src/lib/nifti/encode.ts',
  'src/security/csp.ts -> src/lib/s3/location.ts',
  'src/state/app.svelte.ts -> src/lib/s3/location.ts',
  'src/state/engine.ts -> src/lib/s3/types.ts',
  'src/state/engine.ts -> src/lib/s3/location.ts',
  'src/state/engine.ts -> src/lib/s3/list-study.ts',
  'src/state/engine.ts -> src/lib/save/types.ts',
  'src/state/exports.svelte.ts -> src/lib/s3/location.ts',
  'src/state/exports.svelte.ts -> src/lib/save/export.ts',
  'src/state/overview.test.ts -> src/lib/s3/types.ts',
  'src/state/overview.ts -> src/lib/s3/types.ts',
  'src/state/save.svelte.ts -> src/lib/save/types.ts',
  'src/state/save.svelte.ts -> src/lib/s3/types.ts',
  'src/state/save.svelte.ts -> src/lib/s3/location.ts',
  'src/state/study.svelte.ts -> src/lib/s3/types.ts',
  'src/state/study.svelte.ts -> src/lib/s3/location.ts',
];

const { violations, stale } = checkImports(readSources(repoRoot), APP_ENTRY_ALLOWED);
for (const s of stale) console.warn(`check-imports: the allow-list entry "${s}" no longer occurs; delete it.`);
for (const v of violations) console.error(describeViolation(v));
if (violations.length > 0) {
  console.error(`check-imports: ${violations.length} import rule(s) broken.`);
  process.exit(1);
}
console.log('check-imports: no import cycle, save/ does not import bids/, the app enters the engine by its index.');
