/**
 * The authenticated-Kafka option without a broker: credentials from the
 * environment (errors name the variable, never the password), the password
 * hidden from logs, the broker's refusals told apart from other errors, and
 * the rights table (protocol/topic-access.ts) checked against the data flow
 * of docs/live.md: who writes each topic, who reads it.
 */
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serversFromEnv } from '../../cli/live-env.js';
import { credentials, kafkaRefusal } from '../../workers/kafka-credentials.js';
import { ACCESS_SERVICES, SERVICE_USERS, runAccess } from '../../protocol/topic-access.js';
import { runAcls } from '../../workers/kafka-acls.js';

describe('Kafka credentials from the environment', () => {
  it('reads the password from a file, and no SASL without a user', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sasl-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    const s = serversFromEnv({ KAFKA_SASL_USERNAME: 'intake', KAFKA_SASL_PASSWORD_FILE: join(dir, 'pw') });
    expect(s.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'intake', password: 's3cret' });
    expect(serversFromEnv({}).sasl).toBeUndefined();
  });

  it('names the variable or file of a missing password, a bad mechanism', () => {
    expect(() => serversFromEnv({ KAFKA_SASL_USERNAME: 'intake' })).toThrow(/KAFKA_SASL_PASSWORD_FILE nor KAFKA_SASL_PASSWORD/);
    expect(() => serversFromEnv({ KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD_FILE: '/nonexistent/pw' })).toThrow(
      /KAFKA_SASL_PASSWORD_FILE: cannot read \/nonexistent\/pw \(ENOENT\)/,
    );
    expect(() => serversFromEnv({ KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(
      /KAFKA_SASL_MECHANISM: expected one of/,
    );
  });

  it('never shows the password in JSON (pino) or util.inspect', () => {
    const c = credentials('scram-sha-512', 'worker', 'hunter2-secret');
    expect(JSON.stringify({ c })).not.toContain('hunter2');
    expect(inspect({ c })).not.toContain('hunter2');
    expect(c.password).toBe('hunter2-secret'); // kafkajs still reads it
  });
});

describe('a broker refusal', () => {
  it('tells a failed login and a denied right from other errors, through wrapping', () => {
    const login = Object.assign(new Error('SASL SCRAM SHA512 authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(kafkaRefusal(new Error('Kafka 127.0.0.1:1: x', { cause: login }))?.kind).toBe('authentication');
    const denied = Object.assign(new Error('Not authorized to access topics'), { name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(kafkaRefusal({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: denied })?.kind).toBe('authorization');
    expect(kafkaRefusal(Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }))).toBeNull();
    expect(kafkaRefusal(Object.assign(new Error('x'), { type: 'NOT_LEADER_FOR_PARTITION' }))).toBeNull();
  });
});

describe('the rights of each service (protocol/topic-access.ts)', () => {
  const who = (verb: 'read' | 'write', topic: string) => ACCESS_SERVICES.filter((s) => (runAccess('r', [s])[verb] as string[]).includes(topic));

  it('follows the data flow: one writer per topic, and its readers', () => {
    // docs/live.md: producer → demand, disruptions; workflows (worker) → tasks, cases; allocator → grants
    expect(who('write', 'demand')).toEqual(['producer']);
    expect(who('write', 'disruptions')).toEqual(['producer']);
    expect(who('write', 'tasks')).toEqual(['worker']);
    expect(who('write', 'cases')).toEqual(['worker']);
    expect(who('write', 'grants')).toEqual(['allocator']);
    expect(who('read', 'demand').sort()).toEqual(['collector', 'intake']);
    expect(who('read', 'grants')).toEqual(['allocator']);
    // the producer reads nothing, and no service but the allocator has a transactional id
    expect(runAccess('r', ['producer']).read).toEqual([]);
    expect(ACCESS_SERVICES.filter((s) => runAccess('r', [s]).transactionalIds.length)).toEqual(['allocator']);
  });

  it('gives the user live every right of every service, and names resources of its run only', () => {
    const live = runAcls('r1', 'live');
    for (const u of Object.keys(SERVICE_USERS).filter((x) => x !== 'live')) {
      for (const e of runAcls('r1', u)) {
        if (e.operation === 8) continue; // DESCRIBE: implied by READ or WRITE in the live user's entries
        expect(
          live.some((l) => l.resourceName === e.resourceName && l.operation === e.operation && l.resourceType === e.resourceType),
          `${u} ${e.resourceName}`,
        ).toBe(true);
      }
    }
    expect(live.every((e) => e.resourceName.startsWith('autoshift.r1.'))).toBe(true);
  });
});
