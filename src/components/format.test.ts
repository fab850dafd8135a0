import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration } from './format.ts';

describe('formatting', () => {
  it('formats sizes and durations for people', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.50 MB');
    expect(formatBytes(123_456_789_012)).toBe('123 GB');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(undefined)).toBe('—');
    // Counts group digits as the reader's language does, like toLocaleString.
    expect(formatCount(76006)).toBe((76006).toLocaleString());
    expect(formatCount(76006)).toMatch(/^76.006$/);
  });
});
