import { accessSync, constants } from "node:fs";

const found = new Map<string, string>();

/**
 * Absolute path of `prog` on PATH, looked up once per process. For programs that another
 * program execs for us (nsenter's target): nsenter's execvp would otherwise try an
 * execve in every PATH entry first. Not found: the bare name, so the error stays the
 * program's own "not found".
 */
export function which(prog: string): string {
  if (prog.includes("/")) return prog;
  let p = found.get(prog);
  if (p !== undefined) return p;
  p = prog;
  for (const dir of (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
    if (!dir.startsWith("/")) continue; // a relative PATH entry would depend on our cwd
    try {
      accessSync(`${dir}/${prog}`, constants.X_OK);
      p = `${dir}/${prog}`;
      break;
    } catch {
      // not here
    }
  }
  found.set(prog, p);
  return p;
}
