/** The command that rewrites every generated reference page (package.json "docs"). */
export const REGENERATE_COMMAND = 'npm run docs';

/** The first line of a generated page: where it comes from, and that edits belong there. */
export const GENERATED_NOTICE = (source: string) =>
  `<!-- Generated from ${source} by \`${REGENERATE_COMMAND}\`: edit the source, not this file. -->\n`;
