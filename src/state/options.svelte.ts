// The form's choices of what to save, turned into the engine's DownloadOptions (docs/contract.md, "Filters").
import { MODALITY_AGNOSTIC, pipelineIncluded, type DownloadOptions } from '../lib/index.ts';
import type { DerivsMode, TopLevelMode } from './url.ts';

const lines = (text: string) => text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

export class OptionsState {
  /** The open study's pipelines, so a ticked pipeline means exactly that pipeline. */
  readonly #pipelineNames: () => readonly string[];
  /** The top-level files pyAFQ knows by name, offered one by one. */
  readonly topLevelNames = MODALITY_AGNOSTIC;
  derivs = $state<DerivsMode>('none');
  pipelines = $state<string[]>([]);
  suffix = $state('');
  /** One glob per line. */
  includeText = $state('');
  excludeText = $state('');
  top = $state<TopLevelMode>('default');
  topNames = $state<string[]>([]);
  overwrite = $state(false);
  verify = $state(false);

  constructor(pipelineNames: () => readonly string[] = () => []) {
    this.#pipelineNames = pipelineNames;
  }

  get include(): string[] {
    return lines(this.includeText);
  }
  get exclude(): string[] {
    return lines(this.excludeText);
  }

  /** Pipelines pyAFQ's `include_derivs` would take for this choice: it matches by name part, so `afq` also takes `afq-extra`. */
  effectivePipelines(all: readonly string[]): string[] {
    const chosen = this.derivs === 'some' ? this.pipelines : this.derivs;
    return all.filter((p) => pipelineIncluded(p, chosen));
  }

  /**
   * Pipelines only pyAFQ's name-part rule would add (ticked `afq`, unticked `afq-extra`). Here a box is
   * ticked only when its pipeline is saved, so the choice names whole pipelines (`includeDerivsExact`).
   */
  readonly substringExtras = $derived.by((): string[] => {
    if (this.derivs !== 'some') return [];
    return this.effectivePipelines(this.#pipelineNames()).filter((p) => !this.pipelines.includes(p));
  });

  togglePipeline(name: string) {
    this.pipelines = this.pipelines.includes(name) ? this.pipelines.filter((p) => p !== name) : [...this.pipelines, name];
    this.derivs = 'some';
  }

  toggleTopName(name: string) {
    this.topNames = this.topNames.includes(name) ? this.topNames.filter((p) => p !== name) : [...this.topNames, name];
    this.top = 'some';
  }

  readonly downloadOptions = $derived.by((): DownloadOptions => {
    const o: DownloadOptions = { overwrite: this.overwrite, verify: this.verify };
    o.includeDerivs = this.derivs === 'all' ? true : this.derivs === 'none' ? false : this.pipelines.length ? [...this.pipelines] : false;
    if (this.top === 'all') o.includeModalityAgnostic = true;
    else if (this.top === 'none') o.includeModalityAgnostic = false;
    else if (this.top === 'some') o.includeModalityAgnostic = this.topNames.length ? [...this.topNames] : false;
    if (this.suffix.trim()) o.suffix = this.suffix.trim();
    if (this.include.length) o.include = this.include;
    if (this.substringExtras.length) o.includeDerivsExact = true;
    if (this.exclude.length) o.exclude = this.exclude;
    return o;
  });
}
