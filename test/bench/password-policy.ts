/**
 * The password policy's costs (not a test: it measures and prints). Run: pnpm bench:password
 *   load   the first loadCommonPasswords() (read + gunzip + Set of the bundled list), in a fresh process;
 *   check  newPasswordProblem over a mix of inputs once the list is loaded: median and p99 per check
 *          over BENCH_CHECKS (default 20,000) calls, in 20 batches.
 * These were asserted (loosely) in server/src/auth/password-policy.test.ts; timings belong here.
 */
import { performance } from 'node:perf_hooks';
import { loadCommonPasswords, newPasswordProblem } from '@gatehouse/server/testing';

const about = { email: 'jane.doe@acme.example', name: 'Jane Doe', company: 'Acme Retail' };
const inputs = ['violet tractor sandwich 1987', 'P@ssw0rd2024!', 'kT9#vLp2Wq8&m1!', 'ab1!'.repeat(31), 'x'.repeat(127)];
const checks = Number(process.env.BENCH_CHECKS ?? 20_000);

const started = performance.now();
const list = await loadCommonPasswords();
const loadMs = performance.now() - started;

const batches = 20;
const perBatch = Math.max(1, Math.floor(checks / batches));
const perCheckUs: number[] = [];
for (let b = 0; b < batches; b++) {
  const t = performance.now();
  for (let i = 0; i < perBatch; i++) await newPasswordProblem(inputs[i % inputs.length] as string, about);
  perCheckUs.push(((performance.now() - t) * 1000) / perBatch);
}
perCheckUs.sort((a, b) => a - b);
const at = (q: number) => perCheckUs[Math.min(perCheckUs.length - 1, Math.floor(q * perCheckUs.length))] as number;
console.log(`common-password list: ${list.size.toLocaleString('en')} entries, first load ${loadMs.toFixed(0)} ms`);
console.log(
  `newPasswordProblem: median ${at(0.5).toFixed(1)} us a check, slowest batch ${at(1).toFixed(1)} us (${batches} batches of ${perBatch})`,
);
