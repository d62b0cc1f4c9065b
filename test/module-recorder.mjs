// Loaded with `node --import` by test/offline-no-sdk.test.ts: records the URL of every module the
// process (and each worker thread it starts, which inherits --import) resolves, into the file named by
// DREAMD_TEST_MODULES_OUT, one URL a line.
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const out = process.env.DREAMD_TEST_MODULES_OUT;
if (out) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      appendFileSync(out, `${result.url}\n`);
      return result;
    },
  });
}
