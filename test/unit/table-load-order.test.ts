import { expect, it } from 'vitest';
import { dependencyOrder } from '../../src/db/table-copy.ts';

it('loads each table after the tables its foreign keys reference', () => {
  const references = [
    { child: 'file_versions', parent: 'files' },
    { child: 'files', parent: 'organizations' },
    { child: 'files', parent: 'users' },
    { child: 'memberships', parent: 'users' },
    { child: 'memberships', parent: 'organizations' },
  ];
  const order = dependencyOrder(['file_versions', 'files', 'memberships', 'organizations', 'users'], references);
  expect(order).toHaveLength(5);
  for (const { child, parent } of references) expect(order.indexOf(parent), `${parent} before ${child}`).toBeLessThan(order.indexOf(child));
});

it('ignores references to tables outside the copy, and refuses a cycle', () => {
  expect(dependencyOrder(['a'], [{ child: 'a', parent: 'vitae_migrations' }])).toEqual(['a']);
  expect(() =>
    dependencyOrder(
      ['a', 'b'],
      [
        { child: 'a', parent: 'b' },
        { child: 'b', parent: 'a' },
      ],
    ),
  ).toThrow(/cycle/);
});
