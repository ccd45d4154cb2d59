/**
 * Runs the Dropbox simulator alone in a child process so the memory test can watch its resident
 * memory without the test's own allocations mixed in. Talks to the parent over IPC:
 * `baseline` (collect garbage, note RSS, start tracking the peak) and `report` (the peak seen, then
 * RSS after collecting garbage: what the upload left behind).
 */
import { startDropboxSimulator } from '../../../src/sandbox/dropbox/index.ts';

const sim = await startDropboxSimulator({
  apps: [{ appKey: 'mem-app', appSecret: 'mem-secret', redirectUris: ['http://localhost/cb'] }],
  defaultQuotaBytes: 4 * 1024 ** 3,
});

let baseline = 0;
let peak = 0;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);

process.on('message', (message: string) => {
  if (message === 'baseline') {
    globalThis.gc?.();
    baseline = process.memoryUsage().rss;
    peak = baseline;
    process.send?.({ baseline });
  } else if (message === 'report') {
    peak = Math.max(peak, process.memoryUsage().rss);
    globalThis.gc?.();
    process.send?.({ baseline, peak, retained: process.memoryUsage().rss });
  } else if (message === 'stop') {
    clearInterval(sample);
    void sim.close().then(() => process.exit(0));
  }
});

process.send?.({ url: sim.url });
