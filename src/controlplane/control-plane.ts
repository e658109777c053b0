// Assembles the whole control plane in one process, as kube-apiserver plus the parts of
// kube-controller-manager kauth needs: storage → registry → admission → authn/authz → HTTPS server,
// the informers that keep the authorizers' indexes current, and the controllers.
import { readFileSync } from 'node:fs';
import { selectAdmissionPlugins } from '../admission/enabled-plugins.js';
import { AdmissionChain, admittedCreate, type AdmissionPlugin } from '../admission/interface.js';
import { namespaceLifecycle } from '../admission/namespace-lifecycle.js';
import { nodeRestriction } from '../admission/node-restriction.js';
import { serviceAccountAdmission } from '../admission/serviceaccount.js';
import { serviceIpAllocator, serviceRange } from '../admission/service-ip.js';
import { buildAuthenticator } from '../authn/chain.js';
import { ConditionalAnonymousAuthenticator } from '../authn/jwt/anonymous-conditions.js';
import { withAnonymousFallback } from '../authn/union.js';
import type { Authenticator } from '../authn/interfaces.js';
import type { Authorizer } from '../authz/interfaces.js';
import {
  AUTHENTICATION_CONFIGMAP_NAME,
  ClusterAuthenticationTrustController,
} from '../controllers/cluster-authentication-trust.js';
import { ServiceAccountsController } from '../controllers/serviceaccounts.js';
import { NamespaceDeletionController } from '../controllers/namespace-deletion.js';
import { ROOT_CA_CONFIGMAP, RootCaPublisher } from '../controllers/root-ca.js';
import { TokenSecretsController } from '../controllers/token-secrets.js';
import { Informer, type WorkQueue } from '../controllers/informer.js';
import { setupApiExtensions } from '../apiextensions/index.js';
import { ResourceRegistry } from '../registry/resource-registry.js';
import type { LeaderElector, LeaderGate } from '../controllers/leader-election.js';
import { log } from '../log.js';
import { ObjectStore } from '../registry/object-store.js';
import { RestHandler } from '../registry/rest.js';
import { configMaps, events, nodes, secrets, serviceAccounts } from '../registry/resources/core.js';
import { deployments } from '../registry/resources/deployments.js';
import { namespaces } from '../registry/resources/namespaces.js';
import { pods } from '../registry/resources/pods.js';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from '../registry/resources/rbac.js';
import { reviewResources } from '../registry/resources/reviews.js';
import { services } from '../registry/resources/services.js';
import { builtinKinds } from '../registry/resources/builtin.js';
import { tokenSubresource } from '../registry/resources/serviceaccount-token.js';
import type { ResourceDef } from '../registry/types.js';
import { TokenIssuer } from '../serviceaccount/issue.js';
import { loadPublicKeys, loadSigningKey, type ServiceAccountPublicKey } from '../serviceaccount/keys.js';
import { openStore, type StoreSpec } from '../storage/index.js';
import { encryptionAtRest } from '../storage/encryption/index.js';
import type { Store } from '../storage/interface.js';
import { buildAuthorization, type AuthorizationSetup } from './authorization-modes.js';
import {
  buildRequestHeaderAuthenticator,
  buildStructuredAuthentication,
  buildTokenAuthenticators,
} from './authentication-setup.js';
import { setupCertificates, type CertificatesSetup } from './certificates-setup.js';
import { bootstrapObjects, kubeadmClusterAdminsBinding } from './bootstrap.js';
import { WarmUp } from './warm-up.js';
import { KUBERNETES_VERSION, type ControlPlaneConfig } from './config.js';
import { impersonate } from '../server/filters/impersonation.js';
import type { OpenApiV3 } from '../server/routes/openapi.js';
import type { OpenApiV2 } from '../server/routes/openapi-v2.js';
import { oidcDiscoveryRoutes } from '../server/routes/oidc-discovery.js';
import { CONSOLE_PREFIX, consoleRoute } from '../server/routes/ui.js';
import { ApiServer, type NonResourceHandler } from '../server/server.js';
import { instrumentAuthenticator, instrumentRequestAuthorizer, setupOperations } from '../metrics/index.js';
import { httpsUrl, joinHostPort, reachableHost } from '../api/host-port.js';
import { setupAudit, type Auditor } from '../audit/index.js';
import { isLongRunning } from '../server/filters/max-inflight.js';

/**
 * Observation points into the assembly, for tests (the fuzz suite compares what was authorized with what
 * was stored). Each wraps one part and must return something with the same contract; all are optional.
 */
