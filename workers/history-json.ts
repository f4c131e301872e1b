/**
 * Workflow histories to and from the JSON format of Temporal's tools (what
 * `temporal workflow show --output json` writes and `historyFromJSON` reads).
 *
 * Why not `historyToJSON`/`historyFromJSON` of @temporalio/common: with this
 * project's lockfile npm installs three copies of protobufjs 8 (under
 * @temporalio/common, /proto and /worker, because @grpc/proto-loader keeps
 * protobufjs 7 at the top), and common's copy rejects the types of proto's
 * copy ("type must be a Type"). Here the converter and the types come from
 * the same copy, the one @temporalio/proto resolves.
 */
import { createRequire } from 'node:module';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

const require = createRequire(import.meta.url);
const proto = require('@temporalio/proto') as typeof import('@temporalio/proto');
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot<T>(root: T): T & { lookupType(name: string): unknown };
};
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
};
const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

export function historyFromJson(text: string): History {
  const loaded = protojson.fromJson(historyType, JSON.parse(text), { ignoreUnknownFields: true });
  if (!loaded) throw new TypeError('invalid history JSON');
  return loaded as History;
}
