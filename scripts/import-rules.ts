// The import rules of src/ (README.md, "Layout"; the engine's flow in src/lib/index.ts), checked on the
// real import graph: every relative import of every .ts and .svelte file, type-only and dynamic imports
// included (a type-only import in a component is still a dependency of it). Read with the TypeScript
// compiler's parser; a .svelte file's <script> blocks are read as TypeScript.
//
// The rules:
//   no-cycle           no import cycle anywhere in src/;
//   save-not-bids      src/lib/save/ imports nothing from src/lib/bids/ (they share the plan contract, src/lib/plan/);
//   engine-not-app     src/lib/ imports nothing from the rest of src/ (the app);
//   app-entry          outside src/lib, src/ imports the engine only from src/lib/index.ts or a folder's
//                      own index.ts (src/lib/save/index.ts, loaded lazily).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

export interface Violation {
  rule: 'no-cycle' | 'save-not-bids' | 'engine-not-app' | 'app-entry';
  /** Repository-relative, `/`-separated. */
  from: string;
  to: string;
  /** For a cycle: the files around it, starting and ending at `from`. */
  cycle?: string[];
}


const SCRIPT = /<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi;

/** The TypeScript a file holds: all of a .ts file, the <script> blocks of a .svelte file. */
function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.svelte')) return text;
  return [...text.matchAll(SCRIPT)].map((m) => m[2]).join('\n;\n');
}

/** Every module a file imports by a literal specifier: static, `export … from`, `import()`, `import('…').T`. */
export function importsOf(file: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(file, scriptOf(file, text), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, dynamic: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) out.push({ specifier: arg.text, typeOnly: false, dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The file a relative specifier names among `files`, or undefined (a package, or a file outside the set). */
export function resolveSpecifier(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = posix.join(posix.dirname(from), specifier.replace(/[?#].*$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.svelte`, `${base}/index.ts`]) if (files.has(candidate)) return candidate;
  return undefined;
}

const inLib = (f: string) => f.startsWith('src/lib/');
const inApp = (f: string) => f.startsWith('src/') && !inLib(f);
const ENGINE_ENTRY = /^src\/lib\/(?:[^/]+\/)?index\.ts$/;

/** Strongly connected components of more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strong(v);
  return out;
}

/** One path around a cycle, from `start` back to it, through files of `scc`. */
function pathAround(start: string, scc: ReadonlySet<string>, graph: ReadonlyMap<string, readonly string[]>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = prev.get(x)) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The rules broken by a set of files (repository-relative path → text). */
export function checkImports(sources: ReadonlyMap<string, string>): { violations: Violation[] } {
  const files = new Set(sources.keys());
  const graph = new Map<string, string[]>();
  const violations: Violation[] = [];
  for (const [from, text] of sources) {
    const targets = new Set<string>();
    for (const ref of importsOf(from, text)) {
      const to = resolveSpecifier(from, ref.specifier, files);
      if (to === undefined) continue;
      targets.add(to);
      if (from.startsWith('src/lib/save/') && to.startsWith('src/lib/bids/')) violations.push({ rule: 'save-not-bids', from, to });
      if (inLib(from) && inApp(to)) violations.push({ rule: 'engine-not-app', from, to });
      if (inApp(from) && inLib(to) && !ENGINE_ENTRY.test(to)) violations.push({ rule: 'app-entry', from, to });
    }
    graph.set(from, [...targets]);
  }
  for (const scc of cycles(graph)) {
    const around = pathAround(scc[0]!, new Set(scc), graph);
    violations.push({ rule: 'no-cycle', from: around[0]!, to: around[1]!, cycle: around });
  }
  return { violations };
}

/** Every .ts and .svelte file under `dir` (repository-relative to `root`, `/`-separated), with its text. */
export function readSources(root: string, dir = 'src'): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'node_modules' && !name.startsWith('.')) walk(p);
      } else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) {
        out.set(relative(root, p).split(sep).join('/'), readFileSync(p, 'utf8'));
      }
    }
  };
  walk(resolve(root, dir));
  return out;
}

/** One line per violation, for people. */
export function describeViolation(v: Violation): string {
  switch (v.rule) {
    case 'no-cycle':
      return `no-cycle: ${v.cycle!.join(' → ')}`;
    case 'save-not-bids':
      return `save-not-bids: ${v.from} imports ${v.to}; take the plan's types and rules from src/lib/plan/`;
    case 'engine-not-app':
      return `engine-not-app: ${v.from} imports ${v.to}; the engine must not reach into the app`;
    case 'app-entry':
      return `app-entry: ${v.from} imports ${v.to}; import it from src/lib/index.ts (or the folder's own index.ts)`;
  }
}

export const repoRoot = resolve(dirname(new URL(import.meta.url).pathname), '..');