export interface ControlPlaneHooks {
  /** Wraps the store every reader and writer uses: registry, informers, controllers. */
  wrapStore?(store: Store): Store;
  /** Wraps the authorizer every caller uses: the request filter, impersonation, reviews, admission. */
  wrapAuthorizer?(authorizer: Authorizer): Authorizer;
  /** Wraps the request authenticator, which each request reaches first after its path is parsed. */
  wrapAuthenticator?(authenticator: Authenticator): Authenticator;
}

export class ControlPlane {
  private constructor(
    readonly config: ControlPlaneConfig,
    readonly store: Store,
    readonly objects: ObjectStore,
    readonly server: ApiServer,
    readonly address: { address: string; port: number },
    private readonly informers: Informer[],
    private readonly queues: WorkQueue[],
    private readonly authz: AuthorizationSetup,
    private readonly certificates: CertificatesSetup,
    private readonly closers: (() => void)[],
  ) {}

  /** Set when controllers run under leader election (etcd). */
  elector?: LeaderElector;
  /** The request audit log; closed (its buffers flushed) on stop. */
  auditor?: Auditor;

  get url(): string {
    return httpsUrl(this.address.address, this.address.port);
  }

  /** Starts everything, or — when a part fails half-way — stops what had started before rethrowing. */
  static async start(config: ControlPlaneConfig, hooks: ControlPlaneHooks = {}): Promise<ControlPlane> {
    performance.mark(ASSEMBLY_STARTED);
    const started = new StartedParts();
    try {
      return await ControlPlane.assemble(config, hooks, started);
    } catch (e) {
      await started.stopAll();
      throw e;
    }
  }

