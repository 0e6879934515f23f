/**
 * The hashing threads: a fixed number of worker_threads (by default cores + 1, see
 * password-hasher.ts) that run password jobs one at a time, fed from a FIFO queue in the main
 * thread.
 *
 * Why not the libuv pool (what @node-rs/argon2's and bcrypt's async calls use): its 4 threads ran
 * argon2 jobs (64 MiB each; @node-rs/argon2 also spreads a job's lanes over threads of its own) at
 * the event loop's own priority, so on a 2-core machine every request, `/healthz` included,
 * waited for a core behind them while logins saturated the CPU (p99 15–50 ms). Here each thread runs at a lower priority (nice, per thread on
 * Linux), so the event loop and PostgreSQL get a core the moment they need one while hashing
 * still takes every idle cycle, and the number of jobs in flight (memory) is bounded. Threads
 * start on first use and do not keep the process alive while idle.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HashJob, HashJobResults } from './hash-jobs.js';
import type { HashWorkerData, HashWorkerReply } from './hash-worker.js';

export interface HashPoolOptions {
  threads: number;
  /** Niceness of the hashing threads (0 = same as the event loop, 19 = lowest). */
  nice: number;
}

export interface HashPool {
  run<J extends HashJob>(job: J): Promise<HashJobResults[J['op']]>;
  /** Threads started, jobs running on them, jobs waiting for one. */
  stats(): { threads: number; running: number; queued: number };
  /** Stops the threads; jobs still queued are rejected. */
  close(): Promise<void>;
}

interface Pending {
  job: HashJob;
  resolve(value: HashJobResults[keyof HashJobResults]): void;
  reject(error: Error): void;
}

/**
 * Compiled runs (dist) start hash-worker.js itself. Source runs (tsx: tests, `npm start`) load
 * tsx inside the thread first: Node 20 does not hand `--import tsx` on to worker threads.
 */
function startThread(workerData: HashWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./hash-worker.js', import.meta.url), { workerData });
  const entry = JSON.stringify(new URL('./hash-worker.ts', import.meta.url).href);
  // tsx's ESM API (its `tsx/esm/api` import target; the require target cannot be imported).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = JSON.stringify(pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href);
  return new Worker(`import(${tsx}).then(({ register }) => (register(), import(${entry})))`, {
    eval: true,
    workerData,
  });
}

export function createHashPool(options: HashPoolOptions): HashPool {
  const threads = new Set<Worker>();
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  let closed = false;

  function spawn(): Worker {
    const worker = startThread({ nice: options.nice });
    threads.add(worker);
    worker.on('message', (reply: HashWorkerReply) => {
      const pending = busy.get(worker);
      busy.delete(worker);
      if (reply.ok) pending?.resolve(reply.value);
      else pending?.reject(new Error(reply.error));
      release(worker);
    });
    worker.on('error', (error) => lose(worker, error));
    worker.on('exit', () => lose(worker, new Error('a hashing thread exited')));
    return worker;
  }

  /** A thread that dies takes its job with it; the queue carries on with a new thread. */
  function lose(worker: Worker, error: Error): void {
    if (!threads.delete(worker)) return; // 'exit' after 'error'
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    busy.get(worker)?.reject(error);
    busy.delete(worker);
    if (!closed) dispatch();
  }

  function release(worker: Worker): void {
    const next = queue.shift();
    if (next) return assign(worker, next);
    worker.unref(); // an idle thread must not keep a CLI or a test run alive
    idle.push(worker);
  }

  function assign(worker: Worker, pending: Pending): void {
    busy.set(worker, pending);
    worker.ref();
    worker.postMessage(pending.job);
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const worker = idle.pop() ?? (threads.size < options.threads ? spawn() : undefined);
      if (!worker) return;
      assign(worker, queue.shift()!);
    }
  }

  return {
    run<J extends HashJob>(job: J): Promise<HashJobResults[J['op']]> {
      if (closed) return Promise.reject(new Error('the hashing pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ job, resolve: resolve as Pending['resolve'], reject });
        dispatch();
      });
    },
    stats: () => ({ threads: threads.size, running: busy.size, queued: queue.length }),
    async close() {
      closed = true;
      for (const pending of queue.splice(0))
        pending.reject(new Error('the hashing pool is closed'));
      await Promise.all([...threads].map((worker) => worker.terminate()));
    },
  };
}
