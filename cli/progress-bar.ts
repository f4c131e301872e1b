/**
 * A progress bar on stderr, shown only on a terminal and only once a run has
 * lasted about a second; it never touches stdout.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private shown = false;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update = (fraction: number, note?: string): void => {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (now - this.started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    this.stream.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${elapsed.toFixed(1)}s elapsed, ~${eta.toFixed(0)}s left${note ? `, ${note}` : ''} `,
    );
  };

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
  }
}