  private static async assemble(
    config: ControlPlaneConfig,
    hooks: ControlPlaneHooks,
    started: StartedParts,
  ): Promise<ControlPlane> {
    const tlsCertPem = readFileSync(config.tlsCertFile, 'utf8');
    const tlsKeyPem = readFileSync(config.tlsPrivateKeyFile, 'utf8');
    const clientCaPem = config.clientCaFile ? readFileSync(config.clientCaFile, 'utf8') : undefined;
    const rootCaPem = config.rootCaFile ? readFileSync(config.rootCaFile, 'utf8') : (clientCaPem ?? '');
    const issuers = config.serviceAccountIssuers;
    const apiAudiences = config.apiAudiences.length ? config.apiAudiences : issuers;
    // --authentication-config / --oidc-* are checked before anything starts (kube refuses to start on them).
    const structured = await buildStructuredAuthentication(config);

    // Service-account keys: the signing key's public half always verifies too.
    const signingKey = config.serviceAccountSigningKeyFile
      ? loadSigningKey(config.serviceAccountSigningKeyFile)
      : undefined;
    const publicKeys: ServiceAccountPublicKey[] = config.serviceAccountKeyFiles.length
      ? loadPublicKeys(config.serviceAccountKeyFiles)
      : [];
    if (signingKey && !publicKeys.some((k) => k.kid === signingKey.kid)) publicKeys.push(signingKey);
    const issuer = signingKey
      ? new TokenIssuer({
          issuer: issuers[0]!,
          signingKey,
          apiAudiences,
          extendExpiration: config.serviceAccountExtendTokenExpiration,
        })
      : undefined;

    // --encryption-provider-config is loaded before the store opens: a bad file stops the start with kube's error.
    const encryption = config.encryptionProviderConfig
      ? await encryptionAtRest({
          path: config.encryptionProviderConfig,
          automaticReload: config.encryptionProviderConfigAutomaticReload,
        })
      : undefined;
    const raw = await openStore(storeSpec(config));
    const opened = encryption ? encryption(raw) : raw;
    const store = hooks.wrapStore ? hooks.wrapStore(opened) : opened;
    started.add(() => store.close());
    let objects!: ObjectStore;
    let tokenReviewAuthenticator: Authenticator | undefined;
    let authz!: AuthorizationSetup;

    const saDef: ResourceDef = {
      ...serviceAccounts,
      subresources: {
        // TokenRequests are admitted (NodeRestriction) before the token is issued.
        token: admittedCreate(
          tokenSubresource({
            getter: () => objects,
            issuer: () => issuer,
            apiAudiences,
            maxExpirationSeconds: config.serviceAccountMaxTokenExpiration,
          }),
          serviceAccounts,
          () => admission,
        ),
      },
    };
    const certificates = setupCertificates({ objects: () => objects, authorizer: () => authz.authorizer, config });
    // The remaining built-in kinds (jobs, leases, ingresses, …) as data; componentstatuses probe the store.
    const builtin = builtinKinds(() =>
      storageReachable(store).then(
        () => undefined,
        (e: Error) => e.message,
      ),
    );
    const defs: ResourceDef[] = [
      namespaces,
      pods,
      saDef,
      secrets,
      configMaps,
      events,
      nodes,
      services,
      deployments,
      roles,
      clusterRoles,
      roleBindings,
      clusterRoleBindings,
      ...certificates.defs,
      ...reviewResources({
        authorizer: () => authz.authorizer,
        ruleResolvers: () => authz.ruleResolvers,
        authenticator: () => tokenReviewAuthenticator,
        apiAudiences: () => apiAudiences,
      }),
      ...builtin.defs,
    ];
    // CustomResourceDefinitions add and remove defs at run time: `defs` is the registry's own list.
    const apiExtensions = setupApiExtensions();
    defs.push(apiExtensions.def);
    const registry = new ResourceRegistry(defs);
    objects = new ObjectStore(store, defs);

    // /metrics, the in-flight limits and the request deadline (docs/operations.md); each authorizer reports to it.
    const operations = setupOperations(config, {
      store,
      defs: () => registry.all(),
      prefixOf: (d) => objects.prefix(d),
    });
    authz = await buildAuthorization(config, objects, operations.metrics);
    started.add(() => authz.stop());
    if (hooks.wrapAuthorizer) authz.authorizer = hooks.wrapAuthorizer(authz.authorizer);
    // --enable/--disable-admission-plugins pick among the kube plugins; NodeRestriction runs after ServiceAccount as in kube.
    const plugins: AdmissionPlugin[] = selectAdmissionPlugins(
      [
        namespaceLifecycle(() => objects),
        serviceAccountAdmission(() => objects),
        nodeRestriction({ objects: () => objects, authorizer: () => authz.authorizer }),
        serviceIpAllocator(() => objects, config.serviceClusterIpRange),
        ...authz.admission,
        ...certificates.admission,
      ],
      config.enableAdmissionPlugins,
      config.disableAdmissionPlugins,
    );
    const admission = new AdmissionChain(plugins);
    const rest = new RestHandler(objects, admission);

    // Informers feed the authorizers' indexes and the controllers.
    const informer = (resource: string): Informer => new Informer(objects, objects.def(resource));
    const inf = {
      namespaces: informer('namespaces'),
      serviceaccounts: informer('serviceaccounts'),
      secrets: informer('secrets'),
      // The two controllers that read ConfigMaps need one name each: only those are cached (docs/scale.md).
      configmaps: new Informer(objects, objects.def('configmaps'), {
        names: [ROOT_CA_CONFIGMAP, AUTHENTICATION_CONFIGMAP_NAME],
      }),
    };
    const crds = apiExtensions.start(objects, registry);
    started.add(() => crds.controller.stop());
    const informers: Informer[] = [...Object.values(inf), ...authz.informers, crds.informer];
    const queues: WorkQueue[] = [];
    started.add(() => {
      for (const q of queues) q.stop();
    });
    started.add(() => {
      for (const i of informers) i.stop();
    });
    queues.push(new ServiceAccountsController(objects, inf.namespaces, inf.serviceaccounts).queue);
    queues.push(new NamespaceDeletionController(objects, inf.namespaces).queue);
    if (rootCaPem) queues.push(new RootCaPublisher(objects, rootCaPem, inf.namespaces, inf.configmaps).queue);
    queues.push(
      new ClusterAuthenticationTrustController(
        objects,
        {
          clientCaPem,
          requestHeader: config.requestheaderClientCaFile
            ? {
                caPem: readFileSync(config.requestheaderClientCaFile, 'utf8'),
                allowedNames: config.requestheaderAllowedNames,
                usernameHeaders: config.requestheaderUsernameHeaders,
                uidHeaders: config.requestheaderUidHeaders,
                groupHeaders: config.requestheaderGroupHeaders,
                extraHeaderPrefixes: config.requestheaderExtraHeadersPrefix,
              }
            : undefined,
        },
        inf.namespaces,
        inf.configmaps,
      ).queue,
    );
    if (issuer)
      queues.push(new TokenSecretsController(objects, issuer, rootCaPem, inf.secrets, inf.serviceaccounts).queue);
    queues.push(...authz.queues);

    await bootstrapObjects(objects, {
      kubernetesServiceIp: serviceRange(config.serviceClusterIpRange).firstIp,
      securePort: config.securePort,
      bindAddress: config.bindAddress,
      extra: [
        ...authz.bootstrap,
        ...certificates.bootstrap,
        ...builtin.bootstrap,
        ...(config.kubeadmClusterAdminsBinding ? [kubeadmClusterAdminsBinding()] : []),
      ],
    });
    // With etcd, several replicas share the store: controllers run only on the one holding the Lease.
    // (Its module is loaded only then.)
    const leaderElection =
      config.leaderElect && storeSpec(config).backend === 'etcd'
        ? await import('../controllers/leader-election.js')
        : undefined;
    const gate: LeaderGate | undefined = leaderElection && new leaderElection.LeaderGate();
    gate?.add(...queues);
    for (const i of informers) await i.start();
    started.add(() => certificates.stop());
    const certificateQueues = await certificates.start();
    gate?.add(...certificateQueues); // synchronously after their informer's first delivery: nothing ran yet
    queues.push(...certificateQueues);
    const elector =
      leaderElection &&
      gate &&
      new leaderElection.LeaderElector({
        store,
        leaseDurationMs: config.leaderElectLeaseDuration * 1000,
        renewDeadlineMs: config.leaderElectRenewDeadline * 1000,
        retryPeriodMs: config.leaderElectRetryPeriod * 1000,
        onStartedLeading: () => gate.started(),
        onStoppedLeading: () => gate.stopped(),
      });
    elector?.start();
    if (elector) started.add(() => elector.stop());

    const closers: (() => void)[] = [];
    started.add(() => {
      for (const close of closers) close();
    });
    closers.push(() => crds.controller.stop());
    closers.push(structured.close);
    const tokenAuthenticator = await buildTokenAuthenticators({
      config,
      getter: objects,
      publicKeys,
      issuers,
      apiAudiences,
      jwt: structured.tokenAuthenticator,
      onClose: (c) => closers.push(c),
    });
    const anonymousPaths = structured.anonymous.paths;
    const requestHeader = buildRequestHeaderAuthenticator(config, apiAudiences);
    const authnOptions = {
      clientCaPems: clientCaPem ? [clientCaPem] : undefined,
      tokenAuthenticators: tokenAuthenticator ? [tokenAuthenticator] : [],
      anonymous: structured.anonymous.enabled && anonymousPaths.length === 0,
      before: requestHeader ? [requestHeader] : [],
      apiAudiences,
    };
    let built = buildAuthenticator(authnOptions);
    // The configuration file's anonymous section with conditions: anonymous on those paths only.
    if (structured.anonymous.enabled && anonymousPaths.length)
      built = withAnonymousFallback(built, new ConditionalAnonymousAuthenticator(anonymousPaths));
    const authenticator = hooks.wrapAuthenticator ? hooks.wrapAuthenticator(built) : built;
    // TokenReview runs the same chain (group adder included) minus the 10 s cache: a review sees a revoked token at once.
    tokenReviewAuthenticator = tokenAuthenticator
      ? buildAuthenticator({ ...authnOptions, tokenCache: false })
      : undefined;

    const routes = new Map<string, NonResourceHandler>();
    // The OpenAPI documents' modules are loaded by the first request for one, not at start-up.
    let openapiV3: Promise<OpenApiV3> | undefined;
    const openapi = (): Promise<OpenApiV3> =>
      (openapiV3 ??= import('../server/routes/openapi.js').then(
        (m) => new m.OpenApiV3(defs, KUBERNETES_VERSION.gitVersion, registry),
      ));
    routes.set('/openapi/v3', async (ctx) => (await openapi()).serve(ctx));
    let openapiV2: Promise<OpenApiV2> | undefined;
    routes.set('/openapi/v2', async (ctx) =>
      (
        await (openapiV2 ??= import('../server/routes/openapi-v2.js').then(
          (m) => new m.OpenApiV2(defs, KUBERNETES_VERSION.gitVersion),
        ))
      ).serve(ctx),
    );
    const externalAddress = joinHostPort(reachableHost(config.bindAddress), config.securePort);
    for (const [path, h] of oidcDiscoveryRoutes({
      issuer: issuers[0]!,
      jwksUri: config.serviceAccountJwksUri,
      externalAddress,
      publicKeys,
    }))
      routes.set(path, h);
    routes.set('/metrics', operations.metricsRoute);

    // The request audit log (docs/audit-log.md): --audit-policy-file, --audit-log-*, --audit-webhook-*.
    const auditor = await setupAudit(config, isLongRunning);
    started.add(() => auditor.close());
    const warmUp = new WarmUp([() => operations.metrics.load()]);
    closers.push(() => warmUp.stop());

    const server = new ApiServer({
      bindAddress: config.bindAddress,
      securePort: config.securePort,
      tlsCertPem,
      tlsKeyPem,
      clientCaPem,
      authenticator: instrumentAuthenticator(authenticator, operations.metrics),
      impersonate: async (requester, req) =>
        (await impersonate(requester, req.headers, authz.authorizer, req.headersDistinct)).user,
      authorizer: instrumentRequestAuthorizer(authz.authorizer, operations.metrics),
      auditor,
      observer: warmUp.observe(operations.metrics),
      maxInFlight: operations.limiter,
      requestTimeoutSeconds: config.requestTimeout,
      rest,
      defs,
      routes,
      registry,
      prefixRoutes: [['/openapi/v3/', async (ctx) => (await openapi()).serve(ctx)]],
      // The web console's static assets (docs/console.md): no data, served to anyone like /livez.
      publicRoutes: [[CONSOLE_PREFIX, consoleRoute()]],
      healthChecks: [
        { name: 'ping', check: () => undefined },
        { name: 'log', check: () => undefined },
        { name: 'etcd', check: () => storageReachable(store) },
        { name: 'poststarthook/rbac/bootstrap-roles', check: () => undefined },
      ],
      version: {
        ...KUBERNETES_VERSION,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-11-22T00:00:00Z',
        goVersion: `node${process.versions.node}`,
        compiler: 'tsc',
        platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
      },
    });
    const address = await server.listen();
    warmUp.arm();
    log.info({ url: httpsUrl(address.address, address.port), startup: startupTimes() }, 'kauth API server listening');
    const controlPlane = new ControlPlane(
      config,
      store,
      objects,
      server,
      address,
      informers,
      queues,
      authz,
      certificates,
      closers,
    );
    controlPlane.elector = elector;
    controlPlane.auditor = auditor;
    return controlPlane;
  }

