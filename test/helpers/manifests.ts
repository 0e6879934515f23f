/**
 * Reads the deployment files: every Kubernetes manifest under deploy/kubernetes/ (a file may
 * hold several documents) and docker-compose.yml (with YAML merge keys, as compose reads it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const K8S_DIR = path.join(ROOT, 'deploy/kubernetes');

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export function kubernetesManifests(): Manifest[] {
  return readdirSync(K8S_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(K8S_DIR, file), 'utf8'))
        .map((doc) => doc.toJS() as Omit<Manifest, 'file'> | null)
        .filter((doc): doc is Omit<Manifest, 'file'> => doc !== null)
        .map((doc) => ({ ...doc, file }) as Manifest),
    );
}

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
  healthcheck?: { test: string[] };
}

export function composeFile(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
}

/** The `dist/…js` files a command line runs with node. */
export function nodeEntries(command: readonly string[] | undefined): string[] {
  if (!command || command[0] !== 'node') return [];
  return command.slice(1).filter((arg) => /^dist\/.+\.js$/.test(arg));
}
