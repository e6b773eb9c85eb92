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
import { findBinary, requireRootOrSkip } from '../helpers/kernel.js';
import { commandHelp } from '../../cli/command.js';
import { serveCommand } from '../../cli/commands/serve.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

// What `cgmeter serve --help` prints (cli/main.ts prints commandHelp of the same descriptor), from
// the sources, so that the check needs no `npm run build`.
const HELP = commandHelp(serveCommand);
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
  it('builds the addons in a node:20-bookworm stage with compilers and runs on node:20-bookworm-slim, both build arguments', () => {
    const stages = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages).toEqual(['${BUILDER_IMAGE}', '${RUNTIME_IMAGE}']);
    // Declared before the first FROM (so that FROM can use them), defaults the registry's images.
    const args = Object.fromEntries([...text.split(/^FROM /m)[0]!.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(args).toEqual({ BUILDER_IMAGE: 'node:20-bookworm', RUNTIME_IMAGE: 'node:20-bookworm-slim' });
    expect(text).toMatch(/apt-get install .*python3 make g\+\+/);
    // Dependencies' install scripts (better-sqlite3) and the root's (the native reader) after --ignore-scripts.
    expect(text).toMatch(/npm ci --ignore-scripts[\s\S]*npm rebuild[\s\S]*npm run install/);
    // Built by test/deploy/image-build.test.ts on local stand-ins for both base images.
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
  const local = parse(read('compose/docker-compose.local.yml')) as Obj;
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
  it('works with Compose v1 (docker-compose 1.29) and v2: no top-level name, no v2-only tags; the project name in .env', () => {
    expect(Object.keys(base).sort()).toEqual(['services', 'volumes']);
    expect(Object.keys(local).sort()).toEqual(['networks', 'services']);
    for (const file of ['docker-compose.yml', 'docker-compose.local.yml']) expect(read(`compose/${file}`)).not.toMatch(/!reset|!override/);
    expect(read('compose/.env')).toMatch(/^COMPOSE_PROJECT_NAME=cgmeter-demo$/m);
  });
  it('local override: every service on local/host-usr with the host\'s /usr read-only, an internal network, Grafana behind a profile', () => {
    for (const name of Object.keys(base.services).filter((n) => n !== 'cgmeter')) {
      expect(local.services[name]?.image, name).toBe('local/host-usr');
      expect(local.services[name]?.volumes, name).toContain('/usr:/usr:ro');
    }
    // cgmeter: this checkout on the host's node, in an image built FROM local/host-usr.
    expect(local.services.cgmeter.build).toEqual({ context: './local', dockerfile: 'cgmeter.Dockerfile' });
    expect(read('compose/local/cgmeter.Dockerfile')).toMatch(/^ARG BASE=local\/host-usr\nFROM \$\{BASE\}$/m);
    expect(local.services.cgmeter.volumes).toEqual(['/usr:/usr:ro', '../..:/opt/cgmeter:ro']);
    expect(local.networks.default.internal).toBe(true);
    expect(local.services.grafana.profiles).toEqual(['grafana']);
  });
  it.skipIf(requireRootOrSkip({ root: false, binaries: ['docker-compose'] }, 'docker-compose config check'))(
    'docker-compose 1.29 accepts the base file alone and with the override', () => {
      const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_SOCKET: '/run/test.sock' };
      delete env.COMPOSE_PROJECT_NAME;
      for (const files of [['docker-compose.yml'], ['docker-compose.yml', 'docker-compose.local.yml']]) {
        const out = execFileSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config'], { cwd: join(DEPLOY, 'compose'), env, encoding: 'utf8' });
        const config = parse(out) as Obj;
        expect(Object.keys(config.services).sort(), files.join(' + ')).toEqual(['cgmeter', 'grafana', 'influxdb', 'loadgen', 'prometheus', 'redis']
          .concat(files.length > 1 ? ['influxdb-init'] : []).sort());
        expect(config.services.cgmeter.volumes, files.join(' + ')).toContain('/run/test.sock:/host/docker.sock:ro');
      }
    });
});
