// `npm run check` runs this: it fails when src/ breaks an import rule (scripts/import-rules.ts says which).
import { checkImports, describeViolation, readSources, repoRoot } from './import-rules.ts';


const { violations } = checkImports(readSources(repoRoot));
for (const v of violations) console.error(describeViolation(v));
if (violations.length > 0) {
  console.error(`check-imports: ${violations.length} import rule(s) broken.`);
  process.exit(1);
}
console.log('check-imports: no import cycle, save/ does not import bids/, the app enters the engine by its index.');
