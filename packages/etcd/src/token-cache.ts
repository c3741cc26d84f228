import { readFileSync } from "node:fs";
import { writeFileAtomic } from "@tscni/state";

/**
 * Auth tokens by endpoint and user, in a node-local file (mode 0600, replaced by temp +
 * fsync + rename), so that each plugin exec need not authenticate again. etcd's default
 * "simple" tokens are known only to the member that issued them, hence one per endpoint.
 * A lost or torn file only costs a fresh authentication.
 */
export class TokenCache {
  private tokens: Record<string, string> | undefined;
  constructor(private readonly file: string | undefined) {}

  private load(): Record<string, string> {
    if (this.tokens) return this.tokens;
    this.tokens = {};
    if (!this.file) return this.tokens;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, "utf8"));
      if (parsed && typeof parsed === "object")
        for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") this.tokens[k] = v;
    } catch {
      // missing or unreadable: authenticate
    }
    return this.tokens;
  }

  get(key: string): string | undefined {
    return this.load()[key];
  }

  set(key: string, token: string | undefined): void {
    const t = this.load();
    if (token === undefined) delete t[key];
    else t[key] = token;
    if (!this.file) return;
    try {
      writeFileAtomic(this.file, JSON.stringify(t), 0o600);
    } catch {
      // a cache that cannot be written only costs authentications
    }
  }
}
