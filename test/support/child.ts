import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trackChild } from './tmp-pids.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A TypeScript program run as a real child process (through tsx), with its output collected. */
export class Child {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly started = Date.now();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;

  constructor(script: string, env: Record<string, string> = {}) {
    this.process = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(this.process.pid);
    this.process.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - this.started })),
    );
  }

  /** Files the program creates and a kill may leave behind (its socket): removed by {@link dispose}. */
  readonly leaves: string[] = [];

  /**
   * Ends the process if it still runs (SIGKILL: a test that did not stop it has failed
   * already), waits for it, and removes the files it may have left. Safe to call twice.
   */
  async dispose(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
    for (const file of this.leaves.splice(0)) {
      try {
        if (lstatSync(file).isSocket()) unlinkSync(file);
      } catch {
        // not there: it cleaned up after itself
      }
    }
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves once the output contains `text`; rejects if the process exits or time runs out first. */
  waitFor(text: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.output.includes(text)) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for "${text}"; output so far:\n${this.output}`));
      }, timeoutMs);
      const onExit = () => {
        check();
        cleanup();
        reject(new Error(`exited before printing "${text}"; output:\n${this.output}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.process.stdout!.off('data', check);
        this.process.stderr!.off('data', check);
        this.process.off('exit', onExit);
      };
      this.process.stdout!.on('data', check);
      this.process.stderr!.on('data', check);
      this.process.on('exit', onExit);
      check();
    });
  }

  /** Time from `since` to exit. */
  async kill(signal: NodeJS.Signals): Promise<number> {
    const since = Date.now();
    this.process.kill(signal);
    await this.exited;
    return Date.now() - since;
  }
}
