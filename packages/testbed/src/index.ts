export { DEFAULT_PREFIX, NetLab, removeStaleNamespaces, type LinkEnd } from './netlab.ts';
export { NETNS_CHROMIUM, REPO_ROOT } from './paths.ts';
export { OwnedProcess } from './process.ts';
