import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = readFileSync(new URL('../../examples/kubernetes/deployment.yaml', import.meta.url), 'utf8');

function env(name: string): number {
  const match = new RegExp(`name: ${name}, value: "(\\d+)"`).exec(manifest);
  if (!match) throw new Error(`${name} missing from the manifest`);
  return Number(match[1]);
}

describe('examples/kubernetes/deployment.yaml', () => {
  it('gives the pod more grace than the shutdown delay plus the force-stop timeout', () => {
    const grace = Number(/terminationGracePeriodSeconds: (\d+)/.exec(manifest)![1]);
    expect(grace * 1000).toBeGreaterThan(env('SHUTDOWN_DELAY_MS') + env('FORCE_STOP_MS'));
  });

  it('probes what the demo serves: /livez for startup and liveness, /readyz for readiness, on the health port', () => {
    expect(manifest).toMatch(/startupProbe:\s+httpGet: \{ path: \/livez, port: health \}/);
    expect(manifest).toMatch(/readinessProbe:\s+httpGet: \{ path: \/readyz, port: health \}/);
    expect(manifest).toMatch(/livenessProbe:(\s+#.*)+\s+httpGet: \{ path: \/livez, port: health \}/);
    expect(manifest).toContain('{ name: HEALTH_PORT, value: "8080" }');
    expect(manifest).toContain('containerPort: 8080');
  });
});
