/**
 * The contract between a case workflow and the bot that does a bot step:
 * the activity's input, its interface, and the error type a bot uses to say
 * it could not finish (the workflow then escalates the task to a person).
 * Pure: imported by the workflow bundle and by the worker's activities.
 */

/** The `ApplicationFailure` type of a failure the bot reports itself: not retried, escalated at once. */
export const BOT_FAILURE = 'BotFailure';

export interface BotWorkInput {
  taskId: string;
  pool: string;
  unit: string;
  /** wall milliseconds the work lasts (simulated seconds / speed) */
  ms: number;
  /**
   * the wall instant (epoch ms) the work is due to end: the simulated end's. A simulated bot works until then,
   * so the activity's dispatch does not lengthen it (absent, from cases started before it was sent: `ms` from its start)
   */
  untilWallMs?: number;
  /** the case's failure draw for this task (the same keyed stream as `sim`): the bot will fail it */
  fail: boolean;
}

export interface BotActivities {
  botWork(input: BotWorkInput): Promise<void>;
}
