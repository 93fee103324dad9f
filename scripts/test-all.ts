// The whole test suite, as CI runs it: static checks, unit tests, the production build, and
// end-to-end tests in Debian's Chromium. Ends with one line of totals over every layer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from './find-chromium';

interface LayerResult {
  name: string;
  passed: number;
  failed: number;
}

const results: LayerResult[] = [];
const reports = mkdtempSync(join(tmpdir(), 'meditron-tests-'));

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
}

/** A check that is one pass or one fail (lint, type-check, build). */
function check(name: string, command: string, args: string[]): boolean {
  const ok = run(command, args);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
  return ok;
}

/** A vitest project, counted test by test from its JSON report. */
function vitest(project: string, env: NodeJS.ProcessEnv = {}): void {
  const file = join(reports, `${project}.json`);
  const ok = run('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], env);
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numTotalTestSuites: number;
      success: boolean;
    };
    // A suite that fails to load has no failed tests of its own: count it, or a broken file would pass.
    const brokenSuite = !ok && report.numFailedTests === 0 ? 1 : 0;
    results.push({ name: project, passed: report.numPassedTests, failed: report.numFailedTests + brokenSuite });
  } catch {
    results.push({ name: project, passed: 0, failed: 1 });
  }
}

let chromium: string | undefined;
try {
  chromium = findChromium({ install: true });
} catch (error) {
  console.error((error as Error).message);
}

check('lint', 'npx', ['biome', 'check', '.']);
check('typecheck', 'npm', ['run', '-s', 'typecheck']);
vitest('unit');
vitest('server');
const built = check('build', 'npm', ['run', '-s', 'build']);
if (built && chromium) vitest('e2e', { CHROMIUM_PATH: chromium });
else results.push({ name: 'e2e', passed: 0, failed: 1 });

console.log('');
for (const r of results) console.log(`${r.name.padEnd(10)} ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
