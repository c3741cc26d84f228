/** etcd's JSON gateway carries keys and values as base64 of their bytes; ours are UTF-8 text. */
export const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
export const unb64 = (s: string | undefined): string => (s ? Buffer.from(s, "base64").toString("utf8") : "");

/** Base64 of the range_end that makes a range cover every key starting with `prefix` (etcd's prefix rule, on bytes). */
export function prefixEndB64(prefix: string): string {
  const b = Buffer.from(prefix, "utf8");
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const out = Buffer.from(b.subarray(0, i + 1));
      out[i]!++;
      return out.toString("base64");
    }
  }
  return Buffer.from([0]).toString("base64"); // every key
}
