/**
 * Runs a RingCentral simulator in its own process for the memory test: one account whose only
 * recording is `RC_CHILD_RECORDING_BYTES` long. It reports its addresses over IPC and answers
 * `memory` (RSS and heap after a GC) and `inventory` requests.
 */
import { startRingCentralSimulator } from '../../../../src/sandbox/ringcentral/index.ts';

const size = Number(process.env.RC_CHILD_RECORDING_BYTES ?? 2 * 1024 ** 3);

const sim = await startRingCentralSimulator({
  clients: [
    {
      clientId: 'archiver-client',
      clientSecret: 'archiver-secret',
      redirectUris: ['http://localhost:3000/oauth/ringcentral/callback'],
    },
  ],
  accounts: [{ seed: 2, extensions: 1, days: 0, extraRecordings: [size] }],
});

function memory(): Record<string, number> {
  (globalThis as { gc?: () => void }).gc?.();
  return { ...process.memoryUsage() };
}

process.on('message', (msg: { id: number; cmd: string }) => {
  void (async () => {
    if (msg.cmd === 'memory') process.send!({ id: msg.id, result: memory() });
    if (msg.cmd === 'inventory') process.send!({ id: msg.id, result: await sim.inventory() });
    if (msg.cmd === 'close') {
      await sim.close();
      process.send!({ id: msg.id, result: null });
      process.exit(0);
    }
  })();
});

process.send!({ id: 0, result: { url: sim.url, mediaUrl: sim.mediaUrl } });
