// A progress line for long runs: step, loss, tokens/s and ETA. On a terminal it redraws one line;
// otherwise (CI logs, pipes) it prints a line every few seconds.

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class Progress {
  private readonly start = performance.now();
  private lastPrint = 0;
  private tokens = 0;
  private lossEma = NaN;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly label = 'train',
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(step: number, loss: number, tokens: number, extra = ''): void {
    this.tokens += tokens;
    this.lossEma = Number.isNaN(this.lossEma) ? loss : 0.95 * this.lossEma + 0.05 * loss;
    const now = performance.now();
    if (now - this.lastPrint < (this.tty ? 200 : 5000) && step < this.total) return;
    this.lastPrint = now;
    const elapsed = (now - this.start) / 1000;
    const rate = this.tokens / Math.max(elapsed, 1e-3);
    const eta = (elapsed / Math.max(step, 1)) * (this.total - step);
    const width = 24;
    const filled = Math.round((width * step) / this.total);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `${this.label} ${bar} step ${step}/${this.total}  loss ${this.lossEma.toFixed(3)}  ${Math.round(rate).toLocaleString('en-US')} tok/s  elapsed ${formatDuration(elapsed)}  ETA ${formatDuration(eta)}${extra ? `  ${extra}` : ''}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  note(message: string): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }

  done(): void {
    if (this.tty) this.stream.write('\n');
  }

  get seconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}
