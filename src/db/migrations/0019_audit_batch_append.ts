import { sql, type Kysely } from 'kysely';

/**
 * `audit_append(chain, entries)`: appends a batch of entries to one chain in one call. It locks the
 * chain's head (creating it at seq 0 on the first append), links the entries in the order given,
 * each with hash = sha256(prev_hash ‖ "\n" ‖ seq ‖ "\n" ‖ canonical entry), inserts them and moves
 * the head, all in the caller's statement. Concurrent requests' entries of a lane can thus share
 * one statement and one commit (group commit) instead of queueing one commit each behind the
 * head's lock. `entries` is a JSON array of the entries' columns plus `canonical`, the text the
 * hash covers (computed by the application, which verification recomputes from the stored row).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION audit_append(p_chain text, p_entries jsonb) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      v_seq bigint;
      v_hash text;
      v_first bigint;
      v_prevs text[] := '{}';
      v_hashes text[] := '{}';
      v_canonical text;
    BEGIN
      SELECT seq, hash INTO v_seq, v_hash FROM audit_chain_heads WHERE chain = p_chain FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO audit_chain_heads (chain, seq, hash, prev_hash)
        VALUES (p_chain, 0, repeat('0', 64), repeat('0', 64))
        ON CONFLICT (chain) DO NOTHING;
        SELECT seq, hash INTO v_seq, v_hash FROM audit_chain_heads WHERE chain = p_chain FOR UPDATE;
      END IF;
      v_first := v_seq + 1;
      FOR v_canonical IN SELECT x.e ->> 'canonical' FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS x (e, ord) ORDER BY x.ord LOOP
        v_prevs := v_prevs || v_hash;
        v_seq := v_seq + 1;
        v_hash := encode(sha256(convert_to(v_hash || chr(10) || v_seq::text || chr(10) || v_canonical, 'UTF8')), 'hex');
        v_hashes := v_hashes || v_hash;
      END LOOP;
      INSERT INTO audit_events (id, chain, seq, at, actor_id, actor_type, action, outcome, org_id, file_id,
                                resource_type, resource_id, ip, user_agent, request_id, details, prev_hash, hash)
      SELECT (x.e ->> 'id')::uuid, p_chain, v_first + x.ord - 1, (x.e ->> 'at')::timestamptz, (x.e ->> 'actor_id')::uuid,
             x.e ->> 'actor_type', x.e ->> 'action', x.e ->> 'outcome', (x.e ->> 'org_id')::uuid, (x.e ->> 'file_id')::uuid,
             x.e ->> 'resource_type', (x.e ->> 'resource_id')::uuid, x.e ->> 'ip', x.e ->> 'user_agent', x.e ->> 'request_id',
             CASE WHEN jsonb_typeof(x.e -> 'details') = 'null' THEN NULL ELSE x.e -> 'details' END,
             v_prevs[x.ord], v_hashes[x.ord]
      FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS x (e, ord);
      UPDATE audit_chain_heads SET seq = v_seq, hash = v_hash, prev_hash = v_prevs[cardinality(v_prevs)] WHERE chain = p_chain;
    END
    $$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION audit_append(text, jsonb)`.execute(db);
}
