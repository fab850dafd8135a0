// Runs first in main.ts, before anything connects: adds the page's connect-src policy (see csp.ts for
// why) and, later, reloads the page when the user opens an endpoint this load does not allow.
import { decodeQuery, encodeQuery, type ViewQuery } from '../state/url.ts';
import { connectPolicy, covers, sourcesForLocation, sourcesForQuery } from './csp.ts';

/** What the app asks before it opens a view: reload (true) when the view's endpoint is not allowed yet. */
export interface EndpointGuard {
  reloadFor(q: ViewQuery): boolean;
}

/** What the guard touches of the window: it rewrites the URL and reloads. */
export type GuardWindow = { location: Pick<Location, 'pathname' | 'search' | 'reload'>; history: Pick<History, 'replaceState'> };

export class ConnectGuard implements EndpointGuard {
  readonly allowed: ReadonlySet<string>;
  readonly #win: GuardWindow;

  constructor(win: GuardWindow, allowed: Iterable<string>) {
    this.#win = win;
    this.allowed = new Set(allowed);
  }

  reloadFor(q: ViewQuery): boolean {
    if (covers(this.allowed, sourcesForQuery(q))) return false;
    // The reloaded page builds its policy from this URL, so it allows the endpoint (no reload loop).
    this.#win.history.replaceState(null, '', encodeQuery(q) || this.#win.location.pathname + this.#win.location.search);
    this.#win.location.reload();
    return true;
  }
}

/** The demo study's text from `demo.json` (written by `npm start`), read while 'self' is all it needs. */
async function demoText(win: Window): Promise<string | undefined> {
  // Only a page served by `npm start` carries this tag; a hosted build never asks for the file (no 404).
  if (!win.document.querySelector('meta[name="s3bids-demo"]')) return undefined;
  try {
    const res = await win.fetch('demo.json', { cache: 'no-store' });
    if (!res.ok) return undefined;
    const d = (await res.json()) as { text?: unknown };
    return typeof d.text === 'string' ? d.text : undefined;
  } catch {
    return undefined;
  }
}

/** Adds the connect-src policy for this page load: the URL's endpoint and the demo's. */
export async function installConnectPolicy(win: Window): Promise<ConnectGuard> {
  const sources = [...sourcesForQuery(decodeQuery(win.location.hash)), ...sourcesForLocation(await demoText(win))];
  const meta = win.document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = connectPolicy(sources);
  win.document.head.append(meta);
  return new ConnectGuard(win, sources);
}
