/**
 * `autoshift kafka-acls --run-id ID`: on an authenticated broker, creates a
 * run's topics and gives each service user (infra/up.sh --kafka-auth) the
 * rights of protocol/topic-access.ts on them, and nothing more. Run it as the
 * broker's admin before the run's services start.
 */
import { parseArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import { SERVICE_USERS } from '../protocol/topic-access.js';
import kafkajs from 'kafkajs';
import { createKafka } from '../workers/kafka.js';
import { grantRunAccess, runAcls } from '../workers/kafka-acls.js';
import { connecting, rootLogger, runIdOf, serversFromEnv } from './live-env.js';

export const kafkaAclsHelp = `Usage: autoshift kafka-acls --run-id ID [--user NAME]... [--dry-run]

On a Kafka broker with SASL and ACLs (infra/up.sh --kafka-auth), creates the
topics of run ID and grants each service user the rights it needs on them:
producer writes demand and disruptions; intake reads demand, writes dead
letters; worker writes tasks and cases; allocator reads grants, tasks,
disruptions and its lease, writes grants (transactional id
autoshift.<ID>.allocator) and dead letters, and reads what the collector
reads; collector reads demand, tasks and cases; live has all of these.
Each may describe every topic of the run; nothing else is allowed.
Run it with the admin's credentials: eval "$(bash infra/kafka-user.sh admin)".

Options:
  --run-id ID    the run (required)
  --user NAME    only this user (repeatable; default: all of ${Object.keys(SERVICE_USERS).join(', ')})
  --dry-run      print the ACLs, change nothing
Servers: KAFKA_BROKERS, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD).
`;

export async function kafkaAclsCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { 'run-id': { value: true }, user: { value: true, repeat: true }, 'dry-run': {}, help: {} });
  if (flags.help) {
    process.stdout.write(kafkaAclsHelp);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: autoshift kafka-acls --run-id ID`);
  const runId = runIdOf(flags['run-id'], false);
  const users = (flags.user as string[] | undefined) ?? Object.keys(SERVICE_USERS);
  for (const u of users)
    if (!Object.hasOwn(SERVICE_USERS, u)) throw new UsageError(`--user: expected one of ${Object.keys(SERVICE_USERS).join(', ')}, got ${JSON.stringify(u)}`);
  // kafkajs' enums are plain objects on its default export at run time (no reverse mapping)
  const { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
  const nameOf = (table: object, n: number) => Object.entries(table).find(([, v]) => v === n)?.[0] ?? String(n);
  const lines = (entries: ReturnType<typeof runAcls>) =>
    entries
      .map(
        (e) =>
          `${e.principal} ${nameOf(AclOperationTypes, e.operation)} ` +
          `${nameOf(AclResourceTypes, e.resourceType)}:${e.resourceName}${e.resourcePatternType === ResourcePatternTypes.PREFIXED ? '*' : ''}\n`,
      )
      .join('');
  if (flags['dry-run']) {
    process.stdout.write(lines(users.flatMap((u) => runAcls(runId, u))));
    return 0;
  }
  const servers = serversFromEnv();
  if (!servers.sasl) throw new UsageError('KAFKA_SASL_USERNAME is not set: run as the broker\'s admin (eval "$(bash infra/kafka-user.sh admin)")');
  const logger = rootLogger('warn').child({ command: 'kafka-acls', runId });
  const kafka = createKafka({ brokers: servers.brokers, clientId: 'autoshift-kafka-acls', logger, sasl: servers.sasl });
  const created = await connecting(servers, () => grantRunAccess(kafka, runId, users));
  process.stdout.write(lines(created));
  process.stderr.write(`autoshift kafka-acls: run ${runId}: topics created, ${created.length} ACLs for ${users.join(', ')}\n`);
  return 0;
}
