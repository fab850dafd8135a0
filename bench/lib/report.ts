// Figures, the machine, and the two result files (docs/contract.md, "Performance": bench/results.md and
// bench/results.json).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Figure {
  name: string;
  /** Undefined when not measured; `note` then says why. */
  value: number | undefined;
  unit: string;
  reference?: string;
  referenceValue?: number;
  /** As docs/contract.md, "Performance", defines it per figure (reference/ours for times, ours/reference for rates). */
  ratio?: number;
  target: string;
  pass?: boolean;
  /** Absolute numbers behind the figure, or why it was not measured. */
  note: string;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));

export function notMeasured(name: string, unit: string, target: string, reason: string): Figure {
  return { name, value: undefined, unit, target, note: `not measured (${reason})` };
}

export function machine(chromiumVersion: string): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let os = '';
  try {
    os = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' }).trim();
  } catch {
    os = process.platform;
  }
  return `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os}, node ${process.version}, ${chromiumVersion}`;
}

function cell(v: number | undefined, unit = ''): string {
  return v === undefined ? '—' : `${v}${unit ? ' ' + unit : ''}`;
}

export function writeResults(dir: string, machineText: string, figures: Figure[], extra: string[]): void {
  const date = new Date().toISOString();
  const json = {
    machine: machineText,
    date,
    figures: figures.map((f) => ({
      name: f.name,
      value: f.value ?? null,
      unit: f.unit,
      ...(f.reference ? { reference: f.reference } : {}),
      ...(f.referenceValue !== undefined ? { referenceValue: f.referenceValue } : {}),
      ...(f.ratio !== undefined ? { ratio: f.ratio } : {}),
      target: f.target,
      ...(f.pass !== undefined ? { pass: f.pass } : {}),
      note: f.note,
    })),
  };
  writeFileSync(`${dir}/results.json`, JSON.stringify(json, null, 2) + '\n');
  const rows = figures.map(
    (f) =>
      `| ${f.name} | ${cell(f.value, f.unit)} | ${f.reference ?? '—'} ${f.referenceValue !== undefined ? `(${f.referenceValue} ${f.unit})` : ''} | ${cell(f.ratio)} | ${f.target} | ${f.pass === undefined ? '—' : f.pass ? 'pass' : 'FAIL'} | ${f.note} |`,
  );
  const md = [
    '# s3bids benchmark results',
    '',
    `Written by \`npm run bench\` on ${date}.`,
    '',
    `Machine: ${machineText}`,
    '',
    'Every request goes through a loopback proxy that adds 30 ms (a stand-in for the network to S3) in front of moto, which lists at S3\'s cost (harness/README.md, "The bench\'s moto").',
    'Ratios compare with a reference measured in the same run; absolute numbers are noisy on a shared 2-core machine.',
    '',
    '| figure | ours | reference | ratio | target | result | absolute numbers / notes |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...extra,
    '',
  ].join('\n');
  writeFileSync(`${dir}/results.md`, md);
}

export function printTable(figures: Figure[]): void {
  for (const f of figures)
    console.log(
      `${f.name.padEnd(28)} ${cell(f.value, f.unit).padStart(14)}  ratio ${cell(f.ratio).padStart(7)}  ${f.target.padEnd(9)} ${
        f.pass === undefined ? '' : f.pass ? 'pass' : 'FAIL'
      }  ${f.note}`,
    );
}
