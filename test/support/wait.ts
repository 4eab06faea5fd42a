/**
 * Polls `probe` every 100 ms until it returns a value (not `undefined`); a probe that throws counts as "not yet"
 * (a server still starting). Fails naming `what` after `ms`.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 30000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