  /** Waits until the controllers have nothing queued (tests and `kauth up` use it). */
  async settle(): Promise<void> {
    for (const q of this.queues) await q.idle();
  }

  async stop(): Promise<void> {
    // A leader releases the Lease first, so another replica's controllers take over at once.
    await this.elector?.stop();
    await this.server.close(this.config.shutdownGraceMs);
    await this.auditor?.close();
    for (const q of this.queues) q.stop();
    for (const i of this.informers) i.stop();
    this.authz.stop();
    this.certificates.stop();
    for (const close of this.closers) close();
    await this.store.close();
  }
}

/** Marked when `kauth up`/`server` begins its command (node and the modules are loaded by then). */
export const COMMAND_STARTED = 'kauth:command-started';
const ASSEMBLY_STARTED = 'kauth:assembly-started';

/**
 * Start-up time in ms since the process started (node's own boot included), by phase, for the listening log line:
 * start-up time is watched (bench/server.ts prints it).
 */
function startupTimes(): { commandStarted?: number; assemblyStarted?: number; listening: number } {
  const at = (name: string): number | undefined => {
    const marks = performance.getEntriesByName(name, 'mark');
    performance.clearMarks(name); // a process that starts many control planes (tests) keeps none
    return marks.length ? Math.round(marks[marks.length - 1]!.startTime) : undefined;
  };
  return {
    commandStarted: at(COMMAND_STARTED),
    assemblyStarted: at(ASSEMBLY_STARTED),
    listening: Math.round(performance.now()),
  };
}

