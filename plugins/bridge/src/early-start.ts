// Imported first by main.ts, so this runs before the heavier modules load (see early-ipam.ts).
import { startEarly } from "./early-ipam.js";
import { mark } from "./trace.js";

startEarly(process.env);
mark("early start done");
