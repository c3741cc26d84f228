export { fixturePlugin, addResult, FIXTURE_MAC } from "./plugin.js";
export { fixtureConfigSchema, fixtureKeysSchema, type FixtureConfig } from "./config.js";
