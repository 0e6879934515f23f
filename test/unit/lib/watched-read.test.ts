import { expect } from 'chai';
import { createWatchedRead } from '../../../src/lib/pg/watched-read.js';

/** A watched read whose reads finish only when the test says so. */
function harness() {
  let reads = 0;
  const pending: (() => void)[] = [];
  const watched = createWatchedRead({
    databaseUrl: 'postgres://unused', // watch() is never called: no LISTEN connection
    channel: 'unused',
    applicationName: 'test',
    refreshMs: 60_000,
    read: () => {
      reads += 1;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
  });
  const finishRead = async () => {
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { watched, reads: () => reads, finishRead };
}

describe('watched read (NOTIFY + periodic re-read of a database value)', () => {
  it('when triggers overlap a read, then they join it and cause exactly one follow-up read', async () => {
    const { watched, reads, finishRead } = harness();
    const first = watched.refresh();
    const joined = [watched.refresh(), watched.refresh(), watched.refresh()];
    expect(reads()).to.equal(1);
    expect(joined.every((p) => p === first)).to.equal(true);
    await finishRead();
    expect(reads(), 'one follow-up for the triggers that came during the read').to.equal(2);
    await finishRead();
    expect(reads(), 'and no more').to.equal(2);
  });

  it('when nothing overlaps, then each trigger is one read', async () => {
    const { watched, reads, finishRead } = harness();
    void watched.refresh();
    await finishRead();
    void watched.refresh();
    await finishRead();
    expect(reads()).to.equal(2);
  });

  it('when stopped during a read, then the follow-up is dropped and stop waits for the read', async () => {
    const { watched, reads, finishRead } = harness();
    void watched.refresh();
    void watched.refresh();
    let stopped = false;
    const stopping = watched.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped, 'stop waits for the read in flight').to.equal(false);
    await finishRead();
    await stopping;
    expect(reads()).to.equal(1);
  });
});
