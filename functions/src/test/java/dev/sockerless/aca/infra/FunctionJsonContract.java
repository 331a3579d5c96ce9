package dev.sockerless.aca.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binding contract over the {@code function.json} files that {@code mvn package} generates: runs after
 * {@code package} (the {@code function-json-contract} surefire execution in functions/pom.xml, phase
 * {@code integration-test}), so {@code make test} ({@code mvn verify}) always runs it. Run alone:
 * {@code mvn -o package -DskipTests && mvn -o test -pl functions -Dtest=FunctionJsonContract}.
 */
class FunctionJsonContract {

    static final Path APP = Path.of("target", "azure-functions", "sockerless-aca");
    static final String VERSIONED = "{apiVersion:regex(^v[0-9]+[.][0-9]+$)}/";

    /** The routes of the unversioned functions: a change here is a change of the app's HTTP surface. */
    static final Map<String, String> ROUTES = new TreeMap<>(Map.ofEntries(
            Map.entry("SystemPing", "GET,HEAD _ping"),
            Map.entry("SystemVersion", "GET version"),
            Map.entry("SystemAuth", "POST auth"),
            Map.entry("ImageCreate", "POST images/create"),
            Map.entry("ImageList", "GET images/json"),
            Map.entry("ImageLoad", "POST images/load"),
            Map.entry("NamedImageGet", "GET images/{*path}"),
            Map.entry("NamedImagePost", "POST images/{*path}"),
            Map.entry("ContainerCreate", "POST containers/create"),
            Map.entry("ContainerInspect", "GET containers/{id}/json"),
            Map.entry("ContainerDelete", "DELETE containers/{id}"),
            Map.entry("ContainerLogs", "GET containers/{id}/logs"),
            Map.entry("ContainerList", "GET containers/json"),
            Map.entry("ContainerPrune", "POST containers/prune"),
            Map.entry("ContainerStart", "POST containers/{id}/start"),
            Map.entry("ContainerStop", "POST containers/{id}/stop"),
            Map.entry("ContainerKill", "POST containers/{id}/kill"),
            Map.entry("ContainerRestart", "POST containers/{id}/restart"),
            Map.entry("ContainerWait", "POST containers/{id}/wait"),
            Map.entry("SystemInfo", "GET info"),
            Map.entry("ImagePrune", "POST images/prune"),
            Map.entry("NamedImageDelete", "DELETE images/{*path}"),
            Map.entry("SockerlessContainerJob", "GET sockerless/v1/containers/{id}/job"),
            Map.entry("SockerlessContainerAgent", "GET sockerless/v1/containers/{id}/agent"),
            Map.entry("SockerlessContainerExecution", "PUT sockerless/v1/containers/{id}/execution")));

    /** The Docker API functions that have no versioned twin (the sockerless-specific routes). */
    static final Set<String> UNVERSIONED =
            Set.of("SockerlessContainerJob", "SockerlessContainerAgent", "SockerlessContainerExecution");

    static final Set<String> DURABLE =
            Set.of("orchestrationTrigger", "activityTrigger", "entityTrigger", "durableClient");

    private static final Map<String, JsonNode> GENERATED = new TreeMap<>();
    private static final Map<String, Method> ANNOTATED = new TreeMap<>();

