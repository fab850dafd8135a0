// Bucket data (keys, TSV cells, JSON values) must reach the page as text. Svelte escapes `{…}`; the ways
// around that are raw-HTML sinks, so none may appear in the app's source at all.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..');
const SELF = relative(SRC, import.meta.filename);
/** Files that name a sink only to prove it is never called, each with the one sink it may name. */
const CHECKS_ABSENCE: Record<string, string> = {
  // Counts the SDK's calls to DOMParser while it lists, and expects none (vite.config.ts).
  [join('lib', 's3', 'client.browser.test.ts')]: 'DOMParser',
};

const SINKS: [string, RegExp][] = [
  ['{@html}', /\{\s*@html\b/],
  ['innerHTML', /\binnerHTML\b/],
  ['outerHTML', /\bouterHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\s*\.\s*write(ln)?\s*\(/],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['DOMParser', /\bDOMParser\b/],
  ['srcdoc', /\bsrcdoc\b/],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(svelte|ts)$/.test(e.name) ? [p] : [];
  });
}

/** Every raw-HTML sink in a text, as `line: sink`. */
function sinksIn(text: string): string[] {
  return text.split('\n').flatMap((line, i) => SINKS.filter(([, re]) => re.test(line)).map(([name]) => `${i + 1}: ${name}`));
}

describe('no raw HTML in the app', () => {
  it('the scan finds each sink it looks for', () => {
    const sample = ['{@html row.name}', 'el.innerHTML = x', 'a.outerHTML', 'b.insertAdjacentHTML("x", y)', 'document.write(z)', 'r.createContextualFragment(s)', 'new DOMParser()', '<iframe srcdoc={x}>'];
    expect(sample.map(sinksIn)).toEqual(SINKS.map(([name]) => [`1: ${name}`]));
    expect(sinksIn('{value} <code>{text}</code> el.textContent = x')).toEqual([]);
  });

  it('no .svelte or .ts file under src uses one', () => {
    const files = sourceFiles(SRC).filter((f) => relative(SRC, f) !== SELF);
    expect(files.filter((f) => f.endsWith('.svelte')).length).toBeGreaterThan(10);
    const found = files.flatMap((f) =>
      sinksIn(readFileSync(f, 'utf8'))
        .filter((hit) => !hit.endsWith(`: ${CHECKS_ABSENCE[relative(SRC, f)]}`))
        .map((hit) => `${relative(SRC, f)}:${hit}`),
    );
    expect(found).toEqual([]);
  });
});
