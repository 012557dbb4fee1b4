// A worker process for the queue restart test: `enqueue` sends one job and starts working on it
// (the handler records its attempt, then hangs until the process is killed); `work` runs the
// queue normally, with a handler whose effect is idempotent.
import pg from 'pg';
import { createPgBossQueue } from '../../src/queue/queue.ts';

const [mode, url] = process.argv.slice(2) as ['enqueue' | 'work', string];
const pool = new pg.Pool({ connectionString: url, max: 2 });
const queue = createPgBossQueue(url, [{ name: 'test.effect', retryLimit: 5, retryDelay: 1, retryDelayMax: 2, expireInSeconds: 2 }], { superviseIntervalSeconds: 1 });
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
