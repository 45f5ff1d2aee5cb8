// `pnpm docs:procedures`: writes docs/procedures.md from the router's procedures and their descriptions
// (server/src/procedure-docs.ts, where the logic is typechecked). test/procedure-docs.test.ts fails when the
// file is not what this would write now, or when a procedure has no description.
import { writeFileSync } from 'node:fs';
import { PROCEDURE_DOCS, procedureEntries, renderProcedureDocs } from '../server/src/procedure-docs.ts';
import { appRouter } from '../server/src/router.ts';

const names = procedureEntries(appRouter).map(([name]) => name);
const missing = names.filter((name) => !PROCEDURE_DOCS[name]);
if (missing.length > 0) {
  console.error(`No description in server/src/procedure-docs.ts for: ${missing.join(', ')}`);
  process.exitCode = 1;
}
writeFileSync(new URL('../docs/procedures.md', import.meta.url), renderProcedureDocs(appRouter));
console.log(`wrote docs/procedures.md (${names.length} procedures)`);
