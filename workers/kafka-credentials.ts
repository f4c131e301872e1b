/**
 * SASL credentials for an authenticated Kafka broker (`infra/up.sh
 * --kafka-auth`: SCRAM-SHA-512 with ACLs), and what a refusal by the broker
 * means to the user: a wrong user name or password, or a right (ACL) the user
 * lacks. The password is never printed: `describeCredentials` names the user
 * and mechanism only, and the credentials object serialises without it.
 *
 * ```ts
 * const sasl = credentials('scram-sha-512', 'intake', secret);
 * createKafka({ brokers, clientId, logger, sasl });
 * ```
 */
import type { SASLOptions } from 'kafkajs';

export type SaslMechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['scram-sha-512', 'scram-sha-256', 'plain'];

/** kafkajs' SASL options; logged or inspected, they show the user and mechanism, never the password. */
export type KafkaCredentials = SASLOptions & { mechanism: SaslMechanism; username: string; password: string };

export function credentials(mechanism: SaslMechanism, username: string, password: string): KafkaCredentials {
  const hidden = { mechanism, username, password: '(hidden)' };
  return Object.defineProperties({ mechanism, username, password } as KafkaCredentials, {
    toJSON: { value: () => hidden, enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => hidden, enumerable: false },
  });
}

/** "user 'intake' (SCRAM-SHA-512)" */
export function describeCredentials(sasl: KafkaCredentials | undefined): string {
  return sasl ? `user '${sasl.username}' (${sasl.mechanism.toUpperCase()})` : 'no user (no SASL)';
}

/** kafkajs' protocol error types that mean the broker's ACLs refuse the request. */
const DENIED = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
]);

export type KafkaRefusal = { kind: 'authentication'; detail: string } | { kind: 'authorization'; detail: string };

/**
 * Whether `err` (or an error it wraps, `cause` or kafkajs' `originalError`/`errors`) says the broker
 * refused the client: its credentials (authentication) or a right it lacks (authorization, an ACL).
 * Neither goes away by retrying.
 */
export function kafkaRefusal(err: unknown): KafkaRefusal | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): KafkaRefusal | null => {
    if (!e || typeof e !== 'object' || seen.has(e) || depth > 6) return null;
    seen.add(e);
    const x = e as { name?: string; type?: string; message?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] };
    if (
      x.name === 'KafkaJSSASLAuthenticationError' ||
      x.type === 'SASL_AUTHENTICATION_FAILED' ||
      x.type === 'ILLEGAL_SASL_STATE' ||
      x.type === 'UNSUPPORTED_SASL_MECHANISM'
    ) {
      return { kind: 'authentication', detail: x.message ?? String(x.type) };
    }
    if (x.type && DENIED.has(x.type)) return { kind: 'authorization', detail: `${x.type}: ${x.message ?? ''}`.trim() };
    for (const inner of [x.cause, x.originalError, ...(Array.isArray(x.errors) ? x.errors : [])]) {
      const found = visit(inner, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return visit(err, 0);
}

/** The message a user reads when the broker refused `sasl`: what happened and what to change. */
export function refusalMessage(refusal: KafkaRefusal, brokers: string[], sasl: KafkaCredentials | undefined): string {
  const who = describeCredentials(sasl);
  if (refusal.kind === 'authentication') {
    return (
      `Kafka ${brokers.join(',')} refused the login of ${who}: ${refusal.detail}; check KAFKA_SASL_USERNAME and ` +
      'KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE (docs/live.md, "Trust boundary")'
    );
  }
  return (
    `Kafka ${brokers.join(',')} denied ${who} a right it needs (${refusal.detail}); this user's ACLs do not cover this ` +
    'service and run: grant them as the broker\'s admin with `autoshift kafka-acls --run-id ID` (docs/live.md, "Trust boundary")'
  );
}
