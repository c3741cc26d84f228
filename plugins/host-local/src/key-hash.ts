/**
 * 64-bit hash of an owner key as 16 hex digits, for index file names and base records.
 * Not cryptographic: a collision only sends a lookup to the slow path (every index
 * answer is checked against the reservation files themselves), and it is far cheaper
 * than node:crypto when a rebuild hashes 60,000 keys.
 */
export function keyHash(s: string): string {
  let a = 0x811c9dc5; // FNV-1a
  let b = 0x9747b28c ^ s.length; // a murmur-style second lane
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
