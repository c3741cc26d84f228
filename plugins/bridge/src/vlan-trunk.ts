import { CniError, ErrorCode } from "@tscni/types";

interface TrunkItem {
  minID?: number | undefined;
  maxID?: number | undefined;
  id?: number | undefined;
}

const bad = (msg: string) => new CniError(ErrorCode.InvalidConfig, msg);
const inRange = (v: number) => v > 0 && v <= 4094;

/** `vlanTrunk` entries ({id} or {minID, maxID}) as a sorted list of distinct ids, Go's rules. */
export function collectVlanTrunk(items: readonly TrunkItem[] | undefined): number[] {
  if (!items) return [];
  const ids = new Set<number>();
  for (const it of items) {
    const hasMin = it.minID !== undefined;
    const hasMax = it.maxID !== undefined;
    if (hasMin && hasMax) {
      if (!inRange(it.minID!)) throw bad("incorrect trunk minID parameter");
      if (!inRange(it.maxID!)) throw bad("incorrect trunk maxID parameter");
      if (it.maxID! < it.minID!) throw bad("minID is greater than maxID in trunk parameter");
      for (let v = it.minID!; v <= it.maxID!; v++) ids.add(v);
    } else if (hasMax) throw bad("minID and maxID should be configured simultaneously, minID is missing");
    else if (hasMin) throw bad("minID and maxID should be configured simultaneously, maxID is missing");
    if (it.id !== undefined) {
      if (!inRange(it.id)) throw bad("incorrect trunk id parameter");
      ids.add(it.id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/** Compress sorted ids into ranges for `bridge vlan add vid A-B` (fewer commands). */
export function toRanges(ids: readonly number[]): Array<number | [number, number]> {
  const out: Array<number | [number, number]> = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    out.push(i === j ? ids[i]! : [ids[i]!, ids[j]!]);
    i = j + 1;
  }
  return out;
}
