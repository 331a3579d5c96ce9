package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final String PKG = "dev.sockerless.aca.localhost.sample";
    private static final String V = "{apiVersion:regex(^v[0-9]+[.][0-9]+$)}";

    @Test
    void routeTableBuiltFromAnnotations() {
        RouteTable table = new RouteTable(FunctionScanner.scan(PKG));
        List<String> rows = table.functions().stream().map(HttpFunction::toString).toList();
        // LogsFollow (unknown binding) and QueueWorker (not HTTP) are skipped
        assertThat(rows).containsExactly(
                "GET,HEAD /_ping -> Ping",
                "GET /boom -> Boom",
                "POST,PUT /echo -> Echo",
                "POST /images/create -> ImageCreate",
                "GET /images/json -> ImageList",
                "POST /images/load -> ImageLoad",
                "GET /items/{id:int}/{name?} -> Item",
                "DELETE /teapot/{name} -> Teapot",
                "POST /containers/{id}/start -> NoContent",
                "GET /images/{*path} -> ImageGet",
                "POST /images/{*path} -> ImagePost",
                "POST /" + V + "/images/create -> ImageCreateV",
                "GET /" + V + "/images/{*path} -> ImageGetV");
    }

    @Test
    void discoveryReadsTriggerDetails() {
        HttpFunction create = FunctionScanner.scan(PKG).stream().filter(f -> f.name().equals("ImageCreateV"))
                .findFirst().orElseThrow();
        assertThat(create.binary()).isTrue();
        assertThat(create.methods()).containsExactly("POST");
        assertThat(create.route().parameterNames()).containsExactly("apiVersion");
        assertThat(create.params()).extracting(HttpFunction.Param::kind).containsExactly(
                HttpFunction.ParamKind.REQUEST, HttpFunction.ParamKind.BINDING, HttpFunction.ParamKind.CONTEXT);
        assertThat(create.params().get(0).bodyType()).isEqualTo(byte[].class);
        assertThat(create.params().get(0).optionalBody()).isTrue();
    }

    @Test
    void resolvesByPrecedenceAndMethod() {
        RouteTable table = new RouteTable(FunctionScanner.scan(PKG));
        assertThat(name(table, "GET", "/images/json")).isEqualTo("ImageList");
        assertThat(name(table, "GET", "/images/alpine/json")).isEqualTo("ImageGet");
        assertThat(name(table, "POST", "/images/create")).isEqualTo("ImageCreate");
        assertThat(name(table, "GET", "/images/create")).isEqualTo("ImageGet");
        assertThat(name(table, "POST", "/images/x/tag")).isEqualTo("ImagePost");
        assertThat(name(table, "POST", "/v1.50/images/create")).isEqualTo("ImageCreateV");
        assertThat(name(table, "POST", "/vX/images/create")).isNull();
        assertThat(name(table, "HEAD", "/_ping")).isEqualTo("Ping");
        assertThat(name(table, "HEAD", "/images/json")).isNull();
        assertThat(name(table, "GET", "/containers/x/logs")).isNull();
    }

    private static String name(RouteTable t, String method, String path) {
        RouteTable.Match m = t.resolve(method, path);
        return m == null ? null : m.function().name();
    }
}