/** What a start has brought up so far, stopped in reverse order when a later step fails. */
class StartedParts {
  private readonly stops: (() => unknown)[] = [];

  add(stop: () => unknown): void {
    this.stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.reverse()) {
      try {
        await stop();
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'stopping a half-started control plane');
      }
    }
  }
}

/** The storage backend the flags ask for: --etcd-servers implies etcd unless --storage-backend says otherwise. */
function storeSpec(config: ControlPlaneConfig): StoreSpec {
  const explicit = config.flagsSet?.includes('storage-backend') ?? false;
  if (config.storageBackend === 'etcd3' || (config.etcdServers.length > 0 && !explicit)) {
    return {
      backend: 'etcd',
      etcd: {
        servers: config.etcdServers,
        prefix: config.etcdPrefix,
        caFile: config.etcdCafile,
        certFile: config.etcdCertfile,
        keyFile: config.etcdKeyfile,
        compactionIntervalMs: config.etcdCompactionInterval * 1000,
      },
    };
  }
  return { backend: config.storageBackend, path: config.storagePath };
}

/** /readyz's etcd check: the store answers a linearizable read within 2 s (kube: its etcd health check). */
async function storageReachable(store: Store): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('etcd did not answer within 2s')), 2000);
  });
  try {
    await Promise.race([store.currentRevision(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
