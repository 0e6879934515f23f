/**
 * Entry point of one hashing thread (a worker_threads worker started by hash-pool.ts): lowers its
 * own scheduling priority, then runs the jobs it is sent, one at a time.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runHashJob, type HashJob } from './hash-jobs.js';

export interface HashWorkerData {
  nice: number;
}

export type HashWorkerReply =
  { ok: true; value: ReturnType<typeof runHashJob> } | { ok: false; error: string };

// Linux keeps a nice value per thread, and pid 0 means the calling thread, so only this thread
// gets lower; elsewhere pid 0 is the whole process, event loop included, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(0, (workerData as HashWorkerData).nice);
  } catch {
    // not permitted here: the thread keeps the normal priority, hashing works all the same
  }
}

parentPort?.on('message', (job: HashJob) => {
  let reply: HashWorkerReply;
  try {
    reply = { ok: true, value: runHashJob(job) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
