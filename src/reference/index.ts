export { GENERATED_PAGES } from './generatedPages';
export { REGENERATE_COMMAND } from './generatedNotice';
export { schemaRows, type SchemaRow } from './schemaRows';
