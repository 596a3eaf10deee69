import { describe, expect, it } from 'vitest';
import { queryShape } from './query-shape';

describe('queryShape', () => {
  it('names the verb and the first table, not the values', () => {
    expect(queryShape('select "id", "name" from "participants" where "participants"."id" = $1')).toBe('select participants');
    expect(queryShape({ text: 'insert into "checkpoint_results" ("a") values ($1) on conflict do nothing', values: [1] })).toBe('insert checkpoint_results');
    expect(queryShape('update "participants" set "last_activity_at" = $1 where "id" = $2')).toBe('update participants');
    expect(queryShape('delete from "verifier_leases" where "holder" = $1')).toBe('delete verifier_leases');
    expect(queryShape('BEGIN')).toBe('begin');
    expect(queryShape('with claimed as (select 1) update "verifier_leases" set x = 1')).toBe('with update');
  });

  it('says other for what it cannot read', () => {
    expect(queryShape(undefined)).toBe('other');
    expect(queryShape({ nothing: true })).toBe('other');
    expect(queryShape('   ')).toBe('other');
  });
});
