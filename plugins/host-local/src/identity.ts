import { identityOf } from "@tscni/state/identity";
import pkg from "../package.json" with { type: "json" };

/** What this package's executables call themselves (their identity trailer); light to import. */
export const HOST_LOCAL_IDENTITY = identityOf(pkg.name, pkg.version);
