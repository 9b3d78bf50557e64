// `node --import tsx --import ./test/harness/recordImports.mjs ...`: appends the URL of every module
// the process imports to the file named by RECORD_IMPORTS_TO, one a line (test/runtime/cliModules.test.ts
// checks with it that a command loads only what it needs).
import { register } from 'node:module';

register('./recordImportsHooks.mjs', import.meta.url, { data: { file: globalThis.process.env.RECORD_IMPORTS_TO } });
