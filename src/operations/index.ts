export { parseManifest, type ManifestOperation, type ManifestResult } from './manifest';
