// `npm run docs`: rewrites the generated reference pages from their sources (the config schema, the error codes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config';
import { GENERATED_PAGES } from './generatedPages';

for (const [path, build] of Object.entries(GENERATED_PAGES)) {
  writeFileSync(join(packageRoot(), path), build());
  process.stdout.write(`wrote ${path}\n`);
}
