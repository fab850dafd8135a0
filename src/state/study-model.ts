// The engine's study model (pyAFQ's S3BIDSStudy, or HBNSite for an HBN site) over a listing already in
// hand, so opening one makes no request. Plans reuse the model while the choice of subjects stands.
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3BIDSError, type S3BIDSStudy, type StudyIndex, type StudyListing, type StudyLocation } from '../lib/index.ts';

/** pyAFQ's study model and the BIDS rules behind it load with the first listing, not with the page. */
const loadModels = () => import('../lib/bids/index.ts');

export interface ModelChoice {
  client: S3Client;
  location: StudyLocation;
  /** The study's keys: its index once there is one (nothing is built again), else its listing. */
  source: { index: StudyIndex } | { listing: StudyListing };
  subjects: readonly string[] | 'all';
  seed: number | undefined;
}

export async function openStudyModel(c: ModelChoice): Promise<S3BIDSStudy> {
  try {
    return await openWith(c, c.subjects);
  } catch (e) {
    // "All" of a dataset without subject folders (an atlas, a template, a study still being uploaded) is
    // none: it opens with no subjects and its top-level files (README.md, "Using the app").
    if (c.subjects === 'all' && isS3BIDSError(e, 'NoSubjects')) return openWith(c, undefined);
    throw e;
  }
}

async function openWith(c: ModelChoice, subjects: ModelChoice['subjects'] | undefined): Promise<S3BIDSStudy> {
  const { HBNSite, S3BIDSStudy } = await loadModels();
  const common = { ...(subjects !== undefined ? { subjects } : {}), client: c.client, ...c.source, ...(c.seed !== undefined ? { randomSeed: c.seed } : {}) };
  if (c.location.flavour === 'hbn' && c.location.site) return HBNSite.open({ site: c.location.site, ...common });
  return S3BIDSStudy.open({ studyId: c.location.studyId, bucket: c.location.bucket, s3Prefix: c.location.prefix, ...common });
}

const sameSubjects = (a: ModelChoice['subjects'], b: ModelChoice['subjects']) =>
  a === b || (a !== 'all' && b !== 'all' && a.length === b.length && a.every((s, i) => s === b[i]));

const sameSource = (a: ModelChoice['source'], b: ModelChoice['source']) =>
  'index' in a ? 'index' in b && a.index === b.index : 'listing' in b && a.listing === b.listing;

const sameChoice = (a: ModelChoice, b: ModelChoice) =>
  sameSource(a.source, b.source) && a.client === b.client && a.location === b.location && a.seed === b.seed && sameSubjects(a.subjects, b.subjects);

/** The model of the last choice, opened once and handed out again while the choice is the same. */
export class StudyModels {
  #last: { choice: ModelChoice; model: Promise<S3BIDSStudy> } | undefined;

  get(choice: ModelChoice): Promise<S3BIDSStudy> {
    const last = this.#last;
    if (last && sameChoice(last.choice, choice)) return last.model;
    const model = openStudyModel(choice);
    this.#last = { choice: { ...choice, subjects: choice.subjects === 'all' ? 'all' : [...choice.subjects] }, model };
    // A choice that failed is tried again next time, not remembered.
    model.catch(() => {
      if (this.#last?.model === model) this.#last = undefined;
    });
    return model;
  }
}
