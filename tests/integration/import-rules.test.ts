// The import checker itself (scripts/import-rules.ts), on small made-up graphs: each rule must fail on a
// graph that breaks it, so a green `npm run check` means something.
import { describe, expect, it } from 'vitest';
import { checkImports, importsOf, readSources, repoRoot, resolveSpecifier } from '../../scripts/import-rules.ts';

const graph = (files: Record<string, string>) => new Map(Object.entries(files));
const rules = (files: Record<string, string>) =>
  checkImports(graph(files)).violations.map((v) => [v.rule, v.from, v.to]);

describe('reading imports', () => {
  it('finds static, type-only, re-exported, dynamic and import-type specifiers', () => {
    const refs = importsOf(
      'src/a.ts',
      `import x from './x.ts';
       import type { T } from './t.ts';
       import { type U, type V } from './uv.ts';
       export { y } from './y.ts';
       export type { Z } from './z.ts';
       const m = () => import('./lazy.ts');
       type N = typeof import('./n.ts');
       const s = 'import("./not-code.ts")';`,
    );
    expect(refs).toEqual([
      { specifier: './x.ts', typeOnly: false, dynamic: false },
      { specifier: './t.ts', typeOnly: true, dynamic: false },
      { specifier: './uv.ts', typeOnly: true, dynamic: false },
      { specifier: './y.ts', typeOnly: false, dynamic: false },
      { specifier: './z.ts', typeOnly: true, dynamic: false },
      { specifier: './lazy.ts', typeOnly: false, dynamic: true },
      { specifier: './n.ts', typeOnly: true, dynamic: false },
    ]);
  });

  it('reads every <script> block of a .svelte file, type-only imports included', () => {
    const refs = importsOf(
      'src/components/A.svelte',
      `<script module lang="ts">import { a } from './a.ts';</script>
       <script lang="ts">import type { B } from '../lib/b.ts'; let { b }: { b: B } = $props();</script>
       <p>import c from './c.ts'</p>`,
    );
    expect(refs.map((r) => r.specifier)).toEqual(['./a.ts', '../lib/b.ts']);
  });

  it('resolves relative specifiers to known files only', () => {
    const files = new Set(['src/lib/index.ts', 'src/lib/s3/index.ts', 'src/App.svelte']);
    expect(resolveSpecifier('src/state/x.ts', '../lib/index.ts', files)).toBe('src/lib/index.ts');
    expect(resolveSpecifier('src/state/x.ts', '../lib/s3', files)).toBe('src/lib/s3/index.ts');
    expect(resolveSpecifier('src/main.ts', './App.svelte?raw', files)).toBe('src/App.svelte');
    expect(resolveSpecifier('src/main.ts', 'svelte', files)).toBeUndefined();
  });
});

describe('the rules', () => {
  it('no-cycle: finds a cycle through type-only imports and .svelte files', () => {
    expect(
      rules({
        'src/lib/a.ts': `import { b } from './b.ts';`,
        'src/lib/b.ts': `import type { C } from './c.ts';`,
        'src/lib/c.ts': `export { a } from './a.ts';`,
        'src/lib/ok.ts': `import { a } from './a.ts';`,
      }),
    ).toEqual([['no-cycle', 'src/lib/a.ts', 'src/lib/b.ts']]);
    const v = checkImports(
      graph({
        'src/components/A.svelte': `<script lang="ts">import B from './B.svelte';</script>`,
        'src/components/B.svelte': `<script lang="ts">import type { P } from './props.ts';</script>`,
        'src/components/props.ts': `import type A from './A.svelte';`,
      }),
    ).violations;
    expect(v.map((x) => x.cycle)).toEqual([['src/components/A.svelte', 'src/components/B.svelte', 'src/components/props.ts', 'src/components/A.svelte']]);
    expect(rules({ 'src/lib/self.ts': `import './self.ts';` })).toEqual([['no-cycle', 'src/lib/self.ts', 'src/lib/self.ts']]);
  });

  it('save-not-bids: save/ may take the contract from plan/, never anything from bids/', () => {
    const files = {
      'src/lib/plan/index.ts': `export type P = 1;`,
      'src/lib/bids/types.ts': `export type Q = 1;`,
      'src/lib/save/annotate.ts': `import type { P } from '../plan/index.ts';\nimport type { Q } from '../bids/types.ts';`,
    };
    expect(rules(files)).toEqual([['save-not-bids', 'src/lib/save/annotate.ts', 'src/lib/bids/types.ts']]);
  });

  it('engine-not-app: src/lib/ never imports the app', () => {
    expect(rules({ 'src/state/app.ts': `export const x = 1;`, 'src/lib/s3/x.ts': `import { x } from '../../state/app.ts';` })).toEqual([
      ['engine-not-app', 'src/lib/s3/x.ts', 'src/state/app.ts'],
    ]);
  });

  it('app-entry: the app enters the engine by src/lib/index.ts or a folder index', () => {
    const files = {
      'src/lib/index.ts': `export * from './s3/index.ts';`,
      'src/lib/s3/index.ts': `export * from './location.ts';`,
      'src/lib/s3/location.ts': `export const PRESETS = [];`,
      'src/state/ok.ts': `import { PRESETS } from '../lib/index.ts';\nconst save = () => import('../lib/s3/index.ts');`,
      'src/components/Deep.svelte': `<script lang="ts">import type { PRESETS } from '../lib/s3/location.ts';</script>`,
      'src/state/deep.ts': `import { PRESETS } from '../lib/s3/location.ts';`,
    };
    expect(rules(files)).toEqual([
      ['app-entry', 'src/components/Deep.svelte', 'src/lib/s3/location.ts'],
      ['app-entry', 'src/state/deep.ts', 'src/lib/s3/location.ts'],
    ]);
  });
});

describe('the repository', () => {
  it('reads every .ts and .svelte file of src/', () => {
    const files = [...readSources(repoRoot).keys()];
    expect(files).toContain('src/lib/index.ts');
    expect(files).toContain('src/App.svelte');
    expect(files.every((f) => f.startsWith('src/') && /\.(ts|svelte)$/.test(f))).toBe(true);
  });
});
