/**
 * Orders strings by Unicode code point, as Python's `sorted()` does. JavaScript's default sort
 * compares UTF-16 code units, which puts astral characters (stored as surrogates 0xD800–0xDFFF)
 * before BMP characters 0xE000–0xFFFF; remapping the unit that first differs fixes that.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return fixup(ca) - fixup(cb);
  }
  return a.length - b.length;
}

function fixup(unit: number): number {
  if (unit < 0xd800) return unit;
  // Surrogates move above every BMP unit, and 0xE000–0xFFFF move down to make room.
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/** A sorted copy, Python order. */
export function sortCodePoints(items: Iterable<string>): string[] {
  return [...items].sort(compareCodePoints);
}
