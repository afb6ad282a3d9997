export { launchChromiumIn } from './chromium.ts';
export {
  JANUS_CONFIG_FILES,
  JANUS_NICENESS,
  JanusServer,
  janusTestConfig,
  type JanusConfigFile,
  type JanusLink,
  type JanusServerOptions,
} from './janus.ts';
export {
  formatJcfg,
  mergeJcfg,
  parseJcfg,
  type JcfgGroup,
  type JcfgOverrides,
  type JcfgResult,
  type JcfgScalar,
  type JcfgValue,
} from './jcfg.ts';
export { DEFAULT_PREFIX, NetLab, removeStaleNamespaces, type LinkEnd } from './netlab.ts';
export { CHROMIUM_PATH, JANUS_DEPLOY_DIR, NETNS_CHROMIUM, REPO_ROOT } from './paths.ts';
export { OwnedProcess } from './process.ts';
export { processStat, type ProcessStat } from './procstat.ts';
export { parseUdpCounters, type UdpCounters } from './udp.ts';
