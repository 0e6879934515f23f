/**
 * deploy/kubernetes/ against the Kubernetes schemas (kubernetes-models: kind/apiVersion → model,
 * `.validate()`), then what the schemas cannot say: only the proxy port is reachable through
 * the Service, the admin port never is, both containers have probes, secrets come from the
 * Secret, nothing runs as root, migrations run as a Job, the PodDisruptionBudget covers the pod,
 * and every variable set is one the monolith or the proxy reads.
 */
import { expect } from 'chai';
import { envSchema } from '../../../src/config/schema.js';
import { proxyEnvSchema } from '../../../proxy/config.js';
import { kubernetesManifests, type Manifest } from '../../helpers/manifests.js';

interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

const MODEL_MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
};

async function modelFor(m: { apiVersion: string; kind: string }): Promise<ModelClass> {
  const load = MODEL_MODULES[m.apiVersion];
  if (!load) throw new Error(`no schema for apiVersion ${m.apiVersion}`);
  const model = (await load())[m.kind];
  if (typeof model !== 'function') throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  return model as ModelClass;
}

interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: { allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean };
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  restartPolicy?: string;
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

const KNOWN_VARIABLES = new Set([
  ...Object.keys(envSchema.shape),
  ...Object.keys(proxyEnvSchema.shape),
]);
const SECRET_VARIABLES = [
  'DATABASE_URL',
  'SESSION_SECRET',
  'JWT_SECRET',
  'RESET_PASSWORD_TOKEN_SECRET',
  'VERIFICATION_TOKEN_SECRET',
  'ROUTING_SECRET',
  'PROXY_ADMIN_TOKEN',
  'PROXY_OVERRIDE_SECRET',
];

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const all = kubernetesManifests();
  const api = all.filter((m) => m.kind !== 'Kustomization');
  const one = (kind: string) => {
    const found = api.filter((m) => m.kind === kind);
    expect(found, kind).to.have.length(1);
    return found[0]!;
  };
  const deployment = one('Deployment') as Manifest & {
    spec: {
      replicas: number;
      selector: { matchLabels: Record<string, string> };
      template: PodTemplate;
    };
  };
  const job = one('Job') as Manifest & { spec: { template: PodTemplate } };
  const service = one('Service') as Manifest & {
    spec: {
      selector: Record<string, string>;
      ports: { port: number; targetPort: string | number }[];
    };
  };
  const pdb = one('PodDisruptionBudget') as Manifest & {
    spec: { minAvailable?: number; selector: { matchLabels: Record<string, string> } };
  };
  const configMap = one('ConfigMap') as Manifest & { data: Record<string, string> };
  const secret = one('Secret') as Manifest & { stringData: Record<string, string> };
  const pod = deployment.spec.template;
  const container = (name: string) => pod.spec.containers.find((c) => c.name === name)!;

  it('when every manifest is validated against its Kubernetes schema, then none has an error', async () => {
    expect(api.length).to.be.at.least(6);
    for (const manifest of api) {
      const { file: _file, ...data } = manifest;
      const Model = await modelFor(manifest);
      expect(() => new Model(data).validate(), `${manifest.file} ${manifest.kind}`).not.to.throw();
    }
  });

  it('when a manifest breaks the schema, then validation fails (the check can fail)', async () => {
    const { file: _file, ...data } = deployment;
    const broken = structuredClone(data) as typeof data;
    (
      broken.spec.template.spec.containers[0]!.ports![0] as { containerPort: unknown }
    ).containerPort = 'http';
    const Model = await modelFor(deployment);
    expect(() => new Model(broken).validate()).to.throw(/containerPort must be integer/);
    await modelFor({ apiVersion: 'v1', kind: 'NoSuchKind' }).then(
      () => expect.fail('an unknown kind must not pass'),
      (error: Error) => expect(error.message).to.contain('no schema'),
    );
  });

  it('when kustomize applies the folder, then it lists every manifest in it', () => {
    const kustomization = all.find((m) => m.kind === 'Kustomization') as Manifest & {
      resources: string[];
    };
    expect([...kustomization.resources].sort()).to.deep.equal(
      [...new Set(api.map((m) => m.file))].sort(),
    );
  });

  it('when the pod runs, then it holds the monolith and the proxy sidecar with the right entry points', () => {
    expect(pod.spec.containers.map((c) => c.name).sort()).to.deep.equal(['monolith', 'proxy']);
    expect(container('monolith').command).to.deep.equal(['node', 'dist/src/main.js']);
    expect(container('proxy').command).to.deep.equal(['node', 'dist/proxy/main.js']);
    expect(deployment.spec.replicas).to.be.at.least(2);
  });

  it('when the Service routes traffic, then it selects the pod and exposes only the proxy port, never the admin or monolith port', () => {
    for (const [key, value] of Object.entries(service.spec.selector))
      expect(pod.metadata.labels[key], key).to.equal(value);
    const portOf = (target: string | number) =>
      typeof target === 'number'
        ? target
        : pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)
            ?.containerPort;
    const targets = service.spec.ports.map((p) => portOf(p.targetPort));
    expect(targets).to.deep.equal([Number(configMap.data.PROXY_PORT)]);
    expect(targets).not.to.include(Number(configMap.data.PROXY_ADMIN_PORT));
    for (const m of api.filter((x) => x.kind === 'Service'))
      expect(JSON.stringify(m), m.metadata.name).not.to.match(/"(admin|8081)"|:8081\b/);
    expect(
      configMap.data.PROXY_ADMIN_HOST,
      'the admin port listens on loopback in the pod',
    ).to.equal('127.0.0.1');
  });

  it('when Kubernetes checks the containers, then both have readiness and liveness probes', () => {
    for (const c of pod.spec.containers) {
      expect(c.readinessProbe, `${c.name} readiness`).to.be.an('object');
      expect(c.livenessProbe, `${c.name} liveness`).to.be.an('object');
    }
    expect(container('monolith').readinessProbe!.httpGet!.path).to.equal('/readyz');
  });

  it('when secrets are needed, then they come from the Secret (envFrom secretRef or secretKeyRef) and never from the ConfigMap', () => {
    for (const spec of [pod.spec, job.spec.template.spec])
      for (const c of spec.containers) {
        const refs = (c.envFrom ?? []).map((e) => e.secretRef?.name).filter(Boolean);
        const keyRefs = (c.env ?? []).flatMap((e) =>
          e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [],
        );
        expect(refs.length + keyRefs.length, c.name).to.be.greaterThan(0);
        for (const name of refs) expect(name).to.equal(secret.metadata.name);
        for (const ref of keyRefs) expect(secret.stringData).to.have.property(ref.key);
        const literal = (c.env ?? []).filter((e) => e.value !== undefined).map((e) => e.name);
        expect(
          literal.filter((name) => SECRET_VARIABLES.includes(name)),
          c.name,
        ).to.deep.equal([]);
      }
    for (const name of SECRET_VARIABLES) {
      expect(configMap.data, name).not.to.have.property(name);
      expect(secret.stringData, name).to.have.property(name);
    }
  });

  it('when the pods start, then nothing runs as root or can escalate', () => {
    for (const spec of [pod.spec, job.spec.template.spec]) {
      expect(spec.securityContext?.runAsNonRoot).to.equal(true);
      expect(spec.securityContext?.runAsUser).to.be.a('number').and.not.equal(0);
      for (const c of spec.containers)
        expect(c.securityContext?.allowPrivilegeEscalation, c.name).to.equal(false);
    }
  });

  it('when a rollout starts, then a Job runs the migrations and finishes', () => {
    const [migrate] = job.spec.template.spec.containers;
    expect(migrate!.command).to.deep.equal(['node', 'dist/src/cli/migrate.js', 'up']);
    expect(['OnFailure', 'Never']).to.include(job.spec.template.spec.restartPolicy);
  });

  it('when nodes are drained, then the PodDisruptionBudget covers the pod and still lets one go', () => {
    for (const [key, value] of Object.entries(pdb.spec.selector.matchLabels))
      expect(pod.metadata.labels[key], key).to.equal(value);
    expect(pdb.spec.minAvailable).to.be.a('number').and.lessThan(deployment.spec.replicas);
  });

  it('when the manifests set a variable, then the monolith or the proxy reads it', () => {
    const set = [
      ...Object.keys(configMap.data),
      ...Object.keys(secret.stringData),
      ...[...pod.spec.containers, ...job.spec.template.spec.containers].flatMap((c) =>
        (c.env ?? []).map((e) => e.name),
      ),
    ];
    expect(set.filter((name) => !KNOWN_VARIABLES.has(name))).to.deep.equal([]);
    expect(KNOWN_VARIABLES.has('NO_SUCH_VARIABLE'), 'the check can fail').to.equal(false);
  });
});
