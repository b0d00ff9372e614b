import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(__dirname, '../../..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

function linksOf(text: string): string[] {
  const outsideCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...outsideCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
}

function anchorsOf(path: string): Set<string> {
  const text = readFileSync(join(root, path), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] as string)));
}

describe('README and docs links', () => {
  it.each(pages)('%s links only inside the repository, to pages and headings that exist', (page) => {
    const broken: string[] = [];
    for (const link of linksOf(readFileSync(join(root, page), 'utf8'))) {
      if (/^https?:\/\/localhost[:/]/.test(link)) continue;
      if (/^[a-z]+:/i.test(link)) {
        broken.push(`${link}: outside the repository`);
        continue;
      }
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file === '' ? page : relative(root, join(root, dirname(page), file));
      if (!existsSync(join(root, target))) {
        broken.push(`${link}: no ${target}`);
        continue;
      }
      if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)) broken.push(`${link}: no heading #${anchor} in ${target}`);
    }
    expect(broken).toEqual([]);
  });
});
