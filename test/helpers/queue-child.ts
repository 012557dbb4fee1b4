// A worker process for the queue restart test: `enqueue` sends one job and starts working on it
// (the handler records its attempt, then hangs until the process is killed); `work` runs the
// queue normally, with a handler whose effect is idempotent. With `heartbeat` as third argument,
// the job never expires within the test and the supervisor runs at its production interval: only
// the job heartbeats can tell that its worker died.
import pg from 'pg';
import { createPgBossQueue } from '../../src/queue/queue.ts';

const [mode, url, variant] = process.argv.slice(2) as ['enqueue' | 'work', string, 'heartbeat' | undefined];
const pool = new pg.Pool({ connectionString: url, max: 2 });
const queue =
  variant === 'heartbeat'
    ? createPgBossQueue(url, [{ name: 'test.effect', retryLimit: 5, retryDelay: 1, retryDelayMax: 2, expireInSeconds: 3600 }])
    : createPgBossQueue(url, [{ name: 'test.effect', retryLimit: 5, retryDelay: 1, retryDelayMax: 2, expireInSeconds: 2 }], { superviseIntervalSeconds: 1 });
await queue.start();

await queue.work<{ key: string }>('test.effect', async ({ key }) => {
  await pool.query('INSERT INTO attempts (key, mode) VALUES ($1, $2)', [key, mode]);
  if (mode === 'enqueue') {
    console.log('working');
    await new Promise(() => {}); // killed here, mid-job
  }
  // The effect is keyed, so a retried job cannot apply it twice.
  await pool.query('INSERT INTO effects (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
  console.log('done');
});
if (mode === 'enqueue') await queue.send('test.effect', { key: 'job-1' });
