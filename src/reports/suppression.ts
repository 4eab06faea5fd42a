/**
 * Small-cell suppression: a count from 1 to threshold-1 can single out a victim in a commune, so it is
 * published as null. When one cell of a breakdown is suppressed, the next smallest is suppressed too, so the
 * hidden value cannot be recovered by subtracting from the total.
 */
export function suppress(cells: Record<string, number>, threshold: number): Record<string, number | null> {
  const out: Record<string, number | null> = { ...cells };
  const small = Object.keys(cells).filter((k) => cells[k] > 0 && cells[k] < threshold);
  small.forEach((k) => (out[k] = null));
  if (small.length === 1) {
    const next = Object.keys(cells)
      .filter((k) => out[k] !== null && cells[k] > 0)
      .sort((a, b) => cells[a] - cells[b])[0];
    if (next) out[next] = null;
  }
  return out;
}
