package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's routes as the Functions host matches them: first match in function-name order. Derived from the functions'
 * own annotations (the scanner), so a function added with a name that lets it shadow another fails here.
 */
class AppRoutesTest {

    static final String APP = LocalHost.DEFAULT_PACKAGE;
    static final List<HttpFunction> FUNCTIONS = FunctionScanner.scan(APP);
    static final RouteTable TABLE = new RouteTable(FUNCTIONS);
    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    static final List<String> PREFIXES = List.of("", "/v1.24", "/v1.51");

    /** Docker requests (bare path) and the function meant to serve each; the versioned twin serves the prefixed form. */
    static final String[][] DOCKER = {
        {"GET", "/_ping", "SystemPing"},
        {"HEAD", "/_ping", "SystemPing"},
        {"GET", "/version", "SystemVersion"},
        {"POST", "/auth", "SystemAuth"},
        {"POST", "/images/create", "ImageCreate"},
        {"GET", "/images/json", "ImageList"},
        {"POST", "/images/load", "ImageLoad"},
        {"GET", "/images/alpine/json", "NamedImageGet"},
        {"GET", "/images/myreg:5000/team/app:v1/json", "NamedImageGet"},
        {"GET", "/images/localhost:5000/a/b/c@" + DIGEST + "/json", "NamedImageGet"},
        {"GET", "/images/" + DIGEST + "/json", "NamedImageGet"},
        {"GET", "/images/json/json", "NamedImageGet"},
        {"GET", "/images/create/json", "NamedImageGet"},
        {"GET", "/images/load/json", "NamedImageGet"},
        {"POST", "/images/alpine/tag", "NamedImagePost"},
        {"POST", "/images/json/tag", "NamedImagePost"},
        {"POST", "/images/create/tag", "NamedImagePost"},
        {"POST", "/images/load/tag", "NamedImagePost"},
        {"POST", "/images/myreg:5000/team/app@" + DIGEST + "/tag", "NamedImagePost"},
        {"POST", "/containers/create", "ContainerCreate"},
        {"GET", "/containers/abc123/json", "ContainerInspect"},
        {"GET", "/containers/json/json", "ContainerInspect"},
        {"DELETE", "/containers/abc123", "ContainerDelete"},
        {"DELETE", "/containers/create", "ContainerDelete"},
        {"GET", "/containers/abc123/logs", "ContainerLogs"},
        {"GET", "/containers/json", "ContainerList"},
        {"POST", "/containers/prune", "ContainerPrune"},
        {"DELETE", "/containers/prune", "ContainerDelete"},
        {"DELETE", "/containers/json", "ContainerDelete"},
        {"GET", "/containers/prune/json", "ContainerInspect"},
        {"POST", "/containers/abc123/start", "ContainerStart"},
        {"POST", "/containers/json/start", "ContainerStart"},
        {"POST", "/containers/prune/stop", "ContainerStop"},
        {"POST", "/containers/abc123/kill", "ContainerKill"},
        {"POST", "/containers/abc123/restart", "ContainerRestart"},
        {"POST", "/containers/create/wait", "ContainerWait"},
        {"GET", "/info", "SystemInfo"},
        {"POST", "/images/prune", "ImagePrune"},
        {"POST", "/images/prune/tag", "NamedImagePost"},
        {"GET", "/images/prune/json", "NamedImageGet"},
        {"DELETE", "/images/alpine", "NamedImageDelete"},
        {"DELETE", "/images/prune", "NamedImageDelete"},
        {"DELETE", "/images/json", "NamedImageDelete"},
        {"DELETE", "/images/myreg:5000/team/app@" + DIGEST, "NamedImageDelete"},
    };

