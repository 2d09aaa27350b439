// The program between a process worker and its command, run as `node -e WATCHDOG <json>`.
// Node has no parent-death signal, so this small process holds the IPC channel to the Chief's
// process: when the channel closes without a word (the Chief died, even by SIGKILL), it sends
// SIGTERM to its process group (the command and what that started), then SIGKILL after a grace.
// It leads its own group (spawned detached), so the Chief can also kill the whole group at once.
//   chief -> watchdog: { op: 'signal', signal }
//   watchdog -> chief: { op: 'spawned', pid } | { op: 'spawn-error', code, message } | { op: 'exit', code, signal }
export const WATCHDOG = String.raw`
const { spawn } = require('node:child_process');
const { command, args, graceMs } = JSON.parse(process.argv[1]);
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
const send = (message, then) => {
  if (process.connected) process.send(message, then);
  else if (then) then();
};
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (error) => send({ op: 'spawn-error', code: error.code, message: error.message }, () => process.exit(127)));
child.on('spawn', () => send({ op: 'spawned', pid: child.pid }));
child.on('exit', (code, signal) => send({ op: 'exit', code, signal }, () => process.exit(0)));
process.on('message', (message) => {
  if (message && message.op === 'signal') {
    try { child.kill(message.signal); } catch {}
  }
});
process.on('disconnect', () => {
  try { process.kill(-process.pid, 'SIGTERM'); } catch {}
  setTimeout(() => {
    try { process.kill(-process.pid, 'SIGKILL'); } catch {}
    process.exit(1);
  }, graceMs);
});
`;
