import { waitUntil } from '../../../../connectors/connect/poll';

describe('waitUntil', () => {
  it('is true as soon as the check is, calling it once when it already holds', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls > 0, 1_000, 10)).toBe(true);
    expect(calls).toBe(1);
  });

  it('keeps calling until the check holds', async () => {
    let calls = 0;
    expect(await waitUntil(async () => ++calls === 3, 1_000, 1)).toBe(true);
    expect(calls).toBe(3);
  });

  it('is false once the time is up, having called the check at least once', async () => {
    let calls = 0;
    const started = Date.now();
    expect(await waitUntil(() => (calls++, false), 50, 10)).toBe(false);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('ends with the error a check throws, without waiting for the timeout', async () => {
    const started = Date.now();
    await expect(waitUntil(() => Promise.reject(new Error('the process died')), 5_000, 10)).rejects.toThrow('the process died');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
