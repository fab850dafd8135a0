// The picker's "Path-style addresses" box tells the truth: ticked whenever the study will be addressed
// path-style (a custom endpoint, unless unticked), and what it shows is what the opened location asks for.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ListingCache, memoryListingStore, type LocationOverrides } from '../lib/index.ts';
import { createServices } from '../state/services.ts';
import { ParticipantsState } from '../state/participants.svelte.ts';
import { StudyState } from '../state/study.svelte.ts';
import StudyPicker from './StudyPicker.svelte';

let app: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
});

function picker(location?: StudyState['location']) {
  if (app) unmount(app);
  const study = new StudyState(createServices({ cache: new ListingCache({ store: memoryListingStore() }) }), new ParticipantsState());
  study.location = location;
  const opened: (LocationOverrides | undefined)[] = [];
  app = mount(StudyPicker, { target: document.body, props: { study, presets: [], open: (_t: string, o?: LocationOverrides) => void opened.push(o), advancedOpen: true } });
  flushSync();
  const box = document.querySelector<HTMLInputElement>('input[type=checkbox]:not([name])')!;
  const type = (name: string, value: string) => {
    const el = document.querySelector<HTMLInputElement>(`input[name=${name}]`)!;
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  };
  const submit = () => {
    type('location', 'demo-bucket/study');
    document.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    flushSync();
    return opened.at(-1);
  };
  return { box, type, submit };
}

describe('the path-style box', () => {
  it('ticks itself for a custom endpoint, which is then addressed path-style', () => {
    const p = picker();
    expect(p.box.checked).toBe(false);
    p.type('endpoint', 'http://127.0.0.1:9000');
    expect(p.box.checked).toBe(true);
    expect(p.submit()).toEqual({ endpoint: 'http://127.0.0.1:9000' });
  });

  it('unticked with an endpoint asks for virtual-hosted addresses; ticked without one, for path-style on S3', () => {
    const p = picker();
    p.type('endpoint', 'https://minio.example.org');
    p.box.click();
    flushSync();
    expect(p.box.checked).toBe(false);
    expect(p.submit()).toEqual({ endpoint: 'https://minio.example.org', forcePathStyle: false });
    const q = picker();
    q.box.click();
    flushSync();
    expect(q.submit()).toEqual({ forcePathStyle: true });
  });

  it('is ticked for a study opened from a link with its endpoint in it, and unticked for S3', () => {
    expect(picker({ bucket: 'demo', prefix: 'study', endpoint: 'http://127.0.0.1:9000', flavour: 'bids' } as StudyState['location']).box.checked).toBe(true);
    expect(picker({ bucket: 'demo', prefix: 'study', flavour: 'bids' } as StudyState['location']).box.checked).toBe(false);
    expect(picker({ bucket: 'demo', prefix: 'study', endpoint: 'https://minio.example.org', forcePathStyle: false, flavour: 'bids' } as StudyState['location']).box.checked).toBe(false);
  });
});
