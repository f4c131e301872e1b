/**
 * The bot's seam: a bot step of a case is this activity, scheduled by the
 * case workflow on the worker's task queue (or a bot pool's own queue), so a
 * bot can fail the way real automation fails and the workflow escalates the
 * task to a person.
 *
 * In the simulated deployment the activity *is* the bot: it works for the
 * drawn duration (scaled by the clock's speed, heartbeating), until the wall
 * instant of the task's simulated end however late it was dispatched
 * (`untilWallMs`), and fails when
 * the case's keyed failure draw says so, with a non-retryable `BotFailure`,
 * which is exactly what `sim` does with the same draw. A real deployment
 * replaces `botWork` with the call to its RPA robot or API; the workflow does
 * not change. Failures the draw did not ask for (the bot's worker dies, the
 * heartbeat stops) are retried by Temporal, and when the retries run out the
 * workflow escalates the task to a person as it does for a drawn failure.
 *
 * ```ts
 * const bots = createBotActivities({ logger });
 * await Worker.create({ ..., activities: { ...createActivities(deps), ...bots } });
 * ```
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { BOT_FAILURE, type BotActivities } from '../protocol/bot-work.js';

export interface BotActivityDeps {
  logger: Logger;
  /** wall milliseconds between heartbeats @default 1000 */
  heartbeatEveryMs?: number;
}

export function createBotActivities({ logger, heartbeatEveryMs = 1000 }: BotActivityDeps): BotActivities {
  const log = logger.child({ component: 'bot' });
  return {
    async botWork(input) {
      const ctx = Context.current();
      // until the simulated end's wall instant when the case says it (a retried attempt too), else the drawn time
      let left = input.untilWallMs !== undefined ? Math.min(input.ms, input.untilWallMs - Date.now()) : input.ms;
      // heartbeat while working: a bot whose worker died is noticed within the heartbeat timeout
      while (left > 0) {
        const step = Math.min(left, heartbeatEveryMs);
        await ctx.sleep(step);
        left -= step;
        if (left > 0) ctx.heartbeat();
      }
      if (input.fail) {
        log.debug({ taskId: input.taskId, unit: input.unit }, 'bot failed the task');
        throw ApplicationFailure.create({
          type: BOT_FAILURE,
          nonRetryable: true,
          message: `bot ${input.unit} could not finish task ${input.taskId}`,
        });
      }
    },
  };
}
