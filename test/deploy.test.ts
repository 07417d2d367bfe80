import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyAdminConfig } from '../src/cli/keys.js';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { createPool } from '../src/infra/db.js';
import { Metrics } from '../src/infra/metrics.js';
import { migrate } from '../src/infra/migrate.js';
import { QUEUE_NAME } from '../src/infra/bullmq-queue.js';
import { batchBody, bearer } from './helpers/context.js';
import { adminUrl, databaseUrlFor } from './helpers/database.js';
import { runLucro } from './helpers/processes.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const K8S_DIR = 'deploy/k8s';
const run = promisify(execFile);

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

/**
 * Variables that belong to the images and tools around the app, not to src/config.ts. Anything
 * else a deployment file names must be a variable the app reads, so a typo cannot hide there.
 */
const DEPLOYMENT_VARIABLES = new Map([
  ['NODE_ENV', 'Node and npm production mode'],
  ['POSTGRES_USER', 'postgres image: superuser name'],
  ['POSTGRES_PASSWORD', 'postgres image: superuser password'],
  ['POSTGRES_DB', 'postgres image: database created on first boot'],
  ['PGHOST', 'libpq (psql) connection default'],
  ['PGDATABASE', 'libpq (psql) connection default'],
  ['PGUSER', 'libpq (psql) connection default'],
  ['PGPASSWORD', 'libpq (psql) connection default'],
  ['LUCRO_OWNER_PASSWORD', 'read by deploy/sql/roles.sql'],
  ['LUCRO_APP_PASSWORD', 'read by deploy/sql/roles.sql'],
  ['LUCRO_KEYS_PASSWORD', 'read by deploy/sql/roles.sql'],
  ['REDIS_PASSWORD', 'compose: redis-server --requirepass'],
  ['REDISCLI_AUTH', 'redis-cli password, for the healthcheck'],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'read by the OpenTelemetry SDK itself'],
  ['OTEL_EXPORTER_OTLP_HEADERS', 'read by the OpenTelemetry SDK itself'],
  ['OTEL_TRACES_SAMPLER', 'read by the OpenTelemetry SDK itself'],
  ['OTEL_TRACES_SAMPLER_ARG', 'read by the OpenTelemetry SDK itself'],
]);

/** The variables src/config.ts reads: every quoted upper-case name and every `env.NAME`. */
function configVariables(): Set<string> {
  const text = read('src/config.ts');
  return new Set([...text.matchAll(/'([A-Z][A-Z0-9_]*)'/g), ...text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string));
}

/** Upper-case names with an underscore in free text (docs, comments): how variables are written. */
function variableTokens(text: string): string[] {
  return [...text.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)].map((m) => m[0]);
}

function dotenv(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes manifests

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{ name: string; configMap?: { name: string } }>;
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}
interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Target {
  apiVersion?: string;
  kind?: string;
  name: string;
}
interface Selector {
  matchLabels: Record<string, string>;
}

function loadManifests(): Manifest[] {
  const files = readdirSync(path.join(ROOT, K8S_DIR)).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
  return files.flatMap((file) =>
    parseAllDocuments(read(path.join(K8S_DIR, file))).map((doc) => {
      expect(doc.errors, `${file}: ${doc.errors.join('; ')}`).toEqual([]);
      expect(doc.warnings, `${file}: ${doc.warnings.join('; ')}`).toEqual([]);
      return { file, ...(doc.toJS() as Omit<Manifest, 'file'>) };
    }),
  );
}

const manifests = loadManifests();
const kustomization = parse(read(path.join(K8S_DIR, 'kustomization.yaml'))) as { resources: string[]; images?: Array<{ name: string }> };
const applied = manifests.filter((m) => kustomization.resources.includes(m.file));
const exampleSecret = manifests.find((m) => m.kind === 'Secret' && m.file === 'secret.example.yaml');

