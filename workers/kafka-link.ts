/**
 * The state of one process's link to Kafka, told to the operator once per
 * change: the first connection failure logs one warning ("Kafka unreachable;
 * retrying"), every later failure goes to debug, and the first success after
 * it logs one recovery line with the outage's length. The kafkajs client, the
 * producers, the consumers and the activities all report here, so a broker
 * restart reads as two lines per service instead of hundreds of retries.
 * The link is back at the first success that comes some seconds after the
 * last failure (a broker shutting down still answers between failures).
 * A relapse within a minute of a recovery (a restarted broker answers before its
 * group coordinator has taken the consumer groups back: "This is not the correct
 * coordinator for this group") is the same restart's tail: it and its recovery
 * are told at info level, so a restart still reads as one warning and one
 * recovery line at warn.
 *
 * ```ts
 * const link = new KafkaLink(logger);
 * link.trouble(err);   // a send or a connection failed
 * link.ok();           // a send or a fetch succeeded
 * ```
 */
import type { Logger } from 'pino';

/** kafkajs log messages and error texts that mean the broker cannot be reached (not a protocol answer). */
const UNREACHABLE = [
  /connection error/i,
  /connection timeout/i,
  /ECONNREFUSED/,
  /ECONNRESET/,
  /EPIPE/,
  /ETIMEDOUT/,
  /failed to connect/i,
  /closed connection/i,
  /connection closed/i,
  /KafkaJSConnection/,
  /request .* timed out/i,
  /broker not found/i,
  /KafkaJSNumberOfRetriesExceeded/,
  /not connected/i,
];

/** True when `text` (a kafkajs log message or an error's name and message) says the broker cannot be reached. */
export function meansUnreachable(text: string): boolean {
  return UNREACHABLE.some((r) => r.test(text));
}

/** Wall ms when a link of this process was last seen down (process-wide, as the Temporal runtime's logger is). */
let lastDownMs = -Infinity;

/**
 * True while a Kafka link of this process is down, or was within `graceMs`: a workflow task that
 * published an event during the outage is slow because of it (told once already by the link).
 */
export function kafkaDownWithin(graceMs: number, now = Date.now()): boolean {
  return now - lastDownMs <= graceMs;
}

export class KafkaLink {
  private downSince: number | null = null;
  private lastFailure = 0;
  private failures = 0;
  private recoveredAt = -Infinity;
  private relapse = false;

  /**
   * @param quietMs the link is back when a success comes this long after the last failure: a broker
   * shutting down still answers some requests between failures, which is not yet a recovery
   */
  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly quietMs = 5000,
    private readonly relapseMs = 60_000,
  ) {}

  /** True between the first failure and the next success. */
  get down(): boolean {
    return this.downSince !== null;
  }

  /** A failure: the first one since the link was last up logs one warning; the others go to debug. */
  trouble(err: unknown, where?: string): void {
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.failures++;
    this.lastFailure = this.now();
    lastDownMs = Math.max(lastDownMs, this.now());
    if (this.downSince === null) {
      this.downSince = this.now();
      this.failures = 1;
      this.relapse = this.now() - this.recoveredAt <= this.relapseMs;
      if (this.relapse)
        this.logger.info({ err: detail, where }, 'Kafka unreachable again shortly after recovering (the same outage; further errors at debug level)');
      else this.logger.warn({ err: detail, where }, 'Kafka unreachable; retrying (further errors at debug level until it is back)');
    } else {
      this.logger.debug({ err: detail, where }, 'Kafka still unreachable');
    }
  }

  /** A success: `quietMs` or more after the last failure of an outage, logs one recovery line. */
  ok(): void {
    if (this.downSince === null || this.now() - this.lastFailure < this.quietMs) return;
    const seconds = (this.now() - this.downSince) / 1000;
    this.downSince = null;
    this.recoveredAt = this.now();
    lastDownMs = Math.max(lastDownMs, this.now());
    const told = { downSeconds: Math.round(seconds * 10) / 10, failures: this.failures };
    if (this.relapse) this.logger.info(told, 'Kafka reachable again after the relapse');
    else this.logger.warn(told, 'Kafka reachable again');
  }
}
