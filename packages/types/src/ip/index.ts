// IP and CIDR arithmetic for v4 and v6 (bigint values, Go-compatible text forms).
export * from "./addr.js";
export * from "./parse.js";
export * from "./format.js";
export * from "./arith.js";
export * from "./cidr.js";
