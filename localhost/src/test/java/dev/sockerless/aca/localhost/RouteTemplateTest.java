package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTemplateTest {

    private static final String V = "{apiVersion:regex(^v[0-9]+[.][0-9]+$)}";

    @Test
    void literalsMatchCaseInsensitively() {
        RouteTemplate t = RouteTemplate.parse("images/json");
        assertThat(t.match("/images/json")).isEmpty();
        assertThat(t.match("/IMAGES/Json")).isEmpty();
        assertThat(t.match("/images/json/")).isEmpty();
        assertThat(t.match("/images")).isNull();
        assertThat(t.match("/images/json/x")).isNull();
    }

    @Test
    void regexConstraintMayContainColonsAndParentheses() {
        RouteTemplate t = RouteTemplate.parse(V + "/images/create");
        assertThat(t.match("/v1.50/images/create")).containsExactly(Map.entry("apiVersion", "v1.50"));
        assertThat(t.match("/V1.24/images/create")).containsEntry("apiVersion", "V1.24");
        assertThat(t.match("/vX/images/create")).isNull();
        assertThat(t.match("/v1.50.1/images/create")).isNull();
        RouteTemplate colon = RouteTemplate.parse("x/{a:regex(^sha256:(a|b)+$)}");
        assertThat(colon.match("/x/sha256:abba")).containsEntry("a", "sha256:abba");
        assertThat(colon.match("/x/sha256:c")).isNull();
        // like ASP.NET's parser, a ')' followed by ':' ends the argument, so this regex is cut short
        assertThatThrownBy(() -> RouteTemplate.parse("x/{a:regex(^(a|b):c$)}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void catchAllTakesTheRestIncludingSlashes() {
        RouteTemplate t = RouteTemplate.parse("images/{*path}");
        assertThat(t.match("/images/myreg:5000/foo/bar:v1/json")).containsEntry("path", "myreg:5000/foo/bar:v1/json");
        assertThat(t.match("/images/alpine@sha256:abc/json")).containsEntry("path", "alpine@sha256:abc/json");
        assertThat(t.match("/images/a%20b/json")).containsEntry("path", "a b/json");
        assertThat(t.match("/images")).isEmpty(); // zero segments: matches, no value
        assertThat(t.match("/other/x")).isNull();
    }

    @Test
    void parametersDoNotMatchEmptySegments() {
        RouteTemplate t = RouteTemplate.parse("containers/{id}/json");
        assertThat(t.match("/containers//json")).isNull();
        assertThat(t.match("/containers/abc/json")).containsExactly(Map.entry("id", "abc"));
        assertThat(t.match("/containers/a%20b/json")).containsEntry("id", "a b");
        assertThat(t.match("/containers/abc")).isNull();
    }

    @Test
    void precedenceDigitsFollowAspNetCore() {
        assertThat(RouteTemplate.parse("images/json").precedence()).containsExactly(1, 1);
        assertThat(RouteTemplate.parse(V + "/images/{*path}").precedence()).containsExactly(2, 1, 5);
        assertThat(RouteTemplate.parse("containers/{id}/json").precedence()).containsExactly(1, 3, 1);
        assertThat(RouteTemplate.comparePrecedence(
                        RouteTemplate.parse("images/create"), RouteTemplate.parse("images/{*path}")))
                .isNegative();
        assertThat(RouteTemplate.comparePrecedence(
                        RouteTemplate.parse(V + "/images/json"), RouteTemplate.parse("{x}/images/json")))
                .isNegative();
        assertThat(RouteTemplate.comparePrecedence(
                        RouteTemplate.parse("images/json"), RouteTemplate.parse("images/json/x")))
                .isNegative();
    }

    /** What ASP.NET Core refuses too (dotnet/aspnetcore {@code RoutePatternParser}). */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "a/{*rest}/b      | catch-all",
                "a/{x}/{X}        | duplicate",
                "a//b             | empty segment",
                "a/{x:regex(()}   | invalid regex"
            })
    void whatAspNetCoreRefusesIsRefused(String template, String message) {
        assertThatThrownBy(() -> RouteTemplate.parse(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** Valid on Azure, but no route of the app uses it: the local host refuses it rather than route differently. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "items/{id?}",
                "items/{id=1}",
                "items/{id:int}",
                "items/{id:regex(a):minlength(2)}",
                "items/{*rest:minlength(2)}",
                "items/{**rest}",
                "files/{name}.{ext}",
                "files/x{name}",
                "lit{{eral}}",
                "a/{x"
            })
    void syntaxTheAppDoesNotUseIsRefused(String template) {
        assertThatThrownBy(() -> RouteTemplate.parse(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the local host supports literal segments, {name}, {name:regex(...)} and a "
                        + "last {*name} only");
    }

    @Test
    void listenAddresses() {
        assertThat(ListenAddress.parse(null).getPort()).isEqualTo(7071);
        assertThat(ListenAddress.parse(null).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(ListenAddress.parse(":8080").getAddress().isLoopbackAddress())
                .isTrue();
        assertThat(ListenAddress.parse("0.0.0.0:1").getPort()).isEqualTo(1);
        assertThat(ListenAddress.parse("[::1]:9000").getAddress().getHostAddress())
                .isEqualTo("0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> ListenAddress.parse("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListenAddress.parse("::1:80")).isInstanceOf(IllegalArgumentException.class);
    }
}
