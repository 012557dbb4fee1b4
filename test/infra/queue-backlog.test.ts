import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TestClock } from 'pg-boss';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPgBossQueue, jobFailures, type JobFailure, type JobQueue } from '../../src/queue/queue.ts';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';

// A worker that finished a job must fetch the next one at once. Before, each worker waited out its
// polling interval after every job, so a backlog drained at two jobs per second per worker. The
// queue runs on pg-boss's TestClock, which never moves here: every poll timer stays pending, so
// a worker that waited for one between jobs would stop after the first.
const name = `vitae_qb_${randomBytes(5).toString('hex')}`;
const url = Object.assign(new URL(SYSTEM_PG_ADMIN_URL), { pathname: `/${name}` }).toString();
const admin = new pg.Client({ connectionString: SYSTEM_PG_ADMIN_URL });
let queue: JobQueue;
const clock = new TestClock();
const failures: JobFailure[] = [];

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  queue = createPgBossQueue(
    url,
    ['backlog', 'failing'].map((queueName) => ({ name: queueName, retryLimit: 0, retryDelay: 1, retryDelayMax: 1, expireInSeconds: 60 })),
    { clock, onJobFailure: (failure) => failures.push(failure) },
  );
  await queue.start();
});
afterAll(async () => {
  await queue?.stop(5_000);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

it('drains a backlog job after job, without waiting for a poll between them', async () => {
  const done: number[] = [];
  // The backlog exists before any worker: nothing will notify the worker after its first fetch.
  for (let i = 0; i < 8; i += 1) await queue.send('backlog', { i });
  await queue.work<{ i: number }>('backlog', async ({ i }) => {
    done.push(i);
  });
  // tick(0) fires no timer (none is due at the same instant) and returns once pg-boss has no
  // statement in flight: a worker that fetches on its own keeps going, one that waits stays put.
  for (let quiet = 0; done.length < 8 && quiet < 50; quiet += 1) await clock.tick(0);
  expect(done.toSorted()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
});

it('reports a job whose handler throws with its queue name, and counts it on /metrics', async () => {
  const before = (await jobFailures.get()).values.find((value) => value.labels.queue === 'failing')?.value ?? 0;
  const id = await queue.send('failing', {});
  await queue.work('failing', async () => {
    throw new Error('the dependency is down');
  });
  await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
  expect(failures[0]).toMatchObject({ queue: 'failing', jobId: id, retryCount: 0, error: new Error('the dependency is down') });
  expect((await jobFailures.get()).values.find((value) => value.labels.queue === 'failing')?.value).toBe(before + 1);
});
