import { maxOf, type IPAddr } from "./addr.js";

/** ip + n, or undefined when the result leaves the family's address space. */
export function addToIP(ip: IPAddr, n: bigint): IPAddr | undefined {
  const v = ip.value + n;
  if (v < 0n || v > maxOf(ip.family)) return undefined;
  return { family: ip.family, value: v };
}

/** The next address, or undefined after the last one (255.255.255.255, ffff:...:ffff). */
export function nextIP(ip: IPAddr): IPAddr | undefined {
  return addToIP(ip, 1n);
}

/** The previous address, or undefined before 0.0.0.0 / ::. */
export function prevIP(ip: IPAddr): IPAddr | undefined {
  return addToIP(ip, -1n);
}

/** b - a as a signed bigint; throws when the families differ. */
export function ipOffset(a: IPAddr, b: IPAddr): bigint {
  if (a.family !== b.family) throw new RangeError("ipOffset: mixed address families");
  return b.value - a.value;
}

/** Every address from start to end, both inclusive (nothing when end < start). */
export function* iterateRange(start: IPAddr, end: IPAddr): Generator<IPAddr> {
  if (start.family !== end.family) throw new RangeError("iterateRange: mixed address families");
  for (let v = start.value; v <= end.value; v++) yield { family: start.family, value: v };
}
