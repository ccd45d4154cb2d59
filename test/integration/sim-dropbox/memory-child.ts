/**
 * Runs the Dropbox simulator alone in a child process so the memory test can watch its resident
 * memory without the test's own allocations mixed in. Talks to the parent over IPC: it announces
 * its URL and starting RSS, `mark` notes the current RSS and starts tracking the peak from there,
 * `report` answers the peak seen since the mark.
 */
import { startDropboxSimulator } from '../../../src/sandbox/dropbox/index.ts';

const sim = await startDropboxSimulator({
  apps: [{ appKey: 'mem-app', appSecret: 'mem-secret', redirectUris: ['http://localhost/cb'] }],
  defaultQuotaBytes: 4 * 1024 ** 3,
});

let peak = 0;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);

process.on('message', (message: string) => {
  const rss = process.memoryUsage().rss;
  if (message === 'mark') {
    peak = rss;
    process.send?.({ mark: rss });
  } else if (message === 'report') {
    process.send?.({ peak: Math.max(peak, rss) });
  } else if (message === 'stop') {
    clearInterval(sample);
    void sim.close().then(() => process.exit(0));
  }
});

process.send?.({ url: sim.url, rss: process.memoryUsage().rss });
