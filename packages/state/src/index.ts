// @tscni/state: crash-safe files (atomic replace, exclusive create), flock(2) locks that die
// with their holder, and the build identity of an executable. Shared by skel, the plugins
// and the runtime.
export { writeFileAtomic, fsyncDir, removeFile } from "./atomic-write.js";
export { createExclusive, createUnique, type ExclusiveOptions } from "./exclusive-create.js";
export { withLock, acquireLock, lockFile, DEFAULT_LOCK_DIR, type LockOptions, type LockMode, type Release } from "./lock.js";
export { identityAs, identityLine, identityOf, multiIdentityLine, readBuildIdentity, readIdentity, type BuildIdentity, type HeldPlugin } from "./identity.js";
