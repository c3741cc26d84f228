// Child process for the "lock holder dies" test: GC a network (its plugin hangs) until killed.
import { createRuntime } from "../../src/index.js";

const [bin, conf, cache, network] = process.argv.slice(2) as [string, string, string, string];
await createRuntime({ pluginDirs: [bin], confDir: conf, cacheDir: cache }).gc(network, []);
