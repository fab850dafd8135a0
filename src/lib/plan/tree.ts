// The plan as a tree a person can open: subject → session → datatype → files, each node with its file
// count and bytes per on-disk state, and the one account of bytes (planned, already there, to fetch)
// that the plan summary, the tree and the save report all read (README.md, "Using the app").
// Pure: no I/O, no Svelte.
import type { DownloadPlan, PlanEntry } from './types.ts';
import { PAUSE_EVERY, runNow, runSliced, type SliceOptions, type Sliced } from '../slices/index.ts';

/**
 * What saving will do with a file given what the folder holds:
 * `new` – not in the folder (or no folder chosen yet): fetched;
 * `there` – already in the folder and complete: skipped;
 * `differs` – in the folder but different from S3 (edited, or another study's): kept, not fetched;
 * `replace` – in the folder, replaced because overwrite is on: fetched;
 * `generated` – written by the app (a pipeline's description): written, not fetched from S3;
 * `refused` – an unsafe or colliding name: never written, counted apart from the planned total.
 */
export type FileState = 'new' | 'there' | 'differs' | 'replace' | 'generated' | 'refused';

export const FILE_STATES: readonly FileState[] = ['new', 'replace', 'generated', 'there', 'differs', 'refused'];

export function fileState(e: Pick<PlanEntry, 'action' | 'refused' | 'conflict'>): FileState {
  if (e.refused) return 'refused';
  switch (e.action) {
    case 'skip':
      return e.conflict ? 'differs' : 'there';
    case 'overwrite':
      return 'replace';
    case 'generate':
      return 'generated';
    default:
      return 'new';
  }
}

export interface Tally {
  files: number;
  bytes: number;
}

/**
 * The account of bytes every view shows. `planned` = `there` + `toFetch`; refused files are in neither.
 * `there` includes files that differ from S3 and are kept.
 */
export interface ByteStory {
  planned: Tally;
  there: Tally;
  toFetch: Tally;
  refused: Tally;
  /** Per state (refused included), so a view can say how many differ or are replaced. */
  byState: Record<FileState, Tally>;
}

const zero = (): Tally => ({ files: 0, bytes: 0 });

export function emptyStory(): ByteStory {
  return {
    planned: zero(),
    there: zero(),
    toFetch: zero(),
    refused: zero(),
    byState: { new: zero(), there: zero(), differs: zero(), replace: zero(), generated: zero(), refused: zero() },
  };
}

function add(t: Tally, bytes: number, files = 1): void {
  t.files += files;
  t.bytes += bytes;
}

function count(s: ByteStory, state: FileState, bytes: number): void {
  add(s.byState[state], bytes);
  if (state === 'refused') return add(s.refused, bytes);
  add(s.planned, bytes);
  if (state === 'there' || state === 'differs') add(s.there, bytes);
  else add(s.toFetch, bytes);
}

/** The byte account of a whole plan (the same figures as the tree's root). */
export function planStory(plan: Pick<DownloadPlan, 'entries'>): ByteStory {
  const s = emptyStory();
  for (const e of plan.entries) count(s, fileState(e), e.size);
  return s;
}

export type TreeNodeKind = 'subject' | 'session' | 'datatype' | 'study' | 'file';

export interface PlanTreeNode {
  /** Stable across plans for the same place (what stays expanded when the plan changes). */
  id: string;
  kind: TreeNodeKind;
  /** What the row shows: `sub-01`, `ses-1`, `anat`, `derivatives/afq · dwi`, a file name. */
  label: string;
  story: ByteStory;
  children: PlanTreeNode[];
  /** Files only: the plan entry. */
  entry?: PlanEntry;
  state?: FileState;
}

export interface PlanTree {
  /** Subjects in code-point order, then the study's own files (top level, pipelines' descriptions). */
  roots: PlanTreeNode[];
  story: ByteStory;
  /** How many nodes have children. */
  branches: number;
}

/** Where a file sits: subject, session and datatype folder, from its local path (BIDS layout, raw or derivatives). */
export function placeOf(localPath: string): { subject?: string; session?: string; datatype?: string; name: string } {
  const segs = localPath.split('/');
  const name = segs.pop()!;
  let pipeline: string | undefined;
  let i = 0;
  if (segs[0] === 'derivatives' && segs.length >= 2) {
    pipeline = `derivatives/${segs[1]}`;
    i = 2;
  }
  const subAt = segs.findIndex((s, k) => k >= i && s.startsWith('sub-'));
  if (subAt < 0) return { name };
  // Folders between the pipeline and the subject (e.g. a pipeline's own sub-folder) join the pipeline's label.
  if (pipeline && subAt > i) pipeline += '/' + segs.slice(i, subAt).join('/');
  const subject = segs[subAt]!;
  let k = subAt + 1;
  let session: string | undefined;
  if (segs[k]?.startsWith('ses-')) session = segs[k++];
  const folder = segs.slice(k).join('/');
  const datatype = [pipeline, folder || undefined].filter(Boolean).join(' · ') || undefined;
  return { subject, ...(session ? { session } : {}), ...(datatype ? { datatype } : {}), name };
}

