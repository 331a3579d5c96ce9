package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ErrorResponses;
import dev.sockerless.aca.state.TableStorageContainerStore;
import dev.sockerless.aca.state.TableStorageImageStore;
import dev.sockerless.aca.state.Tables;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TokenServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives the credentialed flows — pulls with {@code X-Registry-Auth}, {@code docker login}, containers with agent
 * tokens — with known secrets, right and wrong, and checks that no secret appears in the logs, in any error message
 * or in the state tables; the agent token lives only in the container's own record (and, as a job secret, in the
 * job resource served to the frontend).
 */
class SecretsHygieneIT {

    static final String PASSWORD = "pw-S3cret-for-htpasswd"; // not the registry's: the wrong-password flow
    static final String WRONG = "Wr0ng-Secret-77";
    static final String HUB_PASSWORD = "wonderland-Secret-42";
    static final ObjectMapper JSON = new ObjectMapper();

    static RegistryServer basic;
    static TokenServer tokens;
    static RegistryServer hub;
    static AppServices app;
    static final List<String> logged = new ArrayList<>();
    static final List<String> messages = new ArrayList<>();
    static final Handler capture = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            StringWriter w = new StringWriter();
            w.append(String.valueOf(record.getMessage()));
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(new PrintWriter(w));
            }
            logged.add(w.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void start() {
        basic = RegistryServer.htpasswd();
        new RegistryPusher(basic.baseUrl(), RegistryServer.HTPASSWD_USER, RegistryServer.HTPASSWD_PASSWORD)
                .push("team/app", "v1", TestImages.simple(TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64));
        tokens = TokenServer.builder()
                .service("registry.docker.io")
                .issuer("auth.docker.io")
                .user("alice", HUB_PASSWORD)
                .privateRepository("alice/secret", "alice")
                .start();
        hub = RegistryServer.tokenAuth(tokens);
        new RegistryPusher(hub.baseUrl(), "alice", HUB_PASSWORD)
                .push("alice/secret", "v1", TestImages.rich(TestImages.Format.DOCKER, TestImages.Platform.LINUX_AMD64));
        TableServiceClient tables =
                Tables.serviceClient(SharedServices.azurite().connectionString());
        Settings settings = Settings.of(Map.of(
                "SOCKERLESS_INSECURE_REGISTRIES",
                basic.hostPort(),
                "SOCKERLESS_REGISTRY_MIRRORS",
                "docker.io=" + hub.baseUrl(),
                "SOCKERLESS_ACA_ENVIRONMENT_ID",
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
                        + "/providers/Microsoft.App/managedEnvironments/env",
                // set, so that creating a container reads no environment through ARM
                "SOCKERLESS_ACA_LOCATION",
                "westeurope",
                "SOCKERLESS_ACA_ENVIRONMENT_TYPE",
                "consumption-only"));
        app = new AppServices(settings, new TableStorageImageStore(tables), new TableStorageContainerStore(tables));
        Logger.getLogger("").addHandler(capture);
        Logger.getLogger("").setLevel(Level.ALL);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(capture);
        basic.close();
        hub.close();
        tokens.close();
    }

    /** As the adapters do: errors become responses through the one mapping, which logs what it logs. */
    static ApiResponse call(Supplier<ApiResponse> handler) {
        ApiResponse r = ErrorResponses.handle(handler, Logger.getLogger("Function.test"), "inv-1");
        messages.add(new String(r.body(), StandardCharsets.UTF_8));
        return r;
    }

    static ApiRequest request(
            String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
        return new ApiRequest(
                method,
                ApiVersion.MAX,
                path,
                query,
                headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    static String auth(String user, String password) {
        return Base64.getUrlEncoder()
                .encodeToString(("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noSecretReachesLogsMessagesOrState() throws Exception {
        String image = basic.hostPort() + "/team/app";
        // pulls: wrong and right credentials, Basic registry and Docker Hub-style token auth
        assertThat(call(() -> app.images()
                                .create(request(
                                        "POST",
                                        "/images/create",
                                        Map.of("fromImage", image, "tag", "v1"),
                                        Map.of("X-Registry-Auth", auth(RegistryServer.HTPASSWD_USER, WRONG)),
                                        null)))
                        .status())
                .isEqualTo(404);
        assertThat(call(() -> app.images()
                                .create(request(
                                        "POST",
                                        "/images/create",
                                        Map.of("fromImage", image, "tag", "v1"),
                                        Map.of(
                                                "X-Registry-Auth",
                                                auth(RegistryServer.HTPASSWD_USER, RegistryServer.HTPASSWD_PASSWORD)),
                                        null)))
                        .status())
                .isEqualTo(200);
        assertThat(call(() -> app.images()
                                .create(request(
                                        "POST",
                                        "/images/create",
                                        Map.of("fromImage", "docker.io/alice/secret", "tag", "v1"),
                                        Map.of("X-Registry-Auth", auth("alice", HUB_PASSWORD)),
                                        null)))
                        .status())
                .isEqualTo(200);
        assertThat(call(() -> app.images()
                                .create(request(
                                        "POST",
                                        "/images/create",
                                        Map.of("fromImage", "docker.io/alice/secret", "tag", "v1"),
                                        Map.of("X-Registry-Auth", auth("alice", PASSWORD)),
                                        null)))
                        .status())
                .isIn(200, 404);
        // logins
        assertThat(call(() -> app.login()
                                .auth(request(
                                        "POST",
                                        "/auth",
                                        Map.of(),
                                        Map.of(),
                                        "{\"username\":\"alice\",\"password\":\"" + WRONG
                                                + "\",\"serveraddress\":\"https://index.docker.io/v1/\"}")))
                        .status())
                .isEqualTo(401);
        assertThat(call(() -> app.login()
                                .auth(request(
                                        "POST",
                                        "/auth",
                                        Map.of(),
                                        Map.of(),
                                        "{\"username\":\"alice\",\"password\":\"" + HUB_PASSWORD
                                                + "\",\"serveraddress\":\"https://index.docker.io/v1/\"}")))
                        .status())
                .isEqualTo(200);
        // a container and its agent token
        ApiResponse created = call(() -> app.containers()
                .create(request(
                        "POST",
                        "/containers/create",
                        Map.of("name", "hygiene"),
                        Map.of("Content-Type", "application/json"),
                        "{\"Image\":\"" + image + ":v1\",\"Cmd\":[\"sh\",\"-c\",\"echo hi\"]}")));
        assertThat(created.status()).isEqualTo(201);
        String token = JSON.readTree(call(() ->
                                app.containers().agent(request("GET", "/x", Map.of(), Map.of(), null), "hygiene"))
                        .body())
                .path("token")
                .asText();
        assertThat(token).matches("[0-9a-f]{64}");
        String job = new String(
                call(() -> app.containers().job(request("GET", "/x", Map.of(), Map.of(), null), "hygiene"))
                        .body(),
                StandardCharsets.UTF_8);
        // the job names its secret but, as an ARM GET, holds no secret value: the token is served by /agent only
        assertThat(JSON.readTree(job)
                        .path("resource")
                        .path("properties")
                        .path("configuration")
                        .path("secrets")
                        .toString())
                .isEqualTo("[{\"name\":\"sockerless-agent-token\"}]");
        assertThat(job).doesNotContain(token);
        messages.removeIf(m -> m.contains(token) && m.contains("\"token\"")); // the agent route's own answer

        List<String> secrets = List.of(
                PASSWORD,
                WRONG,
                HUB_PASSWORD,
                RegistryServer.HTPASSWD_PASSWORD,
                token,
                Base64.getEncoder().encodeToString(("alice:" + HUB_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        String allLogs = String.join("\n", logged);
        String allMessages = String.join("\n", messages);
        for (String secret : secrets) {
            assertThat(allLogs).as("logs").doesNotContain(secret);
            if (!secret.equals(token)) {
                assertThat(allMessages).as("responses").doesNotContain(secret);
            }
        }
        Map<String, String> stateByTable = new LinkedHashMap<>();
        TableServiceClient tables =
                Tables.serviceClient(SharedServices.azurite().connectionString());
        tables.listTables().forEach(t -> {
            StringBuilder all = new StringBuilder();
            for (TableEntity e : tables.getTableClient(t.getName()).listEntities()) {
                e.getProperties()
                        .values()
                        .forEach(v -> all.append(
                                        v instanceof byte[] b
                                                ? new String(b, StandardCharsets.ISO_8859_1)
                                                : String.valueOf(v))
                                .append('\n'));
            }
            stateByTable.put(t.getName(), all.toString());
        });
        stateByTable.forEach((table, content) -> {
            for (String secret : secrets) {
                if (secret.equals(token) && table.equals(TableStorageContainerStore.CONTAINERS)) {
                    continue; // the one place the token lives
                }
                assertThat(content).as("table " + table).doesNotContain(secret);
            }
        });
        assertThat(stateByTable.get(TableStorageContainerStore.CONTAINERS)).contains(token);
    }
}
