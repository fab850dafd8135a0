// Fails when `npm audit --omit=dev` reports high or critical advisories in what ships to users.
// When the registry's advisory endpoint cannot be reached, it says so plainly and does not pretend to pass.
import { spawnSync } from 'node:child_process';

const out = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report: { metadata?: { vulnerabilities?: Record<string, number> }; statusCode?: number; message?: string };
try {
  report = JSON.parse(out.stdout);
} catch {
  console.error('audit: npm audit printed no JSON:', out.stderr.trim());
  process.exit(1);
}
const v = report.metadata?.vulnerabilities;
if (!v) {
  console.warn(`audit: NOT CHECKED — the advisory endpoint did not answer (${report.statusCode ?? '?'} ${report.message ?? ''}).`);
  process.exit(process.env.S3BIDS_REQUIRE_AUDIT ? 1 : 0);
}
const bad = (v.high ?? 0) + (v.critical ?? 0);
console.log(`audit: runtime dependencies — critical ${v.critical ?? 0}, high ${v.high ?? 0}, moderate ${v.moderate ?? 0}, low ${v.low ?? 0}`);
process.exit(bad > 0 ? 1 : 0);