function only(kind: string, name?: string): Manifest {
  const found = applied.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  expect(found.map((m) => m.metadata.name), `exactly one ${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as Manifest;
}

function template(m: Manifest): PodTemplate {
  return (m.spec as { template: PodTemplate }).template;
}

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** The Deployment whose container runs `lucro <role>`. */
function deploymentFor(role: string): Manifest {
  const found = applied.filter((m) => m.kind === 'Deployment' && template(m).spec.containers.some((c) => c.args?.[0] === role));
  expect(found, `one Deployment runs "${role}"`).toHaveLength(1);
  return found[0] as Manifest;
}

function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

function selects(selector: Selector, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector.matchLabels).every(([key, value]) => labels?.[key] === value);
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('when every YAML document is parsed, then each is a named object and none is pinned to a namespace', () => {
    expect(manifests.length).toBeGreaterThan(5);
    for (const m of manifests) {
      expect(m.apiVersion, m.file).toEqual(expect.any(String));
      expect(m.kind, m.file).toEqual(expect.any(String));
      expect(m.metadata?.name, `${m.file} ${m.kind}`).toEqual(expect.any(String));
      expect(m.metadata.namespace, `${m.file} ${m.kind} ${m.metadata.name}`).toBeUndefined();
    }
  });

  it('when kustomization.yaml is read, then it lists every manifest but the example Secret, and applies no Secret', () => {
    const files = new Set(manifests.map((m) => m.file));
    expect(new Set(kustomization.resources)).toEqual(new Set([...files].filter((f) => f !== 'secret.example.yaml')));
    expect(applied.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(exampleSecret?.metadata.name).toBe('lucro-secrets');
    // Every Lucro container uses the image name kustomize rewrites to the release.
    const lucroImages = applied.flatMap((m) => (m.kind === 'Deployment' || m.kind === 'Job' ? allContainers(template(m).spec) : [])).filter((c) => c.image !== 'postgres:18');
    expect(new Set(lucroImages.map((c) => c.image))).toEqual(new Set(kustomization.images?.map((i) => i.name)));
  });

  it('when a Deployment is read, then its container has an image, resources, and /readyz and /healthz probes on the port the role listens on', () => {
    for (const role of ['api', 'worker', 'scheduler']) {
      const deployment = deploymentFor(role);
      const pod = template(deployment);
      const where = `${deployment.metadata.name}`;
      expect(selects((deployment.spec as { selector: Selector }).selector, pod.metadata?.labels), where).toBe(true);
      expect(pod.spec.terminationGracePeriodSeconds, where).toBeGreaterThanOrEqual(35);
      expect(pod.spec.securityContext?.runAsNonRoot, where).toBe(true);
      // runAsNonRoot cannot be verified against the image's named user `node`: the uid must be numeric.
      expect(pod.spec.securityContext?.runAsUser, where).toEqual(expect.any(Number));
      expect(pod.spec.securityContext?.runAsUser, where).not.toBe(0);

      expect(pod.spec.containers, where).toHaveLength(1);
      const container = pod.spec.containers[0] as Container;
      expect(container.image, where).toEqual(expect.stringMatching(/\S/));
      expect(container.resources?.requests, where).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits, where).toMatchObject({ memory: expect.any(String) });
      expect(container.securityContext?.allowPrivilegeEscalation, where).toBe(false);
      expect(envValue(container, 'HOST'), where).toBe('0.0.0.0');

      const listens = Number(envValue(container, role === 'api' ? 'PORT' : 'METRICS_PORT'));
      expect(listens, where).toBeGreaterThan(0);
      const portOf = (probe: Probe | undefined): number | undefined => {
        const port = probe?.httpGet?.port;
        return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
      };
      // The API takes traffic: an outage of PostgreSQL or Redis, which every pod shares, must not empty its
      // Service; its pods answer 503 problem details themselves, or go on accepting batches (test/operations.test.ts).
      expect(container.readinessProbe?.httpGet?.path, where).toBe(role === 'api' ? '/readyz?exclude=database,queue' : '/readyz');
      expect(container.livenessProbe?.httpGet?.path, where).toBe('/healthz');
      expect(portOf(container.readinessProbe), where).toBe(listens);
      expect(portOf(container.livenessProbe), where).toBe(listens);
    }
  });

  it('when a container needs a secret, then it comes from lucro-secrets by a documented key: database-url for the app, migrate-database-url for the migration', () => {
    const secretKeys = Object.keys(exampleSecret?.stringData ?? {});
    for (const m of applied.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      for (const container of allContainers(template(m).spec)) {
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) {
            expect(ref.name, `${m.metadata.name}/${container.name} ${variable.name}`).toBe('lucro-secrets');
            expect(secretKeys, `${m.metadata.name}/${container.name} ${variable.name}`).toContain(ref.key);
          }
          // No credentials in plain values.
          expect(variable.value ?? '', `${m.metadata.name}/${container.name} ${variable.name}`).not.toMatch(/:\/\/[^/\s]*@/);
        }
        const databaseKey = container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.key;
        expect(databaseKey, `${m.metadata.name}/${container.name}`).toBe(m.kind === 'Job' ? 'migrate-database-url' : 'database-url');
      }
    }
    expect(exampleSecret?.stringData?.['database-url']).toMatch(/^postgres:\/\/lucro_app:/);
    expect(exampleSecret?.stringData?.['migrate-database-url']).toMatch(/^postgres:\/\/lucro_owner:/);
  });

  it('when the migration Job runs, then it migrates as the owner first and then applies the same grants.sql as deploy/sql', () => {
    const job = only('Job');
    const pod = template(job).spec;
    expect(pod.initContainers?.map((c) => c.args)).toEqual([['migrate']]);
    const grants = pod.containers[0] as Container;
    expect([...(grants.command ?? []), ...(grants.args ?? [])]).toEqual(expect.arrayContaining(['psql', '-f', '/sql/grants.sql']));
    const volume = pod.volumes?.find((v) => v.name === grants.volumeMounts?.find((mount) => mount.mountPath === '/sql')?.name);
    const configMap = only('ConfigMap', volume?.configMap?.name);
    expect(configMap.data?.['grants.sql']).toBe(read('deploy/sql/grants.sql'));
    // $(VAR) in args is expanded by Kubernetes only from the container's own env.
    for (const arg of grants.args ?? []) {
      for (const [, name] of arg.matchAll(/\$\(([A-Z0-9_]+)\)/g)) expect(grants.env?.map((e) => e.name)).toContain(name);
    }
  });

  it('when the NetworkPolicies are read, then only the ingress and Prometheus reach the API, and Lucro pods reach only DNS, PostgreSQL, Redis, traces and (workers) public HTTPS', () => {
    interface PolicyPeer {
      namespaceSelector?: Selector;
      podSelector?: Selector;
      ipBlock?: { cidr: string; except?: string[] };
    }
    interface PolicyRule {
      from?: PolicyPeer[];
      to?: PolicyPeer[];
      ports?: Array<{ protocol: string; port: number }>;
    }
    interface PolicySpec {
      podSelector: Selector & { matchExpressions?: Array<{ key: string; operator: string; values: string[] }> };
      policyTypes: string[];
      ingress?: PolicyRule[];
      egress?: PolicyRule[];
    }
    const policies = applied.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.spec as unknown as PolicySpec);
    const matches = (spec: PolicySpec, labels: Record<string, string>): boolean =>
      Object.entries(spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
      (spec.podSelector.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key] as string));
    const podLabels = [...['api', 'worker', 'scheduler'].map((role) => template(deploymentFor(role))), template(only('Job'))].map(
      (t) => t.metadata?.labels ?? {},
    );
    for (const labels of podLabels) {
      const own = policies.filter((p) => matches(p, labels));
      // Denied by default both ways: some policy of each type selects every Lucro pod.
      expect(own.some((p) => p.policyTypes.includes('Ingress')), JSON.stringify(labels)).toBe(true);
      expect(own.some((p) => p.policyTypes.includes('Egress')), JSON.stringify(labels)).toBe(true);
      const ingressPorts = own.flatMap((p) => p.ingress ?? []).flatMap((r) => (r.ports ?? []).map((port) => port.port));
      const egress = own.flatMap((p) => p.egress ?? []);
      const egressPorts = new Set(egress.flatMap((r) => (r.ports ?? []).map((port) => port.port)));
      const component = labels['app.kubernetes.io/component'];
      expect(ingressPorts, component).toEqual(component === 'api' ? [8000] : component === 'migrate' ? [] : [9464]);
      expect([...egressPorts].sort((a, b) => a - b), component).toEqual(component === 'worker' ? [53, 443, 4317, 4318, 5432, 6379] : [53, 4317, 4318, 5432, 6379]);
      // Public HTTPS never includes private, link-local or loopback ranges.
      for (const rule of egress.filter((r) => r.ports?.some((port) => port.port === 443))) {
        expect(rule.to?.[0]?.ipBlock?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8']));
      }
    }
    // Only the ingress controller's and Prometheus's namespaces reach the API.
    const apiSources = policies
      .filter((p) => matches(p, podLabels[0] ?? {}))
      .flatMap((p) => p.ingress ?? [])
      .flatMap((r) => r.from ?? [])
      .map((peer) => peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name']);
    expect(apiSources.sort()).toEqual(['ingress-nginx', 'monitoring']);
  });

  it('when the PodMonitor is read, then it selects the api, worker and scheduler pods and scrapes each on the port it serves /metrics on', () => {
    const monitor = parse(read('deploy/prometheus/podmonitor.yaml')) as {
      kind: string;
      spec: { selector: Selector; podMetricsEndpoints: Array<{ port: string; path: string }> };
    };
    expect(monitor.kind).toBe('PodMonitor');
    const scraped = new Map(monitor.spec.podMetricsEndpoints.map((endpoint) => [endpoint.port, endpoint.path]));
    for (const role of ['api', 'worker', 'scheduler']) {
      const pod = template(deploymentFor(role));
      expect(selects(monitor.spec.selector, pod.metadata?.labels), role).toBe(true);
      const container = pod.spec.containers[0] as Container;
      const listens = Number(envValue(container, role === 'api' ? 'PORT' : 'METRICS_PORT'));
      const port = container.ports?.find((p) => p.containerPort === listens);
      expect(port?.name && scraped.get(port.name), `${role} is scraped on its port ${listens}`).toBe('/metrics');
    }
  });

  it('when the KEDA ScaledObject is read, then it scales the worker Deployment on the BullMQ wait list the app writes', () => {
    const scaled = only('ScaledObject');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    const spec = scaled.spec as {
      scaleTargetRef: Target;
      triggers: Array<{ type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }>;
    };
    expect(spec.scaleTargetRef.name).toBe(deploymentFor('worker').metadata.name);
    expect(spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');

    const waitList = `${loadConfig({}).queuePrefix}:${QUEUE_NAME}:wait`;
    expect(waitList).toBe('lucro:enrichment:wait');
    const config = only('ConfigMap', 'lucro-config');
    expect(`${loadConfig(config.data).queuePrefix}:${QUEUE_NAME}:wait`).toBe(waitList);

    expect(spec.triggers).toHaveLength(1);
    const trigger = spec.triggers[0] as (typeof spec.triggers)[number];
    expect(trigger.type).toBe('redis');
    expect(trigger.metadata.listName).toBe(waitList);
    expect(trigger.metadata.listLength).toMatch(/^[1-9]\d*$/);

    const auth = only('TriggerAuthentication', trigger.authenticationRef?.name);
    const refs = (auth.spec as { secretTargetRef: Array<{ parameter: string; name: string; key: string }> }).secretTargetRef;
    expect(refs.map((r) => r.parameter).sort()).toEqual(['address', 'password']);
    for (const ref of refs) {
      expect(ref.name).toBe('lucro-secrets');
      expect(Object.keys(exampleSecret?.stringData ?? {})).toContain(ref.key);
    }
    // KEDA wants host:port here, not a URL.
    expect(exampleSecret?.stringData?.['redis-address']).toMatch(/^[^:/]+:\d+$/);
  });

  it('when the HPA, PDBs and Service are read, then they target the api Deployment and select api and worker pods', () => {
    const api = deploymentFor('api');
    const worker = deploymentFor('worker');
    const hpa = only('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    const hpaSpec = hpa.spec as { scaleTargetRef: Target; minReplicas: number; metrics: Array<{ type: string; resource?: { name: string } }> };
    expect(hpaSpec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: api.metadata.name });
    expect(hpaSpec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpaSpec.metrics).toContainEqual(expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }));
    // Autoscaled Deployments leave the replica count to their autoscaler.
    expect(api.spec?.replicas).toBeUndefined();
    expect(worker.spec?.replicas).toBeUndefined();

    const budgets = applied.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => (m.spec as { selector: Selector }).selector);
    expect(budgets.some((s) => selects(s, template(api).metadata?.labels))).toBe(true);
    expect(budgets.some((s) => selects(s, template(worker).metadata?.labels))).toBe(true);

    const service = only('Service');
    const serviceSpec = service.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string | number }> };
    expect(selects({ matchLabels: serviceSpec.selector }, template(api).metadata?.labels)).toBe(true);
    expect(selects({ matchLabels: serviceSpec.selector }, template(worker).metadata?.labels)).toBe(false);
    const apiContainer = template(api).spec.containers[0] as Container;
    for (const port of serviceSpec.ports) {
      const target = typeof port.targetPort === 'number' ? port.targetPort : apiContainer.ports?.find((p) => p.name === port.targetPort)?.containerPort;
      expect(target).toBe(Number(envValue(apiContainer, 'PORT')));
    }
  });

  it('when the ConfigMap lucro-config is the environment, then src/config.ts accepts every value', () => {
    const config = only('ConfigMap', 'lucro-config');
    expect(() => loadConfig(config.data)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  networks?: string[];
  profiles?: string[];
  stop_grace_period?: string;
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean } | null>;
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const envExample = dotenv(read('.env.example'));
const APP_SERVICES = ['api', 'worker', 'scheduler'];

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and `$$` interpolation. */
function interpolate(value: string, env: Record<string, string>): string {
  return value
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_match, name: string, op: string | undefined, arg: string | undefined) => {
      const set = env[name];
      if (op === ':-') return set ? set : (arg ?? '');
      if (op === '-') return set ?? arg ?? '';
      if (op === ':?' || op === '?') {
        if (!set) throw new Error(`${name} is required: ${arg}`);
        return set;
      }
      return set ?? '';
    })
    .replace(/\$\$/g, '$');
}

function serviceEnv(name: string, env: Record<string, string>): Record<string, string> {
  const environment = compose.services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(String(value), env)]));
}

function seconds(duration: string | undefined): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? '');
  return match ? Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) : 0;
}

describe('docker-compose.yml', () => {
  it('when parsed, then it has the services, healthchecks and start-up order of a migrated, least-privilege deployment', () => {
    const services = compose.services;
    expect(Object.keys(services).sort()).toEqual(['api', 'db-grants', 'db-roles', 'keys', 'migrate', 'postgres', 'redis', 'scheduler', 'worker']);
    // Key administration is a tool run by hand as its own role, never started by `up`.
    expect(services.keys?.profiles).toEqual(['tools']);
    expect(services.keys?.environment?.KEYS_DATABASE_URL).toMatch(/^postgres:\/\/lucro_keys:/);
    expect(services.postgres?.image).toMatch(/^postgres:1[78]\b/);
    expect(services.redis?.image).toMatch(/^redis:[78]\b/);
    expect(services.postgres?.healthcheck?.test?.join(' ')).toMatch(/pg_isready/);
    expect(services.redis?.healthcheck?.test?.join(' ')).toMatch(/redis-cli ping/);
    expect(services.redis?.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));

    const completed = { condition: 'service_completed_successfully' };
    const healthy = { condition: 'service_healthy' };
    const order = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.depends_on ?? {}]));
    expect(order).toEqual({
      postgres: {},
      redis: {},
      'db-roles': { postgres: healthy },
      migrate: { 'db-roles': completed },
      'db-grants': { migrate: completed },
      api: { 'db-grants': completed, redis: healthy },
      worker: { 'db-grants': completed, redis: healthy },
      scheduler: { 'db-grants': completed, redis: healthy },
      keys: { 'db-grants': completed },
    });

    // One image for every role, each chosen by its command.
    for (const name of ['migrate', ...APP_SERVICES]) {
      expect(services[name]?.image, name).toBe(services.api?.image);
      expect(services[name]?.command, name).toEqual([name]);
    }
    expect(services['db-roles']?.entrypoint?.join(' ')).toMatch(/psql .*\/sql\/roles\.sql$/);
    expect(services['db-grants']?.entrypoint?.join(' ')).toMatch(/psql .*\/sql\/grants\.sql$/);
    expect(services['db-roles']?.volumes).toContain('./deploy/sql:/sql:ro');
  });

  it('when parsed, then only the API publishes a port, the worker can be scaled, and the databases sit on an internal network', () => {
    const services = compose.services;
    expect(Object.entries(services).filter(([, s]) => s.ports !== undefined).map(([name]) => name)).toEqual(['api']);
    expect(services.api?.ports).toHaveLength(1);
    expect(services.api?.ports?.[0]).toMatch(/:8000$/);
    expect(Object.entries(services).filter(([, s]) => s.container_name !== undefined)).toEqual([]);
    expect(services.worker?.container_name).toBeUndefined();

    expect(compose.networks.backend?.internal).toBe(true);
    expect(services.postgres?.networks).toEqual(['backend']);
    expect(services.redis?.networks).toEqual(['backend']);
    expect(services.api?.networks?.sort()).toEqual(['backend', 'frontend']);
    // Workers deliver webhooks and may call an LLM: they need a way out the backend network does not give.
    expect(services.worker?.networks?.sort()).toEqual(['backend', 'egress']);
    expect(compose.networks.egress?.internal).toBeUndefined();
    expect(services.scheduler?.networks).toEqual(['backend']);
    for (const name of APP_SERVICES) {
      // The app drains within 30 s of SIGTERM; Docker's default grace is 10 s.
      expect(seconds(services[name]?.stop_grace_period), name).toBeGreaterThanOrEqual(35);
    }
  });

  it('when the environment is resolved from .env.example, then src/config.ts accepts it: the app as lucro_app, the migration as lucro_owner', () => {
    for (const name of [...APP_SERVICES, 'migrate']) {
      const config = loadConfig(serviceEnv(name, envExample));
      const user = new URL(config.databaseUrl ?? 'postgres://none@none/none').username;
      expect(user, name).toBe(name === 'migrate' ? 'lucro_owner' : 'lucro_app');
      if (name === 'migrate') continue;
      expect(config.host, name).toBe('0.0.0.0');
      expect(config.redisUrl, name).toMatch(/^redis:\/\/:[^@]+@redis:6379$/);
      if (name === 'api') expect(config.port).toBe(8000);
      else expect(config.metricsPort, name).toBeGreaterThan(0);
    }
    // Defaults written in the compose file are values the app accepts too.
    expect(() => APP_SERVICES.forEach((name) => loadConfig(serviceEnv(name, pickSecrets(envExample))))).not.toThrow();
    // Secrets have no defaults: without them the file does not resolve.
    expect(() => serviceEnv('api', {})).toThrow(/LUCRO_APP_PASSWORD is required/);
  });

  it('when .env sets any other setting the app reads, then it reaches api, worker and scheduler; left empty, the app keeps its default', () => {
    // Set by the compose file itself, or not for these containers (the embedded database, key administration, local testing only).
    const notPassed = new Set(['DATABASE_URL', 'REDIS_URL', 'HOST', 'PORT', 'METRICS_PORT', 'LUCRO_DATA_DIR', 'LUCRO_EMBEDDED_PG_PORT', 'KEYS_DATABASE_URL', 'WEBHOOK_ALLOW_PRIVATE_URLS']);
    const settings = [...configVariables()].filter((name) => !notPassed.has(name) && !name.startsWith('OTEL_EXPORTER_OTLP_TRACES') && name !== 'OTEL_TRACES_EXPORTER');
    expect(settings.length).toBeGreaterThan(30);
    for (const service of APP_SERVICES) {
      const passed = serviceEnv(service, { ...envExample, ...Object.fromEntries(settings.map((name) => [name, `set-${name}`])) });
      expect(settings.filter((name) => passed[name] !== `set-${name}`), service).toEqual([]);
    }
    const fromExample = loadConfig(serviceEnv('api', envExample));
    expect(loadConfig(serviceEnv('api', { ...envExample, TRUST_PROXY: '10.0.0.0/8', RATE_LIMIT_PER_SECOND: '50' }))).toMatchObject({ rateLimitPerSecond: 50 });
    expect(loadConfig(serviceEnv('api', { ...envExample, TRUST_PROXY: '10.0.0.0/8' })).trustProxy).not.toEqual(fromExample.trustProxy);
    expect(fromExample.rateLimitPerSecond).toBe(200);
  });

  it('when a compose CLI is installed, then `config -q` accepts the file with .env.example and refuses it without the secrets', () => {
    const cli = composeCli();
    if (cli === undefined) {
      // No compose here: the checks above, on the parsed file, are what this run proves.
      expect(compose.services.api).toBeDefined();
      return;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lucro-compose-'));
    try {
      const empty = path.join(dir, 'empty.env');
      writeFileSync(empty, '');
      const args = (envFile: string) => [...cli.slice(1), '--env-file', envFile, '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'];
      // Only PATH and HOME: a secret exported in this shell must not make the check pass.
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir };
      const accepted = spawnSync(cli[0] as string, args(path.join(ROOT, '.env.example')), { cwd: dir, env, encoding: 'utf8' });
      expect(accepted.stderr).toBe('');
      expect(accepted.status).toBe(0);
      const refused = spawnSync(cli[0] as string, args(empty), { cwd: dir, env, encoding: 'utf8' });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/set [A-Z_]+ in \.env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Only the secrets of .env.example: the tuning values then come from the compose file's defaults. */
function pickSecrets(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key.endsWith('_PASSWORD') || key === 'WEBHOOK_SECRET_KEY'));
}

/** `docker-compose` (v1) or `docker compose` (v2), whichever is installed. */
function composeCli(): string[] | undefined {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const lines = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1).trim());
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('when read, then every stage is Node 24 slim and the runtime stage runs dist/ as `node` with the API by default', () => {
    expect(lines('FROM').length).toBeGreaterThanOrEqual(2);
    for (const from of lines('FROM')) expect(from).toMatch(/^node:24-bookworm-slim\b/);
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV .*\bNODE_ENV=production\b.*\bHOST=0\.0\.0\.0\b.*\bPORT=8000\b/m);
    expect(runtime).toMatch(/^EXPOSE 8000$/m);
    expect(lines('ENTRYPOINT')).toEqual(['["node", "dist/cli/main.js"]']);
    expect(lines('CMD')).toEqual(['["api"]']);
    expect(lines('HEALTHCHECK')).toHaveLength(1);
    expect(lines('HEALTHCHECK')[0]).toMatch(/fetch\(.*\/healthz/);
    for (const dir of ['dist', 'migrations', 'bin', 'node_modules']) expect(runtime).toMatch(new RegExp(`^COPY .*\\b${dir}\\b`, 'm'));
  });

  it('when built, then what it copies exists, is not ignored, and dist/cli/main.js is what tsconfig.build.json makes of src/cli/main.ts', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const entry of ['node_modules', '.git', '.lucro', 'dist', '.env', 'coverage', 'bench/results']) expect(ignored).toContain(entry);
    const fromContext = lines('COPY')
      .filter((line) => !line.startsWith('--from='))
      .flatMap((line) => line.split(/\s+/).slice(0, -1));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(path.join(ROOT, 'src/cli/main.ts'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Environment variables everywhere

describe('environment variables in deployment files', () => {
  const known = configVariables();

  it('when src/config.ts is read, then its variables are found', () => {
    for (const name of ['DATABASE_URL', 'LUCRO_DATA_DIR', 'REDIS_URL', 'PORT', 'HOST', 'WORKER_CONCURRENCY', 'ENRICHMENT_LATENCY_MS', 'PROCESSING_LEASE_MS', 'MAX_ATTEMPTS', 'MAX_BATCH_SIZE', 'LOG_LEVEL', 'METRICS_PORT', 'QUEUE_PREFIX', 'CATEGORIZER', 'SCHEDULER_INTERVAL_MS', 'REDISPATCH_AFTER_MS']) {
      expect(known, name).toContain(name);
    }
  });

  it('when the manifests, compose file, .env.example, Dockerfile and docs/operations.md name a variable, then the app reads it or it is a listed deployment variable', () => {
    const named: Array<[string, string]> = [];
    for (const m of applied) {
      if (m.kind !== 'Deployment' && m.kind !== 'Job') continue;
      for (const container of allContainers(template(m).spec)) {
        for (const variable of container.env ?? []) named.push([`${m.file} ${container.name}`, variable.name]);
        for (const from of container.envFrom ?? []) {
          const configMap = from.configMapRef ? only('ConfigMap', from.configMapRef.name) : undefined;
          for (const key of Object.keys(configMap?.data ?? {})) named.push([`${m.file} ${configMap?.metadata.name}`, key]);
        }
      }
    }
    for (const [service, definition] of Object.entries(compose.services)) {
      for (const key of Object.keys(definition.environment ?? {})) named.push([`docker-compose.yml ${service}`, key]);
    }
    for (const [, name] of composeText.matchAll(/\$\{([A-Za-z0-9_]+)/g)) named.push(['docker-compose.yml interpolation', name as string]);
    const envExampleText = read('.env.example');
    for (const key of Object.keys(envExample)) named.push(['.env.example', key]);
    for (const token of variableTokens(envExampleText)) named.push(['.env.example text', token]);
    for (const line of read('Dockerfile').split('\n').filter((l) => l.startsWith('ENV '))) {
      for (const [, name] of line.matchAll(/([A-Z][A-Z0-9_]*)=/g)) named.push(['Dockerfile ENV', name as string]);
    }
    for (const [, name] of read('Dockerfile').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) named.push(['Dockerfile HEALTHCHECK', name as string]);
    for (const token of variableTokens(read('docs/operations.md'))) named.push(['docs/operations.md', token]);

    expect(named.length).toBeGreaterThan(40);
    const unknown = named.filter(([, name]) => !known.has(name) && !DEPLOYMENT_VARIABLES.has(name)).map(([where, name]) => `${where}: ${name}`);
    expect(unknown).toEqual([]);
    // .env.example documents every variable the compose file reads from it.
    const interpolated = new Set([...composeText.matchAll(/\$\{([A-Za-z0-9_]+)/g)].map((m) => m[1] as string));
    expect(new Set(Object.keys(envExample))).toEqual(interpolated);
  });

  it('when docs/operations.md names a metric, then the app exports it, and it names every metric of src/infra/metrics.ts', async () => {
    const exported = new Set(
      (await new Metrics().registry.getMetricsAsJSON()).map((metric) => metric.name),
    );
    const docs = read('docs/operations.md');
    const named = new Set([...docs.matchAll(/\blucro_[a-z0-9_]+\b/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    // Role names share the prefix.
    for (const role of ['lucro_owner', 'lucro_app', 'lucro_keys']) named.delete(role);
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
    const own = [...read('src/infra/metrics.ts').matchAll(/name: '(lucro_[a-z0-9_]+)'/g)].map((m) => m[1] as string);
    expect(own.length).toBeGreaterThan(5);
    expect(own.filter((name) => !named.has(name))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Database roles on a real PostgreSQL

/** Roles are cluster-wide: this run's own names, dropped at the end, so parallel runs never meet. */
const suffix = randomBytes(5).toString('hex');
const database = `lucro_roles_${suffix}`;
const ownerRole = `lucro_owner_${suffix}`;
const appRole = `lucro_app_${suffix}`;
const keysRole = `lucro_keys_${suffix}`;
const ownerPassword = randomBytes(12).toString('hex');
const appPassword = randomBytes(12).toString('hex');
const keysPassword = randomBytes(12).toString('hex');

function urlAs(role: string, password: string): string {
  const url = new URL(databaseUrlFor(database));
  url.username = role;
  url.password = password;
  return url.toString();
}

/** Runs a file of deploy/sql through psql, the way an operator does. */
async function psql(file: string, url: string, env: Record<string, string> = {}): Promise<void> {
  await run('psql', ['-X', '-q', '-d', url, '-v', `owner_role=${ownerRole}`, '-v', `app_role=${appRole}`, '-v', `keys_role=${keysRole}`, '-f', path.join(ROOT, 'deploy/sql', file)], {
    env: { ...process.env, ...env },
  });
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, db = 'postgres'): Promise<T> {
  const url = new URL(adminUrl());
  url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A key made the way operators make them: `lucro keys create` as the key administration role. */
async function keyFromKeysRole(integration: string): Promise<string> {
  const container = await createContainer(keyAdminConfig(loadConfig({ DATABASE_URL: urlAs(appRole, appPassword), KEYS_DATABASE_URL: urlAs(keysRole, keysPassword) })), {
    role: 'keys',
  });
  try {
    return (await container.auth.createKey(integration, ['ingest', 'reports'])).key;
  } finally {
    await container.close();
  }
}

/** Every privilege a role (the app's unless named) holds in the database, for before/after comparisons. */
async function appPrivileges(role = appRole): Promise<string[]> {
  return admin(async (client) => {
    const { rows } = await client.query<{ privilege: string }>(
      `SELECT c.relname || ':' || p.privilege_type AS privilege
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         CROSS JOIN LATERAL aclexplode(c.relacl) p
        WHERE p.grantee = $1::regrole
       UNION ALL
       SELECT 'default:' || d.defaclobjtype::text || ':' || p.privilege_type
         FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) p
        WHERE p.grantee = $1::regrole
       ORDER BY 1`,
      [role],
    );
    return rows.map((r) => r.privilege);
  }, database);
}

describe('database roles (deploy/sql) on PostgreSQL', () => {
  let app: pg.Client;

  beforeAll(async () => {
    const psqlFound = spawnSync('psql', ['--version'], { encoding: 'utf8' });
    expect(psqlFound.status, 'psql (postgresql-client 15+) must be on PATH to apply deploy/sql').toBe(0);
    await admin((client) => client.query(`CREATE DATABASE ${database}`));
    await psql('roles.sql', databaseUrlFor(database), {
      LUCRO_OWNER_PASSWORD: ownerPassword,
      LUCRO_APP_PASSWORD: appPassword,
      LUCRO_KEYS_PASSWORD: keysPassword,
    });
    const ownerPool = createPool(urlAs(ownerRole, ownerPassword), { max: 1 });
    try {
      await migrate(ownerPool);
    } finally {
      await ownerPool.end();
    }
    await psql('grants.sql', urlAs(ownerRole, ownerPassword));
    app = new pg.Client({ connectionString: urlAs(appRole, appPassword) });
    await app.connect();
  });

  afterAll(async () => {
    await app?.end().catch(() => {});
    await admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${appRole}`);
      await client.query(`DROP ROLE IF EXISTS ${keysRole}`);
      await client.query(`DROP ROLE IF EXISTS ${ownerRole}`);
    });
  });

  async function denied(sql: string): Promise<void> {
    await expect(app.query(sql), sql).rejects.toMatchObject({ code: '42501' });
  }

  it('when set up, then the owner owns every table, every role has a password, and none is privileged', async () => {
    const owners = await admin(
      (client) => client.query<{ owner: string }>(`SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'`),
      database,
    );
    expect(owners.rows.map((r) => r.owner)).toEqual([ownerRole]);
    const roles = await admin((client) =>
      client.query<{ rolname: string; has_password: boolean; privileged: boolean }>(
        `SELECT rolname, rolpassword IS NOT NULL AS has_password,
                rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls AS privileged
           FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname`,
        [[ownerRole, appRole, keysRole]],
      ),
    );
    expect(roles.rows).toEqual([
      { rolname: appRole, has_password: true, privileged: false },
      { rolname: keysRole, has_password: true, privileged: false },
      { rolname: ownerRole, has_password: true, privileged: false },
    ]);
  });

  it('when connected as the app role, then it reads, inserts and updates, and deletes idempotency keys', async () => {
    const integration = await admin((client) => client.query<{ id: number }>(`INSERT INTO integrations (name) VALUES ('roles-test') RETURNING id`), database);
    const integrationId = integration.rows[0]?.id;
    const account = await app.query<{ id: number }>(
      `INSERT INTO accounts (integration_id, external_id, currency) VALUES ($1, 'ACC-1', 'USD') RETURNING id`,
      [integrationId],
    );
    const batchId = '00000000-0000-4000-8000-000000000001';
    await app.query(`INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates) VALUES ($1, $2, $3, 1, 1, 0)`, [
      batchId,
      integrationId,
      account.rows[0]?.id,
    ]);
    await app.query(
      `INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, raw) VALUES ($1, $2, 'TX-1', '2026-11-02', -12.50, 'USD', '{}')`,
      [account.rows[0]?.id, batchId],
    );
    const updated = await app.query(`UPDATE transactions SET status = 'completed', category = 'FOOD_AND_DRINK' WHERE transaction_id = 'TX-1'`);
    expect(updated.rowCount).toBe(1);
    const read = await app.query<{ category: string }>(`SELECT category FROM transactions WHERE transaction_id = 'TX-1'`);
    expect(read.rows).toEqual([{ category: 'FOOD_AND_DRINK' }]);

    await app.query(
      `INSERT INTO idempotency_keys (integration_id, key, request_hash, response_status, response_body, expires_at)
       VALUES ($1, 'k1', '\\x00', 202, '{}', now() - interval '1 day')`,
      [integrationId],
    );
    const purged = await app.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`);
    expect(purged.rowCount).toBe(1);
  });

  it('when connected as the app role, then it cannot change the schema, delete transactions, or create anything', async () => {
    await denied('DROP TABLE transactions');
    await denied('CREATE TABLE x (id int)');
    await denied('CREATE TABLE public.x (id int)');
    await denied('ALTER TABLE transactions ADD COLUMN x int');
    await denied('DELETE FROM transactions');
    await denied('DELETE FROM accounts');
    await denied('TRUNCATE idempotency_keys');
    await denied('CREATE TEMP TABLE x (id int)');
    await denied('CREATE SCHEMA x');
    await denied('CREATE INDEX x ON transactions (date)');
    // Still connected and usable after the refusals.
    expect((await app.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('when roles.sql and grants.sql run again, then they succeed, change nothing, and take back a privilege granted by hand', async () => {
    const before = await appPrivileges();
    expect(before).toContain('idempotency_keys:DELETE');
    expect(before.filter((p) => p.endsWith(':DELETE'))).toEqual(['admin_sessions:DELETE', 'change_commits:DELETE', 'changes:DELETE', 'corrections:DELETE', 'idempotency_keys:DELETE', 'webhook_deliveries:DELETE', 'webhook_events:DELETE', 'worker_heartbeats:DELETE']);
    expect(before.filter((p) => p.startsWith('default:'))).toEqual([]);

    await psql('roles.sql', databaseUrlFor(database));
    expect(await appPrivileges()).toEqual(before);

    await admin((client) => client.query(`GRANT DELETE, TRUNCATE ON transactions TO ${appRole}`), database);
    expect(await appPrivileges()).toContain('transactions:DELETE');
    await psql('grants.sql', urlAs(ownerRole, ownerPassword));
    expect(await appPrivileges()).toEqual(before);
    await denied('DELETE FROM transactions');
  });

  it('when a migration has added a table or view, then grants.sql names it: the app can read every one', async () => {
    const { rows } = await admin(
      (client) =>
        client.query<{ table: string }>(
          `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            WHERE c.relkind IN ('r', 'v', 'p', 'm') AND NOT has_table_privilege($1, c.oid, 'SELECT') ORDER BY 1`,
          [appRole],
        ),
      database,
    );
    expect(rows, 'tables the app role cannot read: add them to deploy/sql/grants.sql').toEqual([]);
  });

  it('when connected as the app role, then it can stamp a key used but cannot mint, revoke, re-scope or delete keys, make integrations, or touch migrations', async () => {
    await admin(async (client) => {
      const integration = await client.query<{ id: number }>(`INSERT INTO integrations (name) VALUES ('roles-keys') RETURNING id`);
      await client.query(`INSERT INTO api_keys (integration_id, key_hash, key_prefix, scopes) VALUES ($1, 'h-roles', 'lk_roles', '{ingest}')`, [
        integration.rows[0]?.id,
      ]);
    }, database);
    const stamped = await app.query(`UPDATE api_keys SET last_used_at = now() WHERE key_prefix = 'lk_roles'`);
    expect(stamped.rowCount).toBe(1);
    await denied(`INSERT INTO api_keys (integration_id, key_hash, key_prefix, scopes) SELECT id, 'h2', 'lk_2', '{admin}' FROM integrations LIMIT 1`);
    await denied(`UPDATE api_keys SET revoked_at = NULL WHERE key_prefix = 'lk_roles'`);
    await denied(`UPDATE api_keys SET scopes = '{ingest,reports,admin}' WHERE key_prefix = 'lk_roles'`);
    await denied(`DELETE FROM api_keys`);
    await denied(`INSERT INTO integrations (name) VALUES ('intruder')`);
    await denied(`UPDATE api_key_generation SET generation = 0`);
    await denied(`INSERT INTO schema_migrations (name) VALUES ('999_evil.sql')`);
    await denied(`DELETE FROM schema_migrations`);
  });

  it('when connected as the key administration role, then it manages keys and integrations and reads nothing else', async () => {
    const keys = new pg.Client({ connectionString: urlAs(keysRole, keysPassword) });
    await keys.connect();
    try {
      const integration = await keys.query<{ id: number }>(`INSERT INTO integrations (name) VALUES ('roles-admin') RETURNING id`);
      await keys.query(`INSERT INTO api_keys (integration_id, key_hash, key_prefix, scopes) VALUES ($1, 'h-admin', 'lk_admin', '{reports}')`, [
        integration.rows[0]?.id,
      ]);
      const revoked = await keys.query(`UPDATE api_keys SET revoked_at = now() WHERE key_prefix = 'lk_admin'`);
      expect(revoked.rowCount).toBe(1);
      for (const sql of ['SELECT * FROM transactions', 'SELECT * FROM webhook_secrets', 'INSERT INTO accounts (integration_id, external_id, currency) VALUES (1, \'X\', \'USD\')']) {
        await expect(keys.query(sql), sql).rejects.toMatchObject({ code: '42501' });
      }
    } finally {
      await keys.end();
    }
  });

  it('when lucro keys runs as the app role, then it is refused in one line that names KEYS_DATABASE_URL, with no stack', async () => {
    const { code, stderr } = await runLucro(['keys', 'create', '--integration', 'evil', '--scopes', 'ingest'], { DATABASE_URL: urlAs(appRole, appPassword) });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').filter((line) => line.startsWith('lucro:'))).toEqual([expect.stringContaining('KEYS_DATABASE_URL')]);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('when the app runs as the app role, then ingestion, enrichment and the scheduler sweep (which purges keys) all work', async () => {
    const config = loadConfig({ DATABASE_URL: urlAs(appRole, appPassword), LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '0' });
    const container = await createContainer(config);
    const http = await buildApp(container);
    try {
      await http.ready();
      const key = await keyFromKeysRole('acme');
      const posted = await http.inject({
        method: 'POST',
        url: '/api/integrations/transactions/',
        headers: { ...bearer(key), 'idempotency-key': 'roles-1' },
        payload: batchBody(3),
      });
      expect(posted.statusCode).toBe(202);
      const batchId = posted.json<{ batch_id: string }>().batch_id;

      container.worker.start();
      let status = '';
      for (let i = 0; i < 200 && status !== 'completed'; i++) {
        const batch = await http.inject({ method: 'GET', url: `/api/batches/${batchId}`, headers: bearer(key) });
        status = batch.json<{ status: string }>().status;
        if (status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe('completed');
      const summary = await http.inject({ method: 'GET', url: '/api/reports/account/ACC-001/summary', headers: bearer(key) });
      expect(summary.statusCode).toBe(200);
      expect(summary.json<{ total_transactions: number }>().total_transactions).toBe(3);

      // A correction, and taking it back (which deletes the correction the learner kept).
      const patch = (category: string | null) =>
        http.inject({
          method: 'PATCH',
          url: '/api/accounts/ACC-001/transactions/TX-1',
          headers: { ...bearer(key), 'content-type': 'application/json' },
          payload: JSON.stringify({ category }),
        });
      expect((await patch('TRAVEL')).json()).toMatchObject({ category: 'TRAVEL', category_source: 'user', category_locked: true });
      const unlocked = await patch(null);
      expect(unlocked.statusCode).toBe(200);
      expect(unlocked.json()).toMatchObject({ category_locked: false });
      const kept = await admin((client) => client.query(`SELECT 1 FROM corrections`), database);
      expect(kept.rowCount).toBe(0);

      await admin((client) => client.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 minute'`), database);
      await container.maintenance.sweep();
      const left = await admin((client) => client.query(`SELECT 1 FROM idempotency_keys`), database);
      expect(left.rowCount).toBe(0);
    } finally {
      await http.close();
      await container.worker.stop().catch(() => {});
      await container.close();
    }
  });
});
