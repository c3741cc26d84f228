#!/usr/bin/env node
// The package ships TypeScript source: load it through tsx, then run the CLI.
import { register } from "tsx/esm/api";
register();
process.argv.splice(1, 1, new URL("../src/cli.ts", import.meta.url).pathname);
await import("../src/cli.ts");
