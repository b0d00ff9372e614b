import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

/**
 * Reads `<dir>/schema.graphql`. Read at runtime (not inlined) so the SDL stays a plain file
 * people can diff and compose; the build copies it next to the compiled JS, so passing
 * `__dirname` works both from source (jest) and from `dist/`.
 */
export function loadTypeDefs(dir: string): DocumentNode {
  const path = join(dir, 'schema.graphql');
  return parse(readFileSync(path, 'utf8'));
}
