import { randomUUID } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Creates `<dir>/<file>` (mode 0600) unless it exists. Written aside, then linked into place: link() never
 * replaces a file, so processes creating it at once end up sharing one, and nobody reads a half-written file.
 * Resolves to true when this call created it.
 */
export async function createFileOnce(dir: string, file: string, content: string): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pending = join(dir, `.${file}.${randomUUID()}`);
  await writeFile(pending, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(pending, join(dir, file));
    return true;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(pending, { force: true });
  }
}
