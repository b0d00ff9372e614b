import { cliReference } from './cliReference';
import { configurationReference } from './configReference';
import { errorReference } from './errorReference';

/** Each generated page, by its path from the package root, and how to build its text. */
export const GENERATED_PAGES: Readonly<Record<string, () => string>> = {
  'docs/configuration.md': configurationReference,
  'docs/errors.md': errorReference,
  'docs/cli.md': cliReference,
};
