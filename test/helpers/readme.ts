import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; documents are named relative to it (`README.md`, `docs/errors.md`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every markdown file under docs/, relative to the repository root. */
export function markdownDocuments(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file).split(path.sep).join('/'))
    .sort();
  return ['README.md', ...docs];
}

/** The rows of the table between `<!-- name:start -->` and `<!-- name:end -->` in `doc`, as cells. */
export function docTable(doc: string, name: string): string[][] {
  const text = readFileSync(path.join(REPO_ROOT, doc), 'utf8');
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`${doc} has no ${name} table`);
  return text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** The table named `name` wherever the docs keep it (README.md or docs/): exactly one place. */
export function readmeTable(name: string): string[][] {
  const holders = markdownDocuments().filter((doc) =>
    readFileSync(path.join(REPO_ROOT, doc), 'utf8').includes(`<!-- ${name}:start -->`),
  );
  if (holders.length !== 1)
    throw new Error(`the ${name} table is in ${holders.length} documents: ${holders.join(', ')}`);
  return docTable(holders[0]!, name);
}

export const unquote = (cell: string) => cell.replace(/^`|`$/g, '');
