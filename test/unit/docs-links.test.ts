/**
 * Every relative link in README.md and docs/ reaches something that exists: a file or folder of the
 * repository and, for `#anchor`s into markdown, a heading of that document (GitHub's slugs).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import GithubSlugger from 'github-slugger';
import { lexer, walkTokens, type Token } from 'marked';
import { REPO_ROOT, markdownDocuments } from '../helpers/readme.js';

/** The text a heading renders to: what GitHub makes its anchor from. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((t) => ('tokens' in t && t.tokens ? plainText(t.tokens) : 'text' in t ? t.text : ''))
    .join('');
}

/** The anchors GitHub gives the headings of a markdown text (repeats get `-1`, `-2`, …). */
function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walkTokens(lexer(markdown), (t) => {
    if (t.type === 'heading') anchors.add(slugger.slug(plainText(t.tokens ?? [])));
  });
  return anchors;
}

/** The targets of every link and image of a markdown text (code blocks and spans excluded). */
function hrefsOf(markdown: string): string[] {
  const hrefs: string[] = [];
  walkTokens(lexer(markdown), (t) => {
    if (t.type === 'link' || t.type === 'image') hrefs.push(t.href as string);
  });
  return hrefs;
}

/** Why a relative link of `doc` (a path under `root`) leads nowhere, or undefined if it is fine. */
function brokenLink(root: string, doc: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined; // http:, https:, mailto: …
  const [target = '', anchor] = href.split('#', 2) as [string, string | undefined];
  const file = target === '' ? doc : path.join(path.dirname(doc), decodeURIComponent(target));
  if (!existsSync(path.join(root, file))) return `${href}: no file ${file}`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  const anchors = anchorsOf(readFileSync(path.join(root, file), 'utf8'));
  return anchors.has(decodeURIComponent(anchor)) ? undefined : `${href}: no heading #${anchor}`;
}

function brokenLinks(root: string, doc: string): string[] {
  return hrefsOf(readFileSync(path.join(root, doc), 'utf8'))
    .map((href) => brokenLink(root, doc, href))
    .filter((why): why is string => why !== undefined);
}

describe('docs: relative links', () => {
  describe('the checker, on fixtures', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(path.join(tmpdir(), 'authshift-docs-links-'));
      writeFileSync(
        path.join(root, 'a.md'),
        [
          '# A',
          '## `/fu_auth`: the new engine (fastapi-users compatible)',
          '## Twice',
          '## Twice',
          '```sh',
          '# not a heading [nor a link](missing.md)',
          '```',
          'Fine: [b](b.md), [b](b.md#b-section), [here](#twice-1), [web](https://example.com/x.md),',
          '[self](#fu_auth-the-new-engine-fastapi-users-compatible), `[code](missing.md)`.',
          'Broken: [gone](gone.md), [no heading](b.md#nothing), [no local heading](#twice-2).',
        ].join('\n'),
      );
      writeFileSync(path.join(root, 'b.md'), '# B\n\n## B section\n');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('when links lead to missing files or headings, then exactly those are reported', () => {
      expect(brokenLinks(root, 'a.md')).to.deep.equal([
        'gone.md: no file gone.md',
        'b.md#nothing: no heading #nothing',
        '#twice-2: no heading #twice-2',
      ]);
    });
  });

  it("when the README's where-things-live table names a path, then it exists", () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('\n| where | what lives there |') + 1);
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const paths = rows.flatMap((row) =>
      [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
    );
    expect(paths).to.include('src/deps.ts');
    expect(paths.filter((p) => !existsSync(path.join(REPO_ROOT, p)))).to.deep.equal([]);
  });

  for (const doc of markdownDocuments())
    it(`when ${doc} links to a file or a heading, then it exists`, () => {
      expect(brokenLinks(REPO_ROOT, doc)).to.deep.equal([]);
    });
});