    @Test
    void everyDockerRequestReachesItsFunctionBareAndVersioned() {
        for (String[] c : DOCKER) {
            for (String prefix : PREFIXES) {
                String expected = c[2] + (prefix.isEmpty() ? "" : "Versioned");
                assertThat(RouteTableTest.name(TABLE, c[0], prefix + c[1]))
                        .as(c[0] + " " + prefix + c[1])
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void sockerlessRoutesAreUnversionedAndHeadIsNotGet() {
        assertThat(RouteTableTest.name(TABLE, "GET", "/sockerless/v1/containers/x/job"))
                .isEqualTo("SockerlessContainerJob");
        assertThat(RouteTableTest.name(TABLE, "GET", "/sockerless/v1/containers/x/agent"))
                .isEqualTo("SockerlessContainerAgent");
        assertThat(RouteTableTest.name(TABLE, "PUT", "/sockerless/v1/containers/x/execution"))
                .isEqualTo("SockerlessContainerExecution");
        assertThat(RouteTableTest.name(TABLE, "GET", "/v1.51/sockerless/v1/containers/x/job"))
                .isNull();
        assertThat(RouteTableTest.name(TABLE, "HEAD", "/images/json")).isNull();
        assertThat(RouteTableTest.name(TABLE, "HEAD", "/version")).isNull();
    }

    /**
     * The general rule: wherever two functions both match a method and path, the more specific template (ASP.NET
     * Core's inbound precedence, what a reader of the routes expects) must be the first in name order. Paths are
     * built from every template with parameter values drawn from every literal of every template plus image-like
     * names, so overlaps between any two functions show.
     */
    @Test
    void whereTwoFunctionsMatchTheMoreSpecificSortsFirst() {
        Set<String> pool = new TreeSet<>(List.of("x", "v1.51", "abc123", "myreg:5000/team/app:v1", "alpine@" + DIGEST));
        for (HttpFunction f : FUNCTIONS) {
            f.route().segments().stream()
                    .filter(RouteTemplate.Segment::isLiteral)
                    .forEach(s -> pool.add(s.text()));
        }
        Set<String> methods =
                FUNCTIONS.stream().flatMap(f -> f.methods().stream()).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        int overlaps = 0;
        for (HttpFunction f : FUNCTIONS) {
            for (String path : samples(f.route(), pool)) {
                for (String method : methods) {
                    List<HttpFunction> matching = FUNCTIONS.stream()
                            .filter(g -> g.allows(method) && g.route().match(path) != null)
                            .sorted(Comparator.comparing(HttpFunction::route, RouteTemplate::comparePrecedence))
                            .toList();
                    if (matching.size() < 2) {
                        continue;
                    }
                    overlaps++;
                    HttpFunction intended = matching.get(0);
                    if (RouteTemplate.comparePrecedence(
                                    intended.route(), matching.get(1).route())
                            == 0) {
                        problems.add(method + " " + path + ": " + intended.name() + " and "
                                + matching.get(1).name() + " are equally specific");
                        continue;
                    }
                    String first = RouteTableTest.name(TABLE, method, path);
                    if (!intended.name().equals(first)) {
                        problems.add(method + " " + path + ": " + first + " sorts before the more specific "
                                + intended.name() + " (rename one of them)");
                    }
                }
            }
        }
        assertThat(overlaps)
                .as("the check sees the catch-alls overlap the literal image routes")
                .isPositive();
        assertThat(new LinkedHashSet<>(problems)).isEmpty();
    }

    /** Paths matching {@code t}: each parameter takes every value of the pool its constraints accept. */
    static List<String> samples(RouteTemplate t, Set<String> pool) {
        List<String> paths = List.of("");
        for (RouteTemplate.Segment s : t.segments()) {
            List<String> values = new ArrayList<>();
            if (s.isLiteral()) {
                values.add(s.text());
            } else {
                for (String v : pool) {
                    if (s.accepts(v)) {
                        values.add(v);
                        if (s.kind() == RouteTemplate.Kind.CATCH_ALL) {
                            values.add(v + "/json");
                            values.add(v + "/tag");
                        }
                    }
                }
            }
            List<String> next = new ArrayList<>();
            for (String prefix : paths) {
                for (String v : values) {
                    next.add(prefix + "/" + v);
                }
            }
            paths = next;
        }
        return paths;
    }

    /**
     * {@code scripts/function-keys.sh} (run with a recording stand-in for {@code az}, which cannot run here) sets one
     * key on each HTTP function of the packaged app, grouped by trust; with exactly those keys the host lets the
     * docker key call the Docker routes only and the frontend key the sockerless routes only.
     */
    @Test
    void theKeysOfScriptsFunctionKeysOpenExactlyTheirGroup(@TempDir Path dir) throws Exception {
        Path packaged = Path.of("..", "functions", "target", "azure-functions", "sockerless-aca")
                .toAbsolutePath();
        assertThat(packaged)
                .as("the packaged app (mvn package) the script reads")
                .isDirectory();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Files.writeString(bin.resolve("az"), "#!/bin/sh\necho \"$@\" >> \"$AZ_CALLS\"\n");
        bin.resolve("az").toFile().setExecutable(true);
        Map<String, String> value = new TreeMap<>();
        for (String group : List.of("docker", "frontend")) {
            ProcessBuilder pb = new ProcessBuilder(
                            "bash",
                            Path.of("..", "scripts", "function-keys.sh").toString(),
                            "-g",
                            "rg",
                            "-n",
                            "app",
                            group)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            pb.environment().put("AZ_CALLS", calls.toString());
            pb.environment().put("SOCKERLESS_PACKAGE_DIR", packaged.toString());
            Process p = pb.start();
            value.put(group, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            assertThat(p.waitFor()).as(group).isZero();
        }
        assertThat(value.get("docker")).hasSizeGreaterThan(40).isNotEqualTo(value.get("frontend"));
        // "functionapp function keys set -g rg -n app --function-name F --key-name G --key-value V -o none"
        Map<String, String> keyOf = new TreeMap<>();
        StringBuilder functions = new StringBuilder();
        for (String line : Files.readAllLines(calls)) {
            List<String> a = List.of(line.split(" "));
            String fn = a.get(a.indexOf("--function-name") + 1);
            String group = a.get(a.indexOf("--key-name") + 1);
            assertThat(a.get(a.indexOf("--key-value") + 1)).isEqualTo(value.get(group));
            assertThat(keyOf.put(fn, group)).as(fn + " gets one key").isNull();
            functions
                    .append(functions.length() == 0 ? "" : ",")
                    .append('"')
                    .append(fn)
                    .append("\":{\"")
                    .append(group)
                    .append("\":\"")
                    .append(value.get(group))
                    .append("\"}");
        }
        assertThat(keyOf.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        FUNCTIONS.stream().map(HttpFunction::name).collect(Collectors.toSet()));
        assertThat(keyOf)
                .allSatisfy((fn, group) ->
                        assertThat(group).isEqualTo(fn.startsWith("Sockerless") ? "frontend" : "docker"));
        Path keys = Files.writeString(
                dir.resolve("keys.json"),
                "{\"masterKey\":\"m-" + UUID.randomUUID() + "\",\"functions\":{" + functions + "}}");
        try (LocalHost host = LocalHost.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                APP,
                LocalHost.Options.defaults().withKeysFile(keys))) {
            String docker = value.get("docker");
            String frontend = value.get("frontend");
            assertThat(KeysTest.status(host, "/_ping", "x-functions-key", docker))
                    .isEqualTo(200);
            assertThat(KeysTest.status(host, "/v1.51/_ping", "x-functions-key", docker))
                    .isEqualTo(200);
            assertThat(KeysTest.status(host, "/_ping", "x-functions-key", frontend))
                    .isEqualTo(401);
            for (String[] call : new String[][] {{"GET", "job"}, {"GET", "agent"}, {"PUT", "execution"}}) {
                String path = "/sockerless/v1/containers/x/" + call[1];
                assertThat(LocalHostTest.send(
                                        host,
                                        call[0],
                                        path,
                                        HttpRequest.BodyPublishers.noBody(),
                                        "x-functions-key",
                                        docker)
                                .statusCode())
                        .as(call[1] + " with the docker key")
                        .isEqualTo(401);
                assertThat(LocalHostTest.send(
                                        host,
                                        call[0],
                                        path,
                                        HttpRequest.BodyPublishers.noBody(),
                                        "x-functions-key",
                                        frontend)
                                .statusCode())
                        .as(call[1] + " with the frontend key")
                        .isNotEqualTo(401);
            }
        }
    }
}
