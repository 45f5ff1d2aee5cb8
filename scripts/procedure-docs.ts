// Writes docs/procedures.md from the router's procedures and their descriptions (server/src/procedure-docs.ts).
// `pnpm docs:procedures`; test/procedure-docs.test.ts fails when the file is not what this would write now.
import { writeFileSync } from 'node:fs';
import { PROCEDURE_DOCS, procedureEntries, renderProcedureDocs } from '../server/src/procedure-docs.ts';
import { appRouter } from '../server/src/router.ts';

const missing = procedureEntries(appRouter)
  .map(([name]) => name)
  .filter((name) => !PROCEDURE_DOCS[name]);
if (missing.length > 0) {
  console.error(`No description in server/src/procedure-docs.ts for: ${missing.join(', ')}`);
  process.exitCode = 1;
}
const out = new URL('../docs/procedures.md', import.meta.url);
writeFileSync(out, renderProcedureDocs(appRouter));
console.log(`wrote docs/procedures.md (${procedureEntries(appRouter).length} procedures)`);
