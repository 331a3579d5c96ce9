package dev.sockerless.aca.functions;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import com.microsoft.durabletask.DurableTaskClient;
import dev.sockerless.aca.agent.JobEnvironment;
import dev.sockerless.aca.arm.ArmEndpoint;
import dev.sockerless.aca.arm.ArmManagers;
import dev.sockerless.aca.blobs.BlobArchiveSource;
import dev.sockerless.aca.blobs.StorageConnection;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.containers.ContainerCreator;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.docker.ContainerHandlers;
import dev.sockerless.aca.docker.ContainerLifecycleHandlers;
import dev.sockerless.aca.docker.ContainerLogsHandler;
import dev.sockerless.aca.docker.FollowLogsHandler;
import dev.sockerless.aca.docker.ImageHandlers;
import dev.sockerless.aca.docker.ImageRemovalHandlers;
import dev.sockerless.aca.docker.InfoHandler;
import dev.sockerless.aca.docker.LoginHandler;
import dev.sockerless.aca.docker.LogsHandler;
import dev.sockerless.aca.follow.FollowPoller;
import dev.sockerless.aca.follow.FollowSettings;
import dev.sockerless.aca.follow.FollowStarter;
import dev.sockerless.aca.follow.FollowTargets;
import dev.sockerless.aca.follow.FollowWatermark;
import dev.sockerless.aca.follow.LogCache;
import dev.sockerless.aca.images.ContentCache;
import dev.sockerless.aca.images.ImageLoader;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.images.ImagePuller;
import dev.sockerless.aca.images.ImageRemover;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.images.ImageTagger;
import dev.sockerless.aca.images.LoadOptions;
import dev.sockerless.aca.images.LoadTempFiles;
import dev.sockerless.aca.lifecycle.ArmJobsApi;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import dev.sockerless.aca.lifecycle.JobsApi;
import dev.sockerless.aca.logs.ExitCodes;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace.EnvironmentId;
import dev.sockerless.aca.logs.WorkspaceLocator;
import dev.sockerless.aca.registry.AcrAudience;
import dev.sockerless.aca.registry.OutboundGuard;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryLogin;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.state.StorageDeadlinePolicy;
import dev.sockerless.aca.state.TableStorageContainerStore;
import dev.sockerless.aca.state.TableStorageImageStore;
import dev.sockerless.aca.state.TableStorageLogCache;
import dev.sockerless.aca.state.Tables;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The composition root: builds the object graph on first use, once per process, from the settings. A failure
 * (a missing setting, unreachable storage) is not memoised, so the next request tries again; nothing here runs at
 * class load. The Functions worker constructs function classes per invocation, so they only hold this.
 */
public final class AppServices {

    /** Built on first use; a failed build (a missing setting) is retried by the next request. */
    private static final Lazy<AppServices> INSTANCE = new Lazy<>(AppServices::create);

    private final ImageHandlers images;
    private final LoginHandler login;
    private final ContainerHandlers containers;
    private final ContainerLifecycleHandlers running;
    private final InfoHandler info;
    private final ImageRemovalHandlers imageRemoval;
    private final ContainerLogsHandler containerLogs;
    private final Lazy<FollowPoller> followPoller;
    private final Lazy<LocalFollowDriver> localFollow;
    private final int pollSeconds;

    AppServices(Settings settings, ImageStore store, ContainerStore containerStore) {
        this(settings, store, containerStore, null);
    }

