package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import dev.sockerless.aca.localhost.refused.RefusedRoutes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final String PKG = "dev.sockerless.aca.localhost.sample";
    private static final String V = "{apiVersion:regex(^v[0-9]+[.][0-9]+$)}";

    @Test
    void routeTableBuiltFromAnnotationsInNameOrder() {
        RouteTable table = new RouteTable(FunctionScanner.scan(PKG));
        List<String> rows =
                table.functions().stream().map(HttpFunction::toString).toList();
        // LogsFollow (unknown binding) and QueueWorker (not HTTP) are skipped
        assertThat(rows)
                .containsExactly(
                        "GET /boom -> Boom",
                        "POST,PUT /echo -> Echo",
                        "GET,HEAD /framing/{mode} -> Framing",
                        "POST /images/create -> ImageCreate",
                        "POST /" + V + "/images/create -> ImageCreateV",
                        "GET /images/{*path} -> ImageGet",
                        "GET /" + V + "/images/{*path} -> ImageGetV",
                        "GET /images/json -> ImageList",
                        "POST /images/load -> ImageLoad",
                        "POST /images/{*path} -> ImagePost",
                        "GET /items/{id:regex(^[0-9]+$)}/{name} -> Item",
                        "GET /master-only -> MasterOnly",
                        "POST /containers/{id}/start -> NoContent",
                        "GET,HEAD /_ping -> Ping",
                        "GET /slow/{ms} -> Slow",
                        "DELETE /teapot/{name} -> Teapot",
                        "POST /untyped -> Untyped");
    }

    @Test
    void namesAreOrderedOrdinallyIgnoringCaseAsDotNetDoes() {
        // OrdinalIgnoreCase upper-cases: '_' (0x5F) sorts after letters (0x41-0x5A), unlike
        // String.CASE_INSENSITIVE_ORDER
        assertThat(RouteTable.ordinalIgnoreCase("a_", "AB")).isPositive();
        assertThat(String.CASE_INSENSITIVE_ORDER.compare("a_", "AB")).isNegative();
        assertThat(RouteTable.ordinalIgnoreCase("imageGet", "ImageList")).isNegative();
        assertThat(RouteTable.ordinalIgnoreCase("NamedImageGet", "ImageList")).isPositive();
    }

    @Test
    void discoveryReadsTriggerDetails() {
        List<HttpFunction> all = FunctionScanner.scan(PKG);
        HttpFunction create = all.stream()
                .filter(f -> f.name().equals("ImageCreateV"))
                .findFirst()
                .orElseThrow();
        assertThat(create.methods()).containsExactly("POST");
        assertThat(create.authLevel()).isEqualTo(AuthorizationLevel.FUNCTION);
        assertThat(create.route().parameterNames()).containsExactly("apiVersion");
        assertThat(create.params())
                .extracting(HttpFunction.Param::kind)
                .containsExactly(
                        HttpFunction.ParamKind.REQUEST, HttpFunction.ParamKind.BINDING, HttpFunction.ParamKind.CONTEXT);
        assertThat(create.params().get(0).bodyType()).isEqualTo(byte[].class);
        assertThat(create.params().get(0).optionalBody()).isTrue();
        HttpFunction echo =
                all.stream().filter(f -> f.name().equals("Echo")).findFirst().orElseThrow();
        assertThat(echo.params().get(0).bodyType()).isEqualTo(String.class);
        assertThat(echo.authLevel()).isEqualTo(AuthorizationLevel.ANONYMOUS);
    }

    @Test
    void resolvesTheFirstMatchInNameOrderByMethod() {
        RouteTable table = new RouteTable(FunctionScanner.scan(PKG));
        assertThat(name(table, "GET", "/images/json"))
                .as("ImageGet sorts before ImageList")
                .isEqualTo("ImageGet");
        assertThat(name(table, "GET", "/images/alpine/json")).isEqualTo("ImageGet");
        assertThat(name(table, "POST", "/images/create")).isEqualTo("ImageCreate");
        assertThat(name(table, "POST", "/images/load")).isEqualTo("ImageLoad");
        assertThat(name(table, "GET", "/images/create")).isEqualTo("ImageGet");
        assertThat(name(table, "POST", "/images/x/tag")).isEqualTo("ImagePost");
        assertThat(name(table, "POST", "/v1.50/images/create")).isEqualTo("ImageCreateV");
        assertThat(name(table, "POST", "/vX/images/create")).isNull();
        assertThat(name(table, "HEAD", "/_ping")).isEqualTo("Ping");
        assertThat(name(table, "HEAD", "/images/json")).isNull();
        assertThat(name(table, "GET", "/containers/x/logs")).isNull();
    }

    @Test
    void refusesWhatTheHostRefuses() {
        assertThatThrownBy(() -> new RouteTable(FunctionScanner.functionsOf(RefusedRoutes.AdminPrefix.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("administration/x");
        assertThatThrownBy(() -> new RouteTable(FunctionScanner.functionsOf(RefusedRoutes.RuntimePrefix.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Runtime");
        assertThatThrownBy(() -> new RouteTable(FunctionScanner.functionsOf(RefusedRoutes.Duplicate.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("First")
                .hasMessageContaining("Second");
        assertThatThrownBy(() -> FunctionScanner.functionsOf(RefusedRoutes.CatchAllNotLast.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Middle");
        // Azure would serve this one; the local host implements only what the app uses and says so at start-up
        assertThatThrownBy(() -> FunctionScanner.functionsOf(RefusedRoutes.UnsupportedSyntax.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Optional")
                .hasMessageContaining("{name?}")
                .hasMessageContaining("the local host supports literal segments");
        List<HttpFunction> disjoint = new ArrayList<>(FunctionScanner.functionsOf(RefusedRoutes.DisjointMethods.class));
        RouteTable ok = new RouteTable(disjoint);
        assertThat(name(ok, "PUT", "/things/1")).isEqualTo("Writer");
        assertThat(name(ok, "GET", "/things/1")).isEqualTo("Reader");
    }

    static String name(RouteTable t, String method, String path) {
        RouteTable.Match m = t.resolve(method, path);
        return m == null ? null : m.function().name();
    }
}
