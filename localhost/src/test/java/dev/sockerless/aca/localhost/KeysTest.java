package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code SOCKERLESS_LOCAL_KEYS}: the host's key rules (header before code, levels, empty 401), off by default. */
class KeysTest {

    static final String KEYS = """
            {"masterKey": "master-secret",
             "functionKeys": {"default": "host-secret"},
             "functions": {"Ping": {"docker": "ping-secret"}, "Boom": {"other": "boom-secret"}}}
            """;

    @Test
    void keysAreEnforcedAsTheHostDoes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), KEYS);
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (LocalHost host = LocalHost.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "dev.sockerless.aca.localhost.sample",
                LocalHost.Options.defaults().withKeysFile(file))) {
            // function level: no key, a wrong key, another function's key → empty 401
            assertThat(status(host, "/_ping")).isEqualTo(401);
            assertThat(status(host, "/_ping", "x-functions-key", "wrong")).isEqualTo(401);
            assertThat(status(host, "/_ping", "x-functions-key", "boom-secret")).isEqualTo(401);
            HttpResponse<String> denied = get(host, "/_ping?code=nope");
            assertThat(denied.body()).isEmpty();
            assertThat(denied.headers().firstValue("Content-Length")).hasValue("0");
            // its own key, a host function key, the master key; header or ?code=
            assertThat(status(host, "/_ping", "x-functions-key", "ping-secret")).isEqualTo(200);
            assertThat(status(host, "/_ping?code=ping-secret")).isEqualTo(200);
            assertThat(status(host, "/_ping", "X-Functions-Key", "host-secret")).isEqualTo(200);
            assertThat(status(host, "/_ping?code=master-secret")).isEqualTo(200);
            // the header wins over ?code=
            assertThat(status(host, "/_ping?code=ping-secret", "x-functions-key", "wrong"))
                    .isEqualTo(401);
            // admin level: the master key only
            assertThat(status(host, "/master-only", "x-functions-key", "host-secret"))
                    .isEqualTo(401);
            assertThat(status(host, "/master-only", "x-functions-key", "master-secret"))
                    .isEqualTo(200);
            // anonymous: no key needed, a wrong one ignored
            assertThat(status(host, "/slow/0")).isEqualTo(200);
            assertThat(status(host, "/slow/0", "x-functions-key", "wrong")).isEqualTo(200);
            // an unknown route is still a 404, not a 401
            assertThat(status(host, "/nope")).isEqualTo(404);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(String.join("\n", logged)).doesNotContain("secret").doesNotContain("wrong");
    }

    @Test
    void offByDefault() throws Exception {
        try (LocalHost host = LocalHost.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "dev.sockerless.aca.localhost.sample",
                LocalHost.Options.defaults())) {
            assertThat(status(host, "/_ping")).isEqualTo(200);
        }
    }

    @Test
    void aBrokenKeysFileStopsTheStartWithoutShowingKeys(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), "{\"functionKeys\":{\"default\":42}}");
        assertThatThrownBy(() -> LocalHost.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        "dev.sockerless.aca.localhost.sample",
                        LocalHost.Options.defaults().withKeysFile(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("functionKeys.default");
        Path secretButNotJson = Files.writeString(dir.resolve("bad.json"), "{\"masterKey\": \"s3cr3t\"");
        assertThatThrownBy(() -> LocalHost.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        "dev.sockerless.aca.localhost.sample",
                        LocalHost.Options.defaults().withKeysFile(secretButNotJson)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cr3t");
    }

    static int status(LocalHost host, String path, String... headers) throws Exception {
        return get(host, path, headers).statusCode();
    }

    static HttpResponse<String> get(LocalHost host, String path, String... headers) throws Exception {
        return LocalHostTest.send(host, "GET", path, HttpRequest.BodyPublishers.noBody(), headers);
    }
}
