package dev.sockerless.aca.testing;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Mono;

/**
 * An Azure Resource Manager stand-in (JDK HttpServer, plain HTTP) for Container Apps managed environments:
 * {@code GET /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.App/managedEnvironments/{name}?api-version=…}
 * answers the environment's JSON as ARM does, or a 404 {@code ResourceNotFound} body. Requests are recorded.
 * The SDK speaks https and needs a token: {@link #rewritingClient()} and {@link #credential(String)}.
 *
 * <p>A test registers it as a JUnit extension, which stops it after each test (an instance field) or after the class
 * (a static field): {@code @RegisterExtension final ArmStandIn arm = ArmStandIn.bearer();}.
 */
public final class ArmStandIn implements AutoCloseable, BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** The subscription of the environments tests register. */
    public static final String SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

    /** A request as received. */
    public record Received(String method, String path, String query, String authorization) {}

    private static final Pattern ENVIRONMENT = Pattern.compile(
            "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.App/managedEnvironments/([^/]+)",
            Pattern.CASE_INSENSITIVE);

    /**
     * What the stand-in demands of a jobs request's credential: a bearer token (the SDK over https, rewritten to
     * http by {@link #rewritingClient()}), or none at all (plain http on loopback: no credential may be sent).
     */
    public enum Auth {
        BEARER,
        NONE
    }

    private final HttpServer server;
    private final Map<String, String> environments = new ConcurrentHashMap<>(); // lower-cased id → properties JSON
    public final List<Received> received = new CopyOnWriteArrayList<>();
    /** The scopes {@link #credential(String)} was asked for. */
    public final List<String> scopes = new CopyOnWriteArrayList<>();

    private final JobsStandIn jobs;
    private final Auth auth;
    private boolean perClass;

    public ArmStandIn() throws IOException {
        this(Clock.systemUTC(), Auth.BEARER);
    }

    /** A stand-in that demands a bearer token (the SDK over https), executions on the system clock. */
    public static ArmStandIn bearer() {
        return started(Clock.systemUTC(), Auth.BEARER);
    }

    /** A stand-in over plain http on loopback (no credential), executions on {@code clock}. */
    public static ArmStandIn plain(Clock clock) {
        return started(clock, Auth.NONE);
    }

    private static ArmStandIn started(Clock clock, Auth auth) {
        try {
            return new ArmStandIn(clock, auth);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param clock the clock executions run on */
    public ArmStandIn(Clock clock, Auth auth) throws IOException {
        this(clock, auth, 0);
    }

    /** @param port the loopback port (0: any) */
    public ArmStandIn(Clock clock, Auth auth, int port) throws IOException {
        this.auth = auth;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "arm-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        jobs = new JobsStandIn(clock, () -> auth == Auth.BEARER ? endpoint() : plainEndpoint());
    }

    /** The endpoint to configure: https, so the SDK sends its token; {@link #rewritingClient()} goes to http. */
    public String endpoint() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The plain http endpoint (loopback: the app sends no credential). */
    public String plainEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The {@code Microsoft.App/jobs} stand-in on this server. */
    public JobsStandIn jobs() {
        return jobs;
    }

    /** Requests whose method is {@code method} and whose path matches {@code pathRegex}. */
    public long count(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return received.stream()
                .filter(r -> r.method().equals(method) && p.matcher(r.path()).matches())
                .count();
    }

    /** An HTTP client that sends {@code https://} requests as {@code http://}. */
    public static HttpClient rewritingClient() {
        HttpClient plain = HttpClient.createDefault();
        return new HttpClient() {
            @Override
            public Mono<HttpResponse> send(HttpRequest request) {
                request.setUrl(request.getUrl().toString().replaceFirst("^https://", "http://"));
                return plain.send(request);
            }
        };
    }

    /** A credential handing out the given token for any scope, recording the scopes asked for. */
    public static TokenCredential credential(String token, List<String> scopes) {
        return ctx -> {
            scopes.addAll(ctx.getScopes());
            return Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
        };
    }

    /** A credential handing out {@code token} for any scope, recording the scopes asked for in {@link #scopes}. */
    public TokenCredential credential(String token) {
        return credential(token, scopes);
    }

    /** The ARM id of managed environment {@code name} in {@code resourceGroup} of {@link #SUBSCRIPTION}. */
    public static String environmentId(String resourceGroup, String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.App/managedEnvironments/" + name;
    }

    /** Registers an environment; {@code appLogsConfiguration} is the JSON object or null to leave it out. */
    public void putEnvironment(String subscription, String resourceGroup, String name, String appLogsConfiguration) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.App/managedEnvironments/" + name;
        String logs = appLogsConfiguration == null ? "" : "\"appLogsConfiguration\":" + appLogsConfiguration + ",";
        String json = "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"type\":\"Microsoft.App/managedEnvironments\","
                + "\"location\":\"West Europe\",\"tags\":{},"
                + "\"systemData\":{\"createdBy\":\"someone@example.com\",\"createdByType\":\"User\","
                + "\"createdAt\":\"2025-03-01T10:00:00.0000000Z\",\"lastModifiedBy\":\"someone@example.com\","
                + "\"lastModifiedByType\":\"User\",\"lastModifiedAt\":\"2025-03-01T10:00:00.0000000Z\"},"
                + "\"properties\":{\"provisioningState\":\"Succeeded\","
                + "\"defaultDomain\":\"happyhill-1a2b3c4d.westeurope.azurecontainerapps.io\",\"staticIp\":\"20.23.1.2\","
                + logs
                + "\"zoneRedundant\":false,\"kedaConfiguration\":{\"version\":\"2.16.1\"},"
                + "\"daprConfiguration\":{\"version\":\"1.13.6-msft.3\"},"
                + "\"customDomainConfiguration\":{\"customDomainVerificationId\":\"ABCDEF0123456789\"},"
                + "\"workloadProfiles\":[{\"workloadProfileType\":\"Consumption\",\"name\":\"Consumption\"}],"
                + "\"infrastructureResourceGroup\":\"ME_" + name + "_" + resourceGroup + "_westeurope\","
                + "\"peerAuthentication\":{\"mtls\":{\"enabled\":false}},"
                + "\"peerTrafficConfiguration\":{\"encryption\":{\"enabled\":false}},"
                + "\"publicNetworkAccess\":\"Enabled\"}}";
        environments.put(id.toLowerCase(), json);
    }

    /** Registers an environment without workload profiles (a Consumption-only environment: no {@code workloadProfiles}). */
    public void putConsumptionOnlyEnvironment(String subscription, String resourceGroup, String name) {
        putEnvironment(subscription, resourceGroup, name, null);
        String id = ("/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                        + "/providers/Microsoft.App/managedEnvironments/" + name)
                .toLowerCase();
        environments.computeIfPresent(
                id,
                (k, json) -> json.replace(
                        "\"workloadProfiles\":[{\"workloadProfileType\":\"Consumption\",\"name\":\"Consumption\"}],",
                        ""));
    }

    /** The environment's {@code appLogsConfiguration} for a {@code log-analytics} destination. */
    public static String logAnalytics(String customerId) {
        return "{\"destination\":\"log-analytics\",\"logAnalyticsConfiguration\":{\"customerId\":\"" + customerId
                + "\",\"dynamicJsonColumns\":false}}";
    }

    public long count(String method) {
        return received.stream().filter(r -> r.method().equals(method)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            received.add(new Received(
                    ex.getRequestMethod(),
                    path,
                    ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders().getFirst("Authorization")));
            if (JobsStandIn.handles(path)) {
                String authorization = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == Auth.BEARER && (authorization == null || !authorization.startsWith("Bearer "))) {
                    JobsStandIn.error(
                            ex,
                            401,
                            "AuthenticationFailed",
                            "Authentication failed. The 'Authorization' header is missing.");
                } else if (auth == Auth.NONE && authorization != null) {
                    JobsStandIn.error(
                            ex, 400, "UnexpectedCredential", "A credential was sent to a plain http stand-in.");
                } else {
                    jobs.handle(ex, path, JobsStandIn.query(ex.getRequestURI().getRawQuery()));
                }
                return;
            }
            Matcher m = ENVIRONMENT.matcher(path);
            if (!"GET".equals(ex.getRequestMethod()) || !m.matches()) {
                reply(
                        ex,
                        404,
                        "{\"error\":{\"code\":\"InvalidResourceType\",\"message\":\"The resource type could not"
                                + " be found in the namespace for api version.\"}}");
                return;
            }
            String json = environments.get(path.toLowerCase());
            if (json == null) {
                reply(
                        ex,
                        404,
                        "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"The Resource"
                                + " 'Microsoft.App/managedEnvironments/" + m.group(3) + "' under resource group '"
                                + m.group(2)
                                + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix\"}}");
                return;
            }
            reply(ex, 200, json);
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().add("x-ms-request-id", "00000000-0000-0000-0000-000000000001");
        if (status == 404) {
            ex.getResponseHeaders().add("x-ms-failure-cause", "gateway");
        }
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    /**
     * Serves the jobs stand-in for {@code make run} ({@code make arm-stand-in}): plain http on 127.0.0.1:{@code args[0]}
     * (default 8089), no credential, LROs finished at once, executions Succeeded after {@code args[1]} seconds
     * (default 10); until killed.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 10;
        ArmStandIn arm = new ArmStandIn(Clock.systemUTC(), Auth.NONE, port);
        arm.jobs().runFor(java.time.Duration.ofSeconds(seconds), "Succeeded");
        System.out.println("ARM jobs stand-in listening: SOCKERLESS_ARM_ENDPOINT=" + arm.plainEndpoint()
                + " (executions succeed after " + seconds + " s)");
        Thread.currentThread().join();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true; // only a static field's extension sees beforeAll: it lives until afterAll
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
