/**
 * The one poll loop of the repository: apply and offsets restore waiting for a connector's state, the
 * GitOps health gate, the local runtime's readiness and data checks all wait through it.
 */

/**
 * Calls `check` until it returns true (→ true) or `timeoutMs` has passed (→ false), `intervalMs`
 * apart; it is always called at least once. An error thrown by `check` ends the wait with that error:
 * a check throws for what no amount of waiting mends (a FAILED task, a process that died).
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
