import { CniError, ErrorCode } from "@tscni/types";

/**
 * A new project's name must be a valid npm package name (lowercase, URL-safe, at most 214
 * characters, not starting with "." or "_", optionally scoped) and its last part a valid
 * CNI plugin type: the executable's file name in CNI_PATH (our rule for plugin names).
 */
export function checkProjectName(name: string): { packageName: string; type: string } {
  const bad = (why: string) => new CniError(ErrorCode.InvalidConfig, `invalid plugin name ${JSON.stringify(name)}: ${why}`, "use lowercase letters, digits and - . _ (an npm package name, optionally @scope/name), not starting with . or _");
  if (name.length === 0) throw bad("it is empty");
  if (name.length > 214) throw bad("an npm package name has at most 214 characters");
  if (name !== name.toLowerCase()) throw bad("an npm package name is lowercase");
  const m = /^(?:@([a-z0-9][a-z0-9._-]*)\/)?([a-z0-9._-]+)$/.exec(name);
  if (!m) throw bad("it is not an npm package name");
  const type = m[2]!;
  if (/^[._]/.test(type)) throw bad("a package name does not start with . or _");
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(type) || type.length > 255) throw bad("the plugin type (the executable's name) must be a plain file name");
  if (["node_modules", "favicon.ico"].includes(type)) throw bad("that name is reserved by npm");
  return { packageName: name, type };
}
