import { LocalStore } from "../../../lib/store/local_store.ts";
import { storeSuite } from "./store_suite.ts";

storeSuite("LocalStore", (root) => new LocalStore(root));
