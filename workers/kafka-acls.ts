/**
 * Grants a run's rights on an authenticated broker: creates the run's topics
 * (its users may not create topics) and, for each service user, the ACLs of
 * protocol/topic-access.ts, literal topic and transactional-id names and
 * literal or prefixed group names. Run with the broker's admin (super user)
 * credentials; creating an ACL that exists already is a no-op, so granting
 * twice is safe.
 *
 * ```ts
 * const admin = createKafka({ brokers, clientId: 'acls', logger, sasl: adminCredentials });
 * await grantRunAccess(admin, 'r1');               // every user of SERVICE_USERS
 * ```
 */
import kafkajs, { type AclEntry, type Kafka } from 'kafkajs';
import { ALL_TOPICS, SERVICE_USERS, runAccess } from '../protocol/topic-access.js';
import { topicNames } from '../protocol/topics.js';
import { ensureTopics } from './kafka.js';

// kafkajs is CommonJS: Node sees these enums on its default export only
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;

/** The ACL entries that give `user` the rights of `SERVICE_USERS[user]` on run `runId`. */
export function runAcls(runId: string, user: string): AclEntry[] {
  const services = SERVICE_USERS[user];
  if (!services) throw new Error(`no such service user '${user}' (expected one of: ${Object.keys(SERVICE_USERS).join(', ')})`);
  const access = runAccess(runId, services);
  const names = topicNames(runId);
  const principal = `User:${user}`;
  const entry = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, prefixed = false): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  return [
    // every service checks at start that the run's topics exist (a missing one it would try to create)
    ...ALL_TOPICS.filter((t) => !access.read.includes(t) && !access.write.includes(t)).map((t) =>
      entry(AclResourceTypes.TOPIC, names[t], AclOperationTypes.DESCRIBE),
    ),
    ...access.read.map((t) => entry(AclResourceTypes.TOPIC, names[t], AclOperationTypes.READ)),
    ...access.write.map((t) => entry(AclResourceTypes.TOPIC, names[t], AclOperationTypes.WRITE)),
    // READ implies DESCRIBE: a topic both read and written gets both, one written only is described through WRITE
    ...access.groups.map((g) => entry(AclResourceTypes.GROUP, g.name, AclOperationTypes.READ, g.prefix)),
    ...access.transactionalIds.map((id) => entry(AclResourceTypes.TRANSACTIONAL_ID, id, AclOperationTypes.WRITE)),
  ];
}

/** Creates the run's topics and the ACLs of `users` (default: every service user); returns the entries created. */
export async function grantRunAccess(kafka: Kafka, runId: string, users: string[] = Object.keys(SERVICE_USERS)): Promise<AclEntry[]> {
  const acl = users.flatMap((u) => runAcls(runId, u));
  await ensureTopics(kafka, runId);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  return acl;
}
