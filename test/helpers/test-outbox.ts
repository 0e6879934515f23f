import os from 'node:os';
import path from 'node:path';

/** Where the tests' mail outbox is written for this run; the global fixture removes it afterwards. */
export const TEST_OUTBOX_DIR = path.join(os.tmpdir(), `authshift-test-outbox-${process.pid}`);
