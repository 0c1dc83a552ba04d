// SPDX-License-Identifier: MIT
// Helpers of the browser tests: start/stop `sluice serve` by pid, launch Debian's Chromium
// with playwright-core (from the repository's node_modules), and count checks.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

export const srcDir = process.env.SLUICE_SOURCE_DIR ||
  path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(srcDir, 'package.json'));
const { chromium } = require('playwright-core');

let passed = 0, failed = 0;
export function check(desc, cond, detail) {
  if (cond) { passed++; console.log(`ok - ${desc}`); }
  else { failed++; console.log(`not ok - ${desc}${detail ? `\n#   ${detail}` : ''}`); }
}
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
export function crash(e) {
  console.log(`not ok - ${e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

// Start `sluice serve` on an ephemeral port; resolves {proc, base, pid}. `env` adds variables.
export function startSluice(args, env = {}, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.SLUICE_BIN, ['serve', '--listen', '127.0.0.1:0', '--quiet', ...args],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    const timer = setTimeout(() => reject(new Error('sluice did not start')), timeoutMs);
    proc.stdout.on('data', d => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\/.*pid (\d+)\)/);
      if (m) { clearTimeout(timer); resolve({ proc, base: m[1], pid: Number(m[2]) }); }
    });
    proc.on('exit', code => reject(new Error(`sluice exited ${code}`)));
  });
}

// SIGTERM; resolves the exit code (or the signal name if it died of one).
export function stopSluice(s) {
  return new Promise(resolve => {
    s.proc.removeAllListeners('exit');
    s.proc.on('exit', (code, sig) => resolve(code === null ? sig : code));
    process.kill(s.pid, 'SIGTERM');
  });
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
}
