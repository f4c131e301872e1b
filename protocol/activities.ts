/**
 * The activities a case workflow calls to publish its events (implemented by
 * workers/activities.ts `createActivities`, run as local activities). The
 * workflow imports only this interface; the worker supplies the functions.
 * The bot's activity is in protocol/bot-work.ts.
 */
import type { CaseEvent, TaskEvent } from './topics.js';

export interface CaseActivities {
  publishTaskEvent(ev: TaskEvent): Promise<void>;
  publishCaseEvent(ev: CaseEvent): Promise<void>;
}
