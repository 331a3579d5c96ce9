package dev.sockerless.aca.functions;

import com.azure.core.credential.TokenCredential;
import com.azure.data.tables.TableServiceClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.microsoft.durabletask.DurableTaskClient;
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
import dev.sockerless.aca.io.Backoff;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import dev.sockerless.aca.logs.ExitCodes;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.registry.AcrAudience;
import dev.sockerless.aca.registry.OutboundGuard;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryLogin;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.state.TableStorageContainerStore;
import dev.sockerless.aca.state.TableStorageImageStore;
import dev.sockerless.aca.state.TableStorageLogCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The composition root: builds the object graph on first use, once per process, from the settings, by area
 * (containers, images, logs and follow), each area's wiring in a small method below; every part shares one clock, one
 * identity and one sleeper ({@link Shared}). A failure
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

    /**
     * What every area shares: the settings (parsed once, at start), one clock, the app's one identity (built on first
     * use: only Azure-facing parts ask for it) and one sleeper.
     */
    private record Shared(
            Settings settings, Clock clock, Supplier<TokenCredential> identity, Backoff.Sleeper sleeper) {}

    /** @param logCache the follow cache, or null to open the Table Storage one on first use */
    AppServices(Settings settings, ImageStore store, ContainerStore containerStore, @Nullable LogCache logCache) {
        Shared shared = new Shared(
                settings,
                Clock.systemUTC(),
                new Lazy<>(() -> new DefaultAzureCredentialBuilder().build()),
                Backoff.Sleeper.THREAD);
        // one Log Analytics source for docker logs, exit codes and the follow poller, built when first needed
        Lazy<LogAnalyticsLogSource> logs = new Lazy<>(
                () -> AzureParts.logSource(settings, shared.identity().get(), shared.clock(), shared.sleeper()));
        ImageLookup lookup = new ImageLookup(store);

        // containers: records, ACA jobs and their executions
        ContainerJobs jobs = AzureParts.containerJobs(settings, shared.identity(), null);
        ContainerLifecycle lifecycle = lifecycle(shared, containerStore, jobs, logs);
        this.containers = new ContainerHandlers(
                new ContainerCreator(lookup, containerStore, jobs, shared.clock()),
                containerStore,
                jobs,
                lifecycle,
                shared.clock());
        this.running = new ContainerLifecycleHandlers(
                lifecycle, lookup, settings.seconds(Settings.Key.SOCKERLESS_WAIT_SECONDS), shared.clock());
        this.info = new InfoHandler(
                lifecycle,
                store,
                () -> settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID).orElse(null),
                shared.clock());

        // images: registries, the image table, loads
        RegistryEndpoints endpoints = new RegistryEndpoints(
                settings.registryMirrors(), settings.list(Settings.Key.SOCKERLESS_INSECURE_REGISTRIES));
        RegistryTransport transport = registryTransport(settings, endpoints);
        this.login = new LoginHandler(new RegistryLogin(transport, endpoints));
        this.images = images(
                shared, new Registries(transport, endpoints, shared.clock(), acrAudience(settings)), store, lookup);
        this.imageRemoval =
                new ImageRemovalHandlers(new ImageRemover(lookup, store, ImageRemovalHandlers.users(lifecycle)), store);

        // logs and follow
        Lazy<LogCache> cache = new Lazy<>(
                () -> logCache != null ? logCache : new TableStorageLogCache(AzureParts.stateTables(settings)));
        FollowSettings follow = followSettings(settings);
        this.pollSeconds = (int) follow.poll().toSeconds();
        this.containerLogs = containerLogs(shared, containerStore, logs, cache, follow);
        this.followPoller = new Lazy<>(() -> new FollowPoller(
                cache.get(),
                followTargets(containerStore, lifecycle),
                logs.get()::followRows,
                LogTable.parse(settings.require(Settings.Key.SOCKERLESS_LOG_TABLE)),
                follow));
        this.localFollow = new Lazy<>(() -> new LocalFollowDriver(
                pollSeconds,
                r -> {
                    FollowPoller.Outcome o =
                            followPoller.get().poll(shared.clock().instant(), r.purge());
                    return new LogFollowFunctions.PollResult(o.followed(), o.more());
                },
                shared.clock()));
    }

    /** Start/stop/wait/remove on ACA job executions: ARM on first use, exit codes from the system logs. */
    private static ContainerLifecycle lifecycle(
            Shared shared, ContainerStore containerStore, ContainerJobs jobs, Lazy<LogAnalyticsLogSource> logs) {
        Duration statusTtl = shared.settings().seconds(Settings.Key.SOCKERLESS_ARM_STATUS_CACHE_SECONDS);
        return new ContainerLifecycle(
                containerStore,
                jobs,
                new Lazy<>(() -> AzureParts.jobsApi(shared.settings(), shared.identity())),
                new Lazy<ExitCodes>(() -> logs.get()::exitCode),
                shared.clock(),
                statusTtl,
                statusTtl,
                shared.sleeper());
    }

    /** The registry client's transport: the outbound guard trusts only the configured mirrors and insecure hosts. */
    private static RegistryTransport registryTransport(Settings settings, RegistryEndpoints endpoints) {
        Duration timeout = settings.seconds(Settings.Key.SOCKERLESS_REGISTRY_TIMEOUT_SECONDS);
        return new RegistryTransport(
                RegistryTransport.newHttpClient(timeout),
                timeout,
                OutboundGuard.trusting(endpoints.trustedAuthorities()),
                RegistryTransport.RETRIES);
    }

    /** Pull, inspect, list, tag and load; a crashed predecessor's load files are swept first. */
    private static ImageHandlers images(Shared shared, Registries registries, ImageStore store, ImageLookup lookup) {
        Settings settings = shared.settings();
        // this process has no load files yet: whatever is in the loads' temporary directory is a predecessor's
        LoadTempFiles.sweep(LoadOptions.defaults("unused").tempDir());
        return new ImageHandlers(
                new ImagePuller(registries, store, new ContentCache(64L * 1024 * 1024), shared.clock()),
                lookup,
                store,
                new ImageTagger(lookup, store, shared.clock()),
                new ImageLoader(registries, store, shared.clock()),
                () -> loadOptions(settings),
                new Lazy<>(() -> AzureParts.blobArchives(settings, shared.identity())),
                Platform.parse(settings.require(Settings.Key.SOCKERLESS_DEFAULT_PLATFORM)),
                settings.integer(Settings.Key.SOCKERLESS_LOAD_MAX_CONCURRENT, 1, 1024));
    }

    /** {@code GET /containers/{id}/logs}: one-shot reads from Log Analytics, follow from the cache. */
    private static ContainerLogsHandler containerLogs(
            Shared shared,
            ContainerStore containerStore,
            Lazy<LogAnalyticsLogSource> logs,
            Lazy<LogCache> cache,
            FollowSettings follow) {
        long maxBytes = shared.settings().positiveLong(Settings.Key.SOCKERLESS_LOGS_MAX_RESPONSE_BYTES);
        return new ContainerLogsHandler(
                containerStore,
                new Lazy<>(() -> new LogsHandler(logs.get(), maxBytes)),
                new Lazy<>(() -> new FollowLogsHandler(
                        containerStore,
                        cache.get(),
                        follow.longPoll(),
                        maxBytes,
                        shared.clock(),
                        new FollowWatermark(cache.get(), Duration.ofMillis(500)))));
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

    /** Load settings; {@code SOCKERLESS_STAGING_REGISTRY} is required only here. */
    static LoadOptions loadOptions(Settings settings) {
        return LoadOptions.defaults(settings.require(Settings.Key.SOCKERLESS_STAGING_REGISTRY))
                .withMaxExpandedBytes(settings.positiveLong(Settings.Key.SOCKERLESS_LOAD_MAX_EXPANDED_BYTES))
                .withCompressLayers(settings.bool(Settings.Key.SOCKERLESS_LOAD_COMPRESS_LAYERS))
                .withGzipIsal(settings.bool(Settings.Key.SOCKERLESS_LOAD_GZIP_ISAL));
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

    /** The process-wide services, built on first call. */
    public static AppServices get() {
        return INSTANCE.get();
    }

    private static AppServices create() {
        Settings settings = Settings.fromEnvironment();
        TableServiceClient tables = AzureParts.stateTables(settings);
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
