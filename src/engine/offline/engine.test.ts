import { engineContract } from "../contract.suite.ts";
import { createOfflineEngine } from "./engine.ts";

// What each rule proposes is tested beside it, in rules/; here, what every engine must do.
engineContract("offline", createOfflineEngine);
