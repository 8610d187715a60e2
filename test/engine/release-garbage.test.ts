import { describe, expect, it } from 'vitest';
import { releaseGarbage } from '../../src/engine/pool.js';

describe('releaseGarbage (after each batch, in a worker and in this thread)', () => {
  it('does nothing while the heap holds no more than the bound', () => {
    expect(releaseGarbage(Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  it('collects at once above the bound, and says what the collection kept', () => {
    // A batch's worth of garbage: about 40 MB of strings no one refers to any more.
    let garbage: string[] | undefined = Array.from({ length: 200_000 }, (_, i) => `${i}`.padEnd(100, 'x'));
    expect(garbage).toHaveLength(200_000);
    garbage = undefined;
    const before = process.memoryUsage().heapUsed;
    const kept = releaseGarbage(0);
    expect(kept).toBeTypeOf('number');
    expect(kept!).toBeLessThan(before - 10 * 1024 * 1024);
  });
});
