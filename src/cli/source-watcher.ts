/**
 * `npm run dev`: which service's code changed. Each service names the source folders it runs
 * from (the monolith src/, the proxy proxy/ and src/lib/ — the architecture test pins that the
 * proxy imports nothing else); a change to a source file there restarts that service, and only
 * that one. Bursts of events (an editor's save, a branch switch) are coalesced per service.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../lib/logger.js';

export interface WatchTarget {
  name: string;
  /** Folders relative to the repository root, with forward slashes. */
  dirs: string[];
}

export interface SourceWatcherOptions {
  root: string;
  targets: WatchTarget[];
  onChange(name: string, files: string[]): void;
  logger: Logger;
  debounceMs?: number;
}

const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js|json)$/;

/** The targets whose folders hold `file` (a path relative to the root, forward slashes). */
export function targetsOf(file: string, targets: WatchTarget[]): string[] {
  if (!SOURCE_FILE.test(file) || file.split('/').includes('node_modules')) return [];
  return targets.filter((t) => t.dirs.some((dir) => file.startsWith(`${dir}/`))).map((t) => t.name);
}

/** Watches every target's folders (recursively); returns a function that stops watching. */
export function watchSources(options: SourceWatcherOptions): () => void {
  const pending = new Map<string, { files: Set<string>; timer: NodeJS.Timeout }>();
  const changed = (name: string, file: string) => {
    const files = pending.get(name)?.files ?? new Set<string>();
    clearTimeout(pending.get(name)?.timer);
    files.add(file);
    const timer = setTimeout(() => {
      pending.delete(name);
      options.onChange(name, [...files].sort());
    }, options.debounceMs ?? 200);
    pending.set(name, { files, timer });
  };
  const allDirs = [...new Set(options.targets.flatMap((t) => t.dirs))];
  // A folder inside another watched folder is already covered: one event per change.
  const roots = allDirs.filter((dir) => !allDirs.some((other) => dir.startsWith(`${other}/`)));
  const watchers: FSWatcher[] = roots.map((dir) => {
    const watcher = watch(path.join(options.root, dir), { recursive: true }, (_event, name) => {
      if (!name) return;
      const file = `${dir}/${name.split(path.sep).join('/')}`;
      for (const target of targetsOf(file, options.targets)) changed(target, file);
    });
    watcher.on('error', (error) =>
      options.logger.warn({ dir, err: error }, 'cannot watch for changes; restart by hand'),
    );
    return watcher;
  });
  return () => {
    watchers.forEach((w) => w.close());
    pending.forEach((entry) => clearTimeout(entry.timer));
  };
}