    /** @param logCache the follow cache, or null to open the Table Storage one on first use */
    AppServices(Settings settings, ImageStore store, ContainerStore containerStore, @Nullable LogCache logCache) {
        Duration timeout = settings.seconds(Settings.Key.SOCKERLESS_REGISTRY_TIMEOUT_SECONDS);
        RegistryEndpoints endpoints = new RegistryEndpoints(
                settings.registryMirrors(), settings.list(Settings.Key.SOCKERLESS_INSECURE_REGISTRIES));
        RegistryTransport transport = new RegistryTransport(
                RegistryTransport.newHttpClient(timeout),
                timeout,
                OutboundGuard.trusting(endpoints.trustedAuthorities()),
                RegistryTransport.RETRIES);
        Registries registries = new Registries(transport, endpoints, Clock.systemUTC(), acrAudience(settings));
        this.login = new LoginHandler(new RegistryLogin(transport, endpoints));
        Platform platform = Platform.parse(settings.require(Settings.Key.SOCKERLESS_DEFAULT_PLATFORM));
        ImagePuller puller = new ImagePuller(registries, store, new ContentCache(64L * 1024 * 1024), Clock.systemUTC());
        ImageLookup lookup = new ImageLookup(store);
        ImageLoader loader = new ImageLoader(registries, store, Clock.systemUTC());
        // Job and agent settings are read at create time; the environment through ARM only when they leave it open.
        ContainerJobs jobs =
                containerJobs(settings, new Lazy<>(() -> new DefaultAzureCredentialBuilder().build()), null);
        Duration statusTtl = settings.seconds(Settings.Key.SOCKERLESS_ARM_STATUS_CACHE_SECONDS);
        ContainerLifecycle lifecycle = new ContainerLifecycle(
                containerStore,
                jobs,
                new Lazy<>(() -> jobsApi(settings)),
                new Lazy<ExitCodes>(() -> logSource(settings)::exitCode),
                Clock.systemUTC(),
                statusTtl,
                statusTtl,
                d -> Thread.sleep(d.toMillis()));
        this.containers = new ContainerHandlers(
                new ContainerCreator(lookup, containerStore, jobs, Clock.systemUTC()),
                containerStore,
                jobs,
                lifecycle,
                Clock.systemUTC());
        this.running = new ContainerLifecycleHandlers(
                lifecycle, lookup, settings.seconds(Settings.Key.SOCKERLESS_WAIT_SECONDS), Clock.systemUTC());
        this.imageRemoval =
                new ImageRemovalHandlers(new ImageRemover(lookup, store, ImageRemovalHandlers.users(lifecycle)), store);
        this.info = new InfoHandler(
                lifecycle,
                store,
                () -> settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID).orElse(null),
                Clock.systemUTC());
        Lazy<LogCache> cache =
                new Lazy<>(() -> logCache != null ? logCache : new TableStorageLogCache(stateTables(settings)));
        FollowSettings follow = followSettings(settings);
        this.pollSeconds = (int) follow.poll().toSeconds();
        this.containerLogs = new ContainerLogsHandler(
                containerStore,
                new Lazy<>(() -> logsHandler(settings)),
                new Lazy<>(() -> new FollowLogsHandler(
                        containerStore,
                        cache.get(),
                        follow.longPoll(),
                        settings.positiveLong(Settings.Key.SOCKERLESS_LOGS_MAX_RESPONSE_BYTES),
                        Clock.systemUTC(),
                        new FollowWatermark(cache.get(), Duration.ofMillis(500)))));
        this.followPoller = new Lazy<>(() -> new FollowPoller(
                cache.get(),
                followTargets(containerStore, lifecycle),
                logSource(settings)::followRows,
                LogTable.parse(settings.require(Settings.Key.SOCKERLESS_LOG_TABLE)),
                follow));
        this.localFollow = new Lazy<>(() -> new LocalFollowDriver(
                pollSeconds,
                r -> {
                    FollowPoller.Outcome o = followPoller.get().poll(Instant.now(), r.purge());
                    return new LogFollowFunctions.PollResult(o.followed(), o.more());
                },
                Clock.systemUTC()));
        // a crashed predecessor's load files (this process has none yet): the temporary directory of loads
        LoadTempFiles.sweep(LoadOptions.defaults("unused").tempDir());
        this.images = new ImageHandlers(
                puller,
                lookup,
                store,
                new ImageTagger(lookup, store, Clock.systemUTC()),
                loader,
                () -> loadOptions(settings),
                new Lazy<>(() -> blobArchives(settings)),
                platform,
                settings.integer(Settings.Key.SOCKERLESS_LOAD_MAX_CONCURRENT, 1, 1024));
    }

    /**
     * The {@code fromBlob} source: the state storage connection's blob endpoint (its key signs requests when it has
     * one) and {@code SOCKERLESS_LOAD_BLOB_ACCOUNTS}, read with the app's identity; only their container
     * {@code SOCKERLESS_LOAD_BLOB_CONTAINER}.
     */
    static BlobArchiveSource blobArchives(Settings settings) {
        Lazy<TokenCredential> identity = new Lazy<>(() -> new DefaultAzureCredentialBuilder().build());
        Duration deadline = settings.seconds(Settings.Key.SOCKERLESS_STATE_TIMEOUT_SECONDS);
        return new BlobArchiveSource(
                StorageConnection.parse(settings.stateStorageConnection()),
                settings.list(Settings.Key.SOCKERLESS_LOAD_BLOB_ACCOUNTS),
                Settings.Key.SOCKERLESS_LOAD_BLOB_ACCOUNTS.name(),
                identity,
                StorageDeadlinePolicy.httpClient(deadline),
                BlobArchiveSource.defaultRetry(),
                new StorageDeadlinePolicy("Blob Storage", deadline),
                settings.require(Settings.Key.SOCKERLESS_LOAD_BLOB_CONTAINER),
                Settings.Key.SOCKERLESS_LOAD_BLOB_CONTAINER.name());
    }

    /** The state tables' client, each call bounded by {@code SOCKERLESS_STATE_TIMEOUT_SECONDS}. */
    static TableServiceClient stateTables(Settings settings) {
        return Tables.serviceClient(
                settings.stateStorageConnection(), settings.seconds(Settings.Key.SOCKERLESS_STATE_TIMEOUT_SECONDS));
    }

    /** {@code SOCKERLESS_ACR_AUDIENCE}: {@code https://<host>}. */
    static AcrAudience acrAudience(Settings settings) {
        String raw = settings.require(Settings.Key.SOCKERLESS_ACR_AUDIENCE);
        try {
            return AcrAudience.parse(raw);
        } catch (IllegalArgumentException e) {
            throw Settings.malformed(Settings.Key.SOCKERLESS_ACR_AUDIENCE, raw, e.getMessage());
        }
    }

    /**
     * The ARM jobs API in the resource group of {@code SOCKERLESS_ACA_ENVIRONMENT_ID} at {@code SOCKERLESS_ARM_ENDPOINT}
     * (plain http on loopback: no credential).
     */
    static JobsApi jobsApi(Settings settings) {
        EnvironmentId environment = EnvironmentId.parse(settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID)
                .orElseThrow(() -> Settings.missing(
                        Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID,
                        "is not set: containers run as jobs in that"
                                + " Container Apps environment's resource group")));
        ContainerAppsApiManager manager = ArmManagers.containerApps(
                ArmEndpoint.parse(settings.require(Settings.Key.SOCKERLESS_ARM_ENDPOINT)),
                environment.subscription(),
                () -> new DefaultAzureCredentialBuilder().build(),
                null,
                null);
        return new ArmJobsApi(manager, environment.resourceGroup());
    }

    /** Load settings; {@code SOCKERLESS_STAGING_REGISTRY} is required only here. */
    static LoadOptions loadOptions(Settings settings) {
        return LoadOptions.defaults(settings.require(Settings.Key.SOCKERLESS_STAGING_REGISTRY))
                .withMaxExpandedBytes(settings.positiveLong(Settings.Key.SOCKERLESS_LOAD_MAX_EXPANDED_BYTES))
                .withCompressLayers(settings.bool(Settings.Key.SOCKERLESS_LOAD_COMPRESS_LAYERS));
    }

    /** Log Analytics settings are required only by the logs route. */
    static LogsHandler logsHandler(Settings settings) {
        return new LogsHandler(
                logSource(settings), settings.positiveLong(Settings.Key.SOCKERLESS_LOGS_MAX_RESPONSE_BYTES));
    }

    static LogAnalyticsLogSource logSource(Settings settings) {
        long max = settings.positiveLong(Settings.Key.SOCKERLESS_LOGS_MAX_RESPONSE_BYTES);
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();
        LogsQueryClient client = LogAnalyticsLogSource.client(
                settings.require(Settings.Key.SOCKERLESS_LOG_ANALYTICS_ENDPOINT), credential);
        return new LogAnalyticsLogSource(
                client,
                workspace(settings, credential, null),
                LogTable.parse(settings.require(Settings.Key.SOCKERLESS_LOG_TABLE)),
                settings.integer(Settings.Key.SOCKERLESS_LOGS_PAGE_ROWS, 100, LogAnalyticsLogSource.MAX_PAGE_ROWS),
                max,
                LogAnalyticsLogSource.DEFAULT_DEADLINE,
                Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
    }

    static FollowSettings followSettings(Settings settings) {
        return new FollowSettings(
                settings.seconds(Settings.Key.SOCKERLESS_FOLLOW_POLL_SECONDS),
                settings.seconds(Settings.Key.SOCKERLESS_FOLLOW_WAIT_SECONDS),
                settings.seconds(Settings.Key.SOCKERLESS_FOLLOW_IDLE_SECONDS),
                settings.seconds(Settings.Key.SOCKERLESS_FOLLOW_GRACE_SECONDS),
                settings.seconds(Settings.Key.SOCKERLESS_FOLLOW_RETENTION_SECONDS),
                settings.seconds(Settings.Key.SOCKERLESS_FOLLOW_OVERLAP_SECONDS),
                FollowSettings.defaults().rowLimit());
    }

    /**
     * What the poller follows for a container: its latest execution's main container (the job's container, named
     * like the job), whether that execution has finished (its status in ARM, cached by the lifecycle, or the one
     * recorded with {@code PUT .../execution} for executions ARM does not know), and a scan bound an hour before it
     * started.
     */
    static FollowTargets followTargets(ContainerStore store, ContainerLifecycle lifecycle) {
        return id -> store.find(id).map(lifecycle::current).map(c -> {
            Execution e = c.execution();
            Instant started = e != null && e.startedAt() != null ? e.startedAt() : c.created();
            return new FollowTargets.Followed(
                    e == null ? null : new LogTarget(c.jobName(), e.name(), c.jobName(), Map.of(), false),
                    e != null && e.isFinished(),
                    started.minus(Duration.ofHours(1)));
        });
    }

    /**
     * The follow poller's starter: the Durable client on Azure; the in-process driver on the local host, which
     * passes no Durable client context (null).
     */
    FollowStarter followStarter(@Nullable Supplier<DurableTaskClient> durable) {
        return durable == null ? localFollow.get() : new DurableFollowStarter(durable, pollSeconds);
    }

    FollowPoller followPoller() {
        return followPoller.get();
    }

    /**
     * {@code SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID} when set; else the workspace of the environment
     * {@code SOCKERLESS_ACA_ENVIRONMENT_ID}, read through ARM at {@code SOCKERLESS_ARM_ENDPOINT} on first use.
     *
     * @param httpClient the ARM HTTP client, or null for the SDK's default
     */
    static WorkspaceLocator workspace(Settings settings, TokenCredential credential, @Nullable HttpClient httpClient) {
        return settings.find(Settings.Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID)
                .map(WorkspaceLocator::fixed)
                .orElseGet(() -> ManagedEnvironmentWorkspace.fromArm(
                        settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID)
                                .orElseThrow(() -> Settings.missing(
                                        Settings.Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID,
                                        "is not set, nor "
                                                + Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID
                                                + " (the Container Apps environment whose"
                                                + " Log Analytics workspace the logs are read from)")),
                        settings.require(Settings.Key.SOCKERLESS_ARM_ENDPOINT),
                        credential,
                        httpClient));
    }

    /**
     * The container jobs: what {@code SOCKERLESS_ACA_LOCATION} and {@code SOCKERLESS_ACA_ENVIRONMENT_TYPE=auto} leave
     * open comes from the environment {@code SOCKERLESS_ACA_ENVIRONMENT_ID}, read once through ARM at
     * {@code SOCKERLESS_ARM_ENDPOINT} (the same {@link ManagedEnvironmentWorkspace} read as the logs' workspace).
     *
     * @param httpClient the ARM HTTP client, or null for the SDK's default
     */
    static ContainerJobs containerJobs(
            Settings settings, Supplier<TokenCredential> credential, @Nullable HttpClient httpClient) {
        return new ContainerJobs(settings, jobEnvironment(settings, credential, httpClient));
    }

    /** The environment's region and type, read through ARM on first use and kept. */
    static Supplier<JobEnvironment> jobEnvironment(
            Settings settings, Supplier<TokenCredential> credential, @Nullable HttpClient httpClient) {
        Lazy<ManagedEnvironmentWorkspace> environment = new Lazy<>(() -> ManagedEnvironmentWorkspace.fromArm(
                settings.require(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID),
                settings.require(Settings.Key.SOCKERLESS_ARM_ENDPOINT),
                credential.get(),
                httpClient));
        return () -> {
            ManagedEnvironmentWorkspace.Facts facts = environment.get().facts();
            return new JobEnvironment(facts.location(), facts.workloadProfiles());
        };
    }

    /** The process-wide services, built on first call. */
    public static AppServices get() {
        return INSTANCE.get();
    }

    private static AppServices create() {
        Settings settings = Settings.fromEnvironment();
        TableServiceClient tables = stateTables(settings);
        return new AppServices(settings, new TableStorageImageStore(tables), new TableStorageContainerStore(tables));
    }

    public ImageHandlers images() {
        return images;
    }

    public ContainerHandlers containers() {
        return containers;
    }

    public ContainerLifecycleHandlers running() {
        return running;
    }

    public ImageRemovalHandlers imageRemoval() {
        return imageRemoval;
    }

    public InfoHandler info() {
        return info;
    }

    public ContainerLogsHandler containerLogs() {
        return containerLogs;
    }

    public LoginHandler login() {
        return login;
    }
}
