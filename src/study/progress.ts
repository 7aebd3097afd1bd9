import cliProgress from "cli-progress";
import { setLogSink } from "../logging/index.js";

/** Where the bar is drawn; a TTY in real use, a fake stream in tests. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

function formatSeconds(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(rest).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * A progress bar for `optimize`: trials done of `nTrials` (or seconds of `timeout` when only a
 * time budget is given), the best value so far and the elapsed time. Log lines print above it.
 */
export class ProgressBar {
  private readonly multi: cliProgress.MultiBar;
  private readonly bar: cliProgress.SingleBar;
  private readonly started = Date.now();
  private readonly byTime: boolean;
  private readonly timeout: number | undefined;
  private readonly ticker: NodeJS.Timeout;
  private done = 0;
  private best = "-";
  private readonly previousSink: ReturnType<typeof setLogSink>;

  constructor(options: { nTrials?: number; timeout?: number; stream?: ProgressStream }) {
    this.byTime = options.nTrials === undefined && options.timeout !== undefined;
    const unit = this.byTime ? "{elapsed}/{limit}" : "{value}/{total} trials";
    this.multi = new cliProgress.MultiBar(
      {
        format: `{bar} {percentage}% | ${unit} | best: {best} | {elapsed} elapsed`,
        barCompleteChar: "\u2588",
        barIncompleteChar: "\u2591",
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 20,
        fps: 5,
        stream: options.stream ?? process.stderr,
        noTTYOutput: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const total = this.byTime ? Math.max(1, Math.round(options.timeout!)) : (options.nTrials ?? 0);
    this.timeout = options.timeout;
    this.bar = this.multi.create(total, 0, this.payload());
    // Lines are drawn at once, not on the bar's timer: synchronous training (TF.js) can keep
    // the event loop from running timers for a whole study.
    this.previousSink = setLogSink((line) => {
      this.multi.log(`${line}\n`);
      this.draw();
    });
    this.ticker = setInterval(() => this.refresh(), 1000);
    this.ticker.unref();
  }

  private payload(): Record<string, string> {
    const elapsed = (Date.now() - this.started) / 1000;
    return {
      best: this.best,
      elapsed: formatSeconds(elapsed),
      limit: this.timeout !== undefined ? formatSeconds(this.timeout) : "-",
    };
  }

  private refresh(): void {
    const elapsed = (Date.now() - this.started) / 1000;
    const value = this.byTime ? Math.min(Math.round(elapsed), this.bar.getTotal()) : this.done;
    this.bar.update(value, this.payload());
    // Drawn now, not on cli-progress's timer: see the log sink.
    this.draw();
  }

  /** Redraws the bar, printing the log lines buffered above it. */
  private draw(): void {
    this.multi.update();
  }

  /** Counts a finished trial and shows the best value so far. */
  trialFinished(best: number | undefined): void {
    this.done++;
    if (best !== undefined) this.best = String(Number(best.toPrecision(6)));
    this.refresh();
  }

  /** Removes the timer and restores log output. */
  stop(): void {
    clearInterval(this.ticker);
    this.refresh();
    this.multi.stop();
    setLogSink(this.previousSink);
  }
}
