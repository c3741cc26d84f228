import { CniError } from "../src/index.js";

/** The CniError `fn` throws; fails the test when it throws nothing or something else. */
export function caught(fn: () => unknown): CniError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CniError) return e;
    throw e;
  }
  throw new Error("expected a CniError");
}

/** The code of the CniError `fn` throws, -1 for any other throw, undefined when it returns. */
export function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CniError ? e.code : -1;
  }
  return undefined;
}
