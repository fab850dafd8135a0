import { describe, expect, it } from 'vitest';
import { fitText, formatBytes, formatCount, formatDuration } from './format.ts';

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

describe('fitText', () => {
  // Six pixels a character, as an 11 px font roughly is.
  const width = (t: string) => t.length * 6;
  it('keeps a value whole when it fits under its bar, and cuts it to the room left when not', () => {
    expect(fitText('ambidextrous', 100, width)).toBe('ambidextrous');
    expect(fitText('ambidextrous', 72, width)).toBe('ambidextrous');
    expect(fitText('ambidextrous', 71, width)).toBe('ambidextro…');
    expect(fitText('ambidextrous', 30, width)).toBe('ambi…');
    // Never less than one character and the ellipsis.
    expect(fitText('ambidextrous', 1, width)).toBe('a…');
    expect(fitText('', 0, width)).toBe('');
  });
});
