import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';
import { closed, get } from '../presets/http-client.js';

const children: Child[] = [];
const agents: http.Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const child of children.splice(0)) child.process.kill('SIGKILL');
});

function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
}

describe.each([
  ['examples/http-plain.ts', 'hello from node:http'],
  ['examples/http-express.ts', 'hello from express'],
  ['examples/http-fastify.ts', 'hello from fastify (api)'],
  ['examples/http-hono.ts', 'hello from hono'],
])('%s as a real process', (script, greeting) => {
  it('serves, and on SIGTERM closes the idle keep-alive connection at once, finishes the in-flight request with Connection: close, exits 0', async () => {
    const child = new Child(script, { PORT: '0', SLOW_MS: '2000' });
    children.push(child);
    await child.waitFor('http server listening');
    const port = Number(/http server listening .*port=(\d+)/.exec(child.stdout)![1]);

    const idle = await get(keepAliveAgent(), port, '/');
    expect(idle).toMatchObject({ status: 200, body: `${greeting}\n` });
    expect(idle.headers.connection).toBe('keep-alive');
    const order: string[] = [];
    const idleClosed = closed(idle.socket).then(() => order.push('idle closed'));
    const slow = get(keepAliveAgent(), port, '/slow').then((answer) => (order.push('slow answered'), answer));
    await child.waitFor('slow: started');

    child.process.kill('SIGTERM');
    const answer = await slow;
    await idleClosed;
    expect(answer).toMatchObject({ status: 200, body: 'slow: done\n' });
    expect(answer.headers.connection).toBe('close');
    expect(order).toEqual(['idle closed', 'slow answered']);
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(child.stdout).toContain('stopped: graceful=true');
    expect(child.stdout).toMatch(/\[api\] worker state changed to Stopped/);
  });
});
