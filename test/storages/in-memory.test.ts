import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import { describeStorageContract } from "./contract.js";

// One process: every "connection" is the same storage.
const shared = new InMemoryStorage({ heartbeatInterval: 0.3, gracePeriod: 0.3 });
describeStorageContract("InMemoryStorage", { open: async () => shared, sql: false });
