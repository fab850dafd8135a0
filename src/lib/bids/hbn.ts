// pyAFQ's HBNSite and HBNSubject: the Healthy Brain Network's sites are not BIDS-compliant, so they are
// indexed in their own layout ('hbn') and a dataset_description.json is written on download
// (docs/contract.md, "Keys of a subject" and "Local layout").
import { S3BIDSError } from '../errors/index.ts';
import { joinKey, normalisePrefix } from '../s3/keys.ts';
import { HBN_BUCKET, HBN_PREFIX, HBN_SITES } from '../s3/location.ts';
import type { SubjectKeys } from './layout.ts';
import { S3BIDSStudy, S3BIDSSubject, loadStudy, type OpenOptions, type StudyInit } from './study.ts';

// One copy of the HBN constants: where a location is parsed.
export { HBN_SITES, HBN_BUCKET, HBN_PREFIX, type HBNSiteName } from '../s3/location.ts';

/** `HBNSite.open` options: a site, and pyAFQ's defaults for the rest. */
export interface HBNOpenOptions extends Partial<OpenOptions> {
  /** Required; one of HBN_SITES. Typed optional only so the class keeps its parent's static shape. */
  site?: string;
}

/** A subject in the HBN study (pyAFQ `HBNSubject`). */
export class HBNSubject extends S3BIDSSubject {
  /** The site at which this subject took part. */
  get site(): string {
    return (this.study as HBNSite).site;
  }
}

/**
 * An HBN site (pyAFQ `HBNSite`): its derivatives live at `derivatives/<subject>/<pipeline>/…`, and a
 * dataset_description.json is written on download.
 */
export class HBNSite extends S3BIDSStudy {
  readonly site: string;
  declare readonly subjects: HBNSubject[];

  protected constructor(init: StudyInit) {
    super(init);
    this.site = init.index.site!;
  }

  static override async open(opts: HBNOpenOptions): Promise<HBNSite> {
    const site = opts.site;
    if (!site || !(HBN_SITES as readonly string[]).includes(site))
      throw new S3BIDSError('InvalidOption', `site must be one of ${HBN_SITES.join(', ')}; got ${JSON.stringify(site)}.`);
    const root = opts.s3Prefix ?? HBN_PREFIX;
    const init = await loadStudy(
      {
        ...opts,
        studyId: opts.studyId ?? 'HBN',
        bucket: opts.bucket ?? HBN_BUCKET,
        s3Prefix: joinKey(normalisePrefix(root), site),
      },
      { flavour: 'hbn', site },
    );
    return new HBNSite(init);
  }

  protected override makeSubject(id: string, keys: SubjectKeys): S3BIDSSubject {
    return new HBNSubject(id, this, keys);
  }
}
