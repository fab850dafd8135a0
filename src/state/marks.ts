// User Timing marks at the moments a study opens (visible in the browser's DevTools Performance panel;
// the bench reads them to time opening a large study: README, "Benchmark").
export type Moment = 'listed' | 'ready' | 'planned';

export function mark(moment: Moment): void {
  globalThis.performance?.mark?.(`s3bids:${moment}`);
}
