package dev.sockerless.aca.functions;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import dev.sockerless.aca.blobs.BlobArchiveSource;
import dev.sockerless.aca.blobs.StorageConnection;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.config.Settings.Key;
import com.azure.data.tables.TableServiceClient;
import dev.sockerless.aca.containers.ContainerCreator;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerStore;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.monitor.query.LogsQueryClient;
import dev.sockerless.aca.docker.ContainerHandlers;
import dev.sockerless.aca.docker.ContainerLogsHandler;
import dev.sockerless.aca.docker.LogsHandler;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace;
import dev.sockerless.aca.logs.WorkspaceLocator;
import dev.sockerless.aca.docker.ImageHandlers;
import dev.sockerless.aca.docker.LoginHandler;
import dev.sockerless.aca.images.ContentCache;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.images.ImagePuller;
import dev.sockerless.aca.images.ImageLoader;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.images.LoadOptions;
import dev.sockerless.aca.images.ImageTagger;
import dev.sockerless.aca.registry.OutboundGuard;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryLogin;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.state.TableStorageContainerStore;
import dev.sockerless.aca.state.TableStorageImageStore;
import dev.sockerless.aca.state.Tables;

import java.time.Clock;
import java.time.Duration;

/**
 * The composition root: builds the object graph on first use, once per process, from the settings. A failure
 * (a missing setting, unreachable storage) is not memoised, so the next request tries again; nothing here runs at
 * class load. The Functions worker constructs function classes per invocation, so they only hold this.
 */
public final class AppServices {

    private static final Object LOCK = new Object();
    private static volatile AppServices instance;

    private final ImageHandlers images;
    private final LoginHandler login;
    private final ContainerHandlers containers;
    private final ContainerLogsHandler containerLogs;

    AppServices(Settings settings, ImageStore store, ContainerStore containerStore) {
        Duration timeout = settings.seconds(Key.SOCKERLESS_REGISTRY_TIMEOUT_SECONDS);
        RegistryEndpoints endpoints = new RegistryEndpoints(settings.registryMirrors(),
                settings.list(Key.SOCKERLESS_INSECURE_REGISTRIES));
        RegistryTransport transport = new RegistryTransport(RegistryTransport.newHttpClient(timeout), timeout,
                OutboundGuard.trusting(endpoints.trustedAuthorities()), RegistryTransport.Retries.DEFAULT);
        Registries registries = new Registries(transport, endpoints, Clock.systemUTC());
        this.login = new LoginHandler(new RegistryLogin(transport, endpoints));
        Platform platform = Platform.parse(settings.require(Key.SOCKERLESS_DEFAULT_PLATFORM));
        ImagePuller puller = new ImagePuller(registries, store, new ContentCache(64L * 1024 * 1024), Clock.systemUTC());
        ImageLookup lookup = new ImageLookup(store);
        ImageLoader loader = new ImageLoader(registries, store, Clock.systemUTC());
        ContainerJobs jobs = new ContainerJobs(settings); // job and agent settings are read at create time
        this.containers = new ContainerHandlers(new ContainerCreator(lookup, containerStore, jobs, Clock.systemUTC()),
                containerStore, jobs, Clock.systemUTC());
        this.containerLogs = new ContainerLogsHandler(containerStore, new Lazy<>(() -> logsHandler(settings)));
        this.images = new ImageHandlers(puller, lookup, store, new ImageTagger(lookup, store, Clock.systemUTC()),
                loader, () -> loadOptions(settings), new Lazy<>(() -> blobArchives(settings)), platform);
    }

    /**
     * The {@code fromBlob} source: the state storage connection's blob endpoint (its key signs requests when it has
     * one) and {@code SOCKERLESS_LOAD_BLOB_ACCOUNTS}, read with the app's identity.
     */
    static BlobArchiveSource blobArchives(Settings settings) {
        Lazy<TokenCredential> identity = new Lazy<>(() -> new DefaultAzureCredentialBuilder().build());
        return new BlobArchiveSource(StorageConnection.parse(settings.stateStorageConnection()),
                settings.list(Key.SOCKERLESS_LOAD_BLOB_ACCOUNTS), Key.SOCKERLESS_LOAD_BLOB_ACCOUNTS.name(), identity,
                HttpClient.createDefault(), BlobArchiveSource.defaultRetry());
    }

    /** Load settings; {@code SOCKERLESS_STAGING_REGISTRY} is required only here. */
    static LoadOptions loadOptions(Settings settings) {
        return LoadOptions.defaults(settings.require(Key.SOCKERLESS_STAGING_REGISTRY))
                .withMaxExpandedBytes(settings.positiveLong(Key.SOCKERLESS_LOAD_MAX_EXPANDED_BYTES))
                .withCompressLayers(settings.bool(Key.SOCKERLESS_LOAD_COMPRESS_LAYERS));
    }

    /** Log Analytics settings are required only by the logs route. */
    static LogsHandler logsHandler(Settings settings) {
        long max = settings.positiveLong(Key.SOCKERLESS_LOGS_MAX_RESPONSE_BYTES);
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();
        LogsQueryClient client = LogAnalyticsLogSource.client(settings.require(Key.SOCKERLESS_LOG_ANALYTICS_ENDPOINT),
                credential);
        LogAnalyticsLogSource source = new LogAnalyticsLogSource(client, workspace(settings, credential, null),
                LogTable.parse(settings.require(Key.SOCKERLESS_LOG_TABLE)), LogAnalyticsLogSource.DEFAULT_PAGE_ROWS,
                max, Duration.ofSeconds(60), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
        return new LogsHandler(source, max);
    }

    /**
     * {@code SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID} when set; else the workspace of the environment
     * {@code SOCKERLESS_ACA_ENVIRONMENT_ID}, read through ARM at {@code SOCKERLESS_ARM_ENDPOINT} on first use.
     *
     * @param httpClient the ARM HTTP client, or null for the SDK's default
     */
    static WorkspaceLocator workspace(Settings settings, TokenCredential credential, HttpClient httpClient) {
        return settings.find(Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID).map(WorkspaceLocator::fixed).orElseGet(() ->
                ManagedEnvironmentWorkspace.fromArm(settings.find(Key.SOCKERLESS_ACA_ENVIRONMENT_ID).orElseThrow(() ->
                                Settings.missing(Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID, "is not set, nor "
                                        + Key.SOCKERLESS_ACA_ENVIRONMENT_ID + " (the Container Apps environment whose"
                                        + " Log Analytics workspace the logs are read from)")),
                        settings.require(Key.SOCKERLESS_ARM_ENDPOINT), credential, httpClient));
    }

    /** The process-wide services, built on first call. */
    public static AppServices get() {
        AppServices current = instance;
        if (current == null) {
            synchronized (LOCK) {
                current = instance;
                if (current == null) {
                    Settings settings = Settings.fromEnvironment();
                    TableServiceClient tables = Tables.serviceClient(settings.stateStorageConnection());
                    current = new AppServices(settings, new TableStorageImageStore(tables),
                            new TableStorageContainerStore(tables));
                    instance = current;
                }
            }
        }
        return current;
    }

    /** Forgets the services (tests that change settings between runs). */
    static void reset() {
        synchronized (LOCK) {
            instance = null;
        }
    }

    public ImageHandlers images() {
        return images;
    }

    public ContainerHandlers containers() {
        return containers;
    }

    public ContainerLogsHandler containerLogs() {
        return containerLogs;
    }

    public LoginHandler login() {
        return login;
    }
}