    @BeforeAll
    static void read() throws Exception {
        assertThat(APP.resolve("host.json"))
                .as("run mvn package first: " + APP.toAbsolutePath())
                .exists();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> dirs = Files.list(APP)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path file = dir.resolve("function.json");
                if (Files.exists(file)) {
                    GENERATED.put(dir.getFileName().toString(), json.readTree(file.toFile()));
                }
            }
        }
        Path classes = Path.of("target", "classes");
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path c : walk.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(c).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, FunctionJsonContract.class.getClassLoader());
                for (Method m : type.getDeclaredMethods()) {
                    FunctionName f = m.getAnnotation(FunctionName.class);
                    if (f != null) {
                        assertThat(ANNOTATED.put(f.value(), m))
                                .as("duplicate @FunctionName " + f.value())
                                .isNull();
                    }
                }
            }
        }
    }

    @Test
    void everyFunctionNameHasAFunctionJsonAndNoneIsStale() {
        assertThat(ANNOTATED).isNotEmpty();
        assertThat(GENERATED.keySet()).isEqualTo(ANNOTATED.keySet());
    }

    @Test
    void everyHttpFunctionMatchesItsAnnotation() {
        for (Map.Entry<String, Method> e : ANNOTATED.entrySet()) {
            HttpTrigger trigger = httpTrigger(e.getValue());
            if (trigger == null) {
                continue;
            }
            String name = e.getKey();
            JsonNode fn = GENERATED.get(name);
            JsonNode in = binding(fn, "httpTrigger");
            assertThat(in).as(name).isNotNull();
            assertThat(in.path("direction").asText()).as(name).isEqualTo("in");
            assertThat(in.path("route").asText()).as(name).isEqualTo(trigger.route());
            assertThat(methods(in))
                    .as(name)
                    .isEqualTo(new TreeSet<>(Arrays.stream(trigger.methods())
                            .map(HttpMethod::name)
                            .toList()));
            assertThat(in.path("authLevel").asText())
                    .as(name + ": function keys on every route")
                    .isEqualTo("FUNCTION");
            // The host ignores dataType for HTTP; it marks the one byte[] body (the load) and nothing else.
            assertThat(in.path("dataType").asText())
                    .as(name + ": dataType binary exactly for a byte[] body")
                    .isEqualTo(bodyIsBytes(e.getValue()) ? "binary" : "");
            JsonNode out = binding(fn, "http");
            assertThat(out).as(name).isNotNull();
            assertThat(out.path("direction").asText()).isEqualTo("out");
            assertThat(out.path("name").asText()).isEqualTo("$return");
            assertThat(fn.path("entryPoint").asText())
                    .as(name)
                    .isEqualTo(e.getValue().getDeclaringClass().getName() + "."
                            + e.getValue().getName());
            assertThat(fn.path("scriptFile").asText())
                    .as(name)
                    .startsWith("../")
                    .endsWith(".jar");
        }
    }

    @Test
    void theRoutesAreTheDocumentedOnes() {
        Map<String, String> actual = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : GENERATED.entrySet()) {
            JsonNode in = binding(e.getValue(), "httpTrigger");
            if (in != null) {
                actual.put(
                        e.getKey(),
                        String.join(",", methods(in)) + " " + in.path("route").asText());
            }
        }
        Map<String, String> expected = new TreeMap<>(ROUTES);
        ROUTES.forEach((name, route) -> {
            if (!UNVERSIONED.contains(name)) {
                int space = route.indexOf(' ');
                expected.put(
                        name + "Versioned", route.substring(0, space + 1) + VERSIONED + route.substring(space + 1));
            }
        });
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void durableBindingsHaveTheirShape() {
        for (Map.Entry<String, JsonNode> e : GENERATED.entrySet()) {
            String name = e.getKey();
            List<String> types = new ArrayList<>();
            e.getValue().path("bindings").forEach(b -> types.add(b.path("type").asText()));
            for (JsonNode b : e.getValue().path("bindings")) {
                String type = b.path("type").asText();
                if (!DURABLE.contains(type)) {
                    continue;
                }
                assertThat(b.path("direction").asText()).as(name + " " + type).isEqualTo("in");
                assertThat(b.path("name").asText()).as(name + " " + type).isNotEmpty();
                if (!type.equals("durableClient")) {
                    // A trigger is the function's only trigger: no HTTP binding beside it.
                    assertThat(types).as(name).doesNotContain("httpTrigger", "http");
                    assertThat(types.stream().filter(t -> t.endsWith("Trigger")).count())
                            .as(name)
                            .isEqualTo(1);
                }
            }
        }
    }

    @Test
    void thePackagedHostJsonIsTheProjects() throws IOException {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(APP.resolve("host.json").toFile()))
                .isEqualTo(json.readTree(Bicep.ROOT.resolve("host.json").toFile()));
    }

    /** Whether the trigger parameter is an {@code HttpRequestMessage<Optional<byte[]>>}. */
    private static boolean bodyIsBytes(Method m) {
        for (Parameter p : m.getParameters()) {
            if (p.getAnnotation(HttpTrigger.class) != null) {
                return p.getParameterizedType().getTypeName().endsWith("<java.util.Optional<byte[]>>");
            }
        }
        return false;
    }

    private static HttpTrigger httpTrigger(Method m) {
        for (Parameter p : m.getParameters()) {
            HttpTrigger t = p.getAnnotation(HttpTrigger.class);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static JsonNode binding(JsonNode fn, String type) {
        for (JsonNode b : fn.path("bindings")) {
            if (b.path("type").asText().equals(type)) {
                return b;
            }
        }
        return null;
    }

    private static Set<String> methods(JsonNode in) {
        Set<String> out = new TreeSet<>();
        in.path("methods").forEach(m -> out.add(m.asText().toUpperCase()));
        return out;
    }
}