const byLabel = (a: PlanTreeNode, b: PlanTreeNode) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/** Groups the plan's entries into subject → session → datatype → files, with a byte account per node. */
export function buildPlanTree(plan: Pick<DownloadPlan, 'entries'>): PlanTree {
  return runNow(planTreeSteps(plan));
}

/** `buildPlanTree` in slices that leave the main thread free between them (src/lib/slices). */
export function buildPlanTreeSliced(plan: Pick<DownloadPlan, 'entries'>, opts: SliceOptions = {}): Promise<PlanTree> {
  return runSliced(planTreeSteps(plan), opts);
}

/** `buildPlanTree`, pausing now and then. */
export function* planTreeSteps(plan: Pick<DownloadPlan, 'entries'>): Sliced<PlanTree> {
  const story = emptyStory();
  const top = new Map<string, PlanTreeNode>();
  let branches = 0;
  const branch = (parent: Map<string, PlanTreeNode> | PlanTreeNode, id: string, kind: TreeNodeKind, label: string): PlanTreeNode => {
    const kids = parent instanceof Map ? parent : index.get(parent)!;
    let n = kids.get(id);
    if (!n) {
      n = { id, kind, label, story: emptyStory(), children: [] };
      kids.set(id, n);
      index.set(n, new Map());
      branches++;
    }
    return n;
  };
  const index = new Map<PlanTreeNode, Map<string, PlanTreeNode>>();
  const files = new Map<PlanTreeNode, PlanTreeNode[]>();
  let done = 0;
  for (const e of plan.entries) {
    if (++done % PAUSE_EVERY === 0) yield;
    const state = fileState(e);
    count(story, state, e.size);
    const p = placeOf(e.localPath);
    const path: PlanTreeNode[] = [];
    if (p.subject) {
      let n = branch(top, `s:${p.subject}`, 'subject', p.subject);
      path.push(n);
      if (p.session) path.push((n = branch(n, `${n.id}/${p.session}`, 'session', p.session)));
      if (p.datatype) path.push(branch(n, `${n.id}/d:${p.datatype}`, 'datatype', p.datatype));
    } else {
      const n = branch(top, 'study', 'study', 'Study files');
      path.push(n);
      const dir = e.localPath.split('/').slice(0, -1).join('/');
      if (dir) path.push(branch(n, `study/${dir}`, 'datatype', dir));
    }
    for (const n of path) count(n.story, state, e.size);
    const leaf: PlanTreeNode = { id: `f:${e.localPath}`, kind: 'file', label: p.name, story: emptyStory(), children: [], entry: e, state };
    count(leaf.story, state, e.size);
    const parent = path[path.length - 1]!;
    let list = files.get(parent);
    if (!list) files.set(parent, (list = []));
    list.push(leaf);
  }
  // Children: folders first (code-point order), then files in path order.
  const finish = (n: PlanTreeNode) => {
    const kids = [...index.get(n)!.values()].sort(byLabel);
    kids.forEach(finish);
    const own = (files.get(n) ?? []).sort((a, b) => (a.entry!.localPath < b.entry!.localPath ? -1 : a.entry!.localPath > b.entry!.localPath ? 1 : 0));
    n.children = [...kids, ...own];
  };
  const roots = [...top.values()];
  for (const r of roots) {
    finish(r);
    yield;
  }
  const subjects = roots.filter((n) => n.kind === 'subject').sort(byLabel);
  const rest = roots.filter((n) => n.kind !== 'subject');
  return { roots: [...subjects, ...rest], story, branches };
}

/** One visible row of the tree (for a virtualised list). */
export interface PlanTreeRow {
  node: PlanTreeNode;
  /** 1 for subjects. */
  level: number;
  expanded: boolean;
  /** Position among its siblings, 1-based, and how many siblings (aria-posinset / aria-setsize). */
  pos: number;
  size: number;
  parent?: string;
}

/** The rows shown when the nodes whose ids are in `expanded` are open, depth first. */
export function visibleRows(tree: PlanTree, expanded: ReadonlySet<string>): PlanTreeRow[] {
  const rows: PlanTreeRow[] = [];
  const walk = (nodes: PlanTreeNode[], level: number, parent: string | undefined) => {
    nodes.forEach((node, i) => {
      const open = node.children.length > 0 && expanded.has(node.id);
      rows.push({ node, level, expanded: open, pos: i + 1, size: nodes.length, ...(parent ? { parent } : {}) });
      if (open) walk(node.children, level + 1, node.id);
    });
  };
  walk(tree.roots, 1, undefined);
  return rows;
}
