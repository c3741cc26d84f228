export * from "./errors.js";
export { ALL_VERSIONS, CURRENT_VERSION, compareVersions, parseVersion, isKnownVersion, supportsMultipleAddresses, type CniVersion } from "./version.js";
export { parseWith, formatPath, formatIssues, issuesError } from "./parse.js";
export { isIP, isCIDR, ipVersion, cidrVersion } from "./ip.js";
export * from "./ip/index.js";
export { VALID_NAME, MAX_PLUGIN_NAME_BYTES, isPluginName, MAX_IFNAME_BYTES, ifNameProblem, checkIfName, validateContainerId, validateNetworkName, validateIfName } from "./names.js";
export { netConfSchema, netConfDnsSchema, ipamConfSchema, type NetConf } from "./netconf.js";
export { optString, optStrings } from "./optional-nodes.js";
export { looseBool, netConfListSchema, type NetConfList } from "./conflist.js";
export { VALID_ATTACHMENTS_KEY, validAttachmentSchema, type ValidAttachment } from "./valid-attachments.js";
export {
  resultSchema, interfaceSchema, ipConfigSchema, routeSchema, dnsSchema, getResultSchemas,
  type Result, type Interface, type IPConfig, type Route, type DNS,
} from "./result.js";
export { getResult040Schema, type Result040, type Interface040, type IPConfig040, type Route040 } from "./result-040.js";
export { getResult020Schema, type Result020, type IPConfig020, type Route020 } from "./result-020.js";
export { convertResult, toCurrentResult } from "./convert.js";
export { versionResultSchema, decodeVersionResult, type VersionResult } from "./version-result.js";
export { errorResultSchema, type ErrorResult } from "./error-result.js";
export { parseCniArgs, loadCniArgs, cniArgBool } from "./cni-args.js";
export { canonicalJson, instanceIdentity, instanceKey } from "./plugin-instance.js";
export { containerInterface, type ContainerInterface } from "./container-interface.js";
