// deploy/: the files a user installs cgmeter with, checked without a cluster or a registry (none
// here): the DaemonSet structurally (no Kubernetes JSON schemas are installed offline), the unit
// with `systemd-analyze verify` where it exists, and every setting they name against what
// `cgmeter serve --help` accepts, so that a renamed flag or variable cannot leave them stale.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { findBinary } from '../helpers/kernel.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');
// Compose ≥ 2.24's `!reset` tag (drop a key of the base file in an override).
const composeTags = [{ tag: '!reset', resolve: () => null }];

// The CLI from source (cli/main.ts), so that the check needs no `npm run build`.
const HELP = execFileSync(process.execPath, ['--import', 'tsx', '-e', "const { main } = await import('./cli/main.ts'); process.exitCode = await main(['serve', '--help']);"],
  { cwd: ROOT, encoding: 'utf8' });
const ENV_VARS = new Set([...HELP.matchAll(/env: (CGMETER_\w+)/g)].map((m) => m[1]!));
const FLAGS = new Set([...HELP.matchAll(/^\s+(--[\w-]+)/gm)].map((m) => m[1]!));

type Obj = Record<string, any>;

describe('deploy/cgmeter.env, the sample configuration', () => {
  const text = read('cgmeter.env');
  it('names every variable serve reads, and only those', () => {
    const named = new Set([...text.matchAll(/^#?(CGMETER_\w+)=/gm)].map((m) => m[1]!).filter((v) => v !== 'CGMETER_ARGS'));
    expect([...ENV_VARS].filter((v) => !named.has(v))).toEqual([]);
    expect([...named].filter((v) => !ENV_VARS.has(v))).toEqual([]);
  });
  it('documents every flag that has no variable', () => {
    const withoutEnv = HELP.split('\n').filter((l) => /^\s+--/.test(l) && !l.includes('env: ')).map((l) => /--[\w-]+/.exec(l)![0]);
    const skip = new Set(['--listen', '--interval', '--hash-password', '--help']);
    expect(withoutEnv.filter((f) => !skip.has(f) && !text.includes(f))).toEqual([]);
  });
});

describe('deploy/cgmeter.yaml, the sample --config file', () => {
  const text = read('cgmeter.yaml');
  it('lists every serve flag as a key (the file\'s keys are flag names), each with its description', () => {
    const keys = [...text.matchAll(/^#([\w-]+): /gm)].map((m) => `--${m[1]}`);
    const expected = [...FLAGS].filter((f) => !['--config', '--hash-password', '--help'].includes(f));
    expect(keys.sort()).toEqual(expected.sort());
  });
  it('is valid YAML of known keys once every setting is uncommented', () => {
    const all = parse(text.replace(/^#([\w-]+: )/gm, '$1')) as Record<string, unknown>;
    for (const key of Object.keys(all)) expect(FLAGS.has(`--${key}`), key).toBe(true);
  });
});

describe('deploy/Dockerfile', () => {
  const text = read('Dockerfile');
  it('builds the addon in a node:20-bookworm stage with compilers and runs on node:20-bookworm-slim', () => {
    const stages = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages).toEqual(['node:20-bookworm', 'node:20-bookworm-slim']);
    expect(text).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(text).toContain('node native/build.cjs');
  });
  it('runs `cgmeter serve --host-root /host` as a non-root user by default, with known variables', () => {
    expect(text).toMatch(/^USER node$/m);
    expect(text).toContain('CMD ["serve", "--host-root", "/host"]');
    for (const [, v] of text.matchAll(/(CGMETER_\w+)=/g)) expect(ENV_VARS.has(v!), v).toBe(true);
  });
});

describe('deploy/systemd/cgmeter.service', () => {
  const text = read('systemd/cgmeter.service');
  it('has the hardening options (and keeps what reading /proc and cgroupfs needs)', () => {
    for (const key of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'RestrictNamespaces=yes',
      'SystemCallFilter=@system-service', 'CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE']) expect(text).toContain(key);
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/cgmeter\/bin\/cgmeter\.js serve \$CGMETER_ARGS$/m);
  });
  it.skipIf(!findBinary('systemd-analyze'))('passes systemd-analyze verify', () => {
    // Throws with systemd's complaint on stderr when the unit is not valid.
    const out = execFileSync('systemd-analyze', ['verify', join(DEPLOY, 'systemd/cgmeter.service')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });
});

describe('deploy/kubernetes/cgmeter.yaml', () => {
  const docs = parseAllDocuments(read('kubernetes/cgmeter.yaml')).map((d) => d.toJS() as Obj);
  const kind = (k: string) => docs.find((d) => d.kind === k)!;
  it('has a Namespace, ServiceAccount, DaemonSet, Service and ServiceMonitor with apiVersion, kind and name', () => {
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'DaemonSet', 'Service', 'ServiceMonitor']);
    for (const d of docs) {
      expect(typeof d.apiVersion).toBe('string');
      expect(d.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });
  it('DaemonSet: selector matches the pod, read-only root, only the needed capabilities, resources, probes, annotations', () => {
    const ds = kind('DaemonSet');
    const pod = ds.spec.template;
    expect(pod.metadata.labels).toMatchObject(ds.spec.selector.matchLabels);
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '19338' });
    const [c] = pod.spec.containers as Obj[];
    expect(c!.args.slice(0, 3)).toEqual(['serve', '--host-root', '/host']);
    expect(c!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
      capabilities: { drop: ['ALL'], add: ['SYS_PTRACE', 'DAC_READ_SEARCH'] } });
    for (const k of ['requests', 'limits']) expect(Object.keys(c!.resources[k]).sort()).toEqual(['cpu', 'memory']);
    expect(c!.readinessProbe.httpGet.path).toBe('/readyz');
    const volumes = new Set((pod.spec.volumes as Obj[]).map((v) => v.name));
    for (const m of c!.volumeMounts as Obj[]) expect(volumes.has(m.name), m.name).toBe(true);
    // The host's /sys and /proc read-only; only cgmeter's own state and /tmp writable.
    for (const m of c!.volumeMounts as Obj[]) expect(m.readOnly === true || ['state', 'tmp'].includes(m.name), m.name).toBe(true);
    for (const e of c!.env as Obj[]) expect(ENV_VARS.has(e.name), e.name).toBe(true);
    for (const a of (c!.args as string[]).filter((x) => x.startsWith('--'))) expect(FLAGS.has(a), a).toBe(true);
  });
  it('Service and ServiceMonitor reach the container port by name', () => {
    const port = kind('Service').spec.ports[0];
    const containerPort = kind('DaemonSet').spec.template.spec.containers[0].ports[0];
    expect(port.targetPort).toBe(containerPort.name);
    expect(kind('Service').spec.selector).toEqual(kind('DaemonSet').spec.selector.matchLabels);
    expect(kind('ServiceMonitor').spec.endpoints[0].port).toBe(port.name);
    expect(kind('ServiceMonitor').spec.selector.matchLabels).toMatchObject(kind('Service').metadata.labels);
  });
});

describe('deploy/compose', () => {
  const base = parse(read('compose/docker-compose.yml')) as Obj;
  const local = parse(read('compose/docker-compose.local.yml'), { customTags: composeTags }) as Obj;
  it('is the seed stack: redis, a load generator against it, InfluxDB, cgmeter pushing there, Prometheus, Grafana', () => {
    expect(Object.keys(base.services).sort()).toEqual(['cgmeter', 'grafana', 'influxdb', 'loadgen', 'prometheus', 'redis']);
    expect(base.services.loadgen.command).toEqual(expect.arrayContaining(['-h', 'redis']));
    expect(base.services.cgmeter.environment).toMatchObject({ CGMETER_INFLUX_URL: 'http://influxdb:8086', CGMETER_INFLUX_DB: 'cgmeter' });
    expect(base.services.cgmeter.command.slice(0, 3)).toEqual(['serve', '--host-root', '/host']);
    for (const v of Object.keys(base.services.cgmeter.environment)) expect(ENV_VARS.has(v), v).toBe(true);
    expect(base.services.cgmeter.volumes).toEqual(expect.arrayContaining(['/sys:/host/sys:ro', '/proc:/host/proc:ro']));
  });
  it('binds every published port to 127.0.0.1', () => {
    for (const [name, s] of Object.entries(base.services as Record<string, Obj>)) {
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
    }
  });
  it('mounts files that exist: Prometheus config scraping cgmeter, grafana/ with provisioning pointing at its dashboards', () => {
    const prom = parse(read('compose/prometheus.yml')) as Obj;
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual(['cgmeter:19338']);
    expect(base.services.grafana.volumes).toEqual(['../../grafana:/etc/grafana/cgmeter:ro']);
    const providers = (parse(readFileSync(join(ROOT, 'grafana/provisioning/dashboards/cgmeter.yaml'), 'utf8')) as Obj).providers as Obj[];
    for (const p of providers) expect(existsSync(join(ROOT, 'grafana', p.options.path.replace('/etc/grafana/cgmeter/', ''))), p.options.path).toBe(true);
    for (const [, s] of Object.entries({ ...base.services, ...local.services } as Record<string, Obj>)) {
      for (const v of (s.volumes ?? []) as string[]) {
        const src = v.split(':')[0]!;
        if (src.startsWith('.')) expect(existsSync(join(DEPLOY, 'compose', src)), v).toBe(true);
      }
    }
  });
  it('local override: every service of the base runs from the locally made image, cgmeter without a build', () => {
    for (const name of Object.keys(base.services)) expect(local.services[name]?.image, name).toBe('local/debian-host');
    expect(local.services.cgmeter.build).toBeNull();
  });
});
