package dev.sockerless.aca.localhost.refused;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** Routes the Functions host (or the local host, for syntax it does not implement) refuses; one class per refusal, never scanned as a package. */
public final class RefusedRoutes {

    private RefusedRoutes() {}

    public static final class AdminPrefix {
        @FunctionName("Administration")
        public HttpResponseMessage f(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.GET},
                                route = "administration/x",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }
    }

    public static final class RuntimePrefix {
        @FunctionName("Runtime")
        public HttpResponseMessage f(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.GET},
                                route = "/Runtime",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }
    }

    /** Same template ignoring case, overlapping methods. */
    public static final class Duplicate {
        @FunctionName("First")
        public HttpResponseMessage a(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.GET, HttpMethod.POST},
                                route = "things/{id}",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }

        @FunctionName("Second")
        public HttpResponseMessage b(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.POST},
                                route = "Things/{id}",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }
    }

    /** Same template, disjoint methods: allowed. */
    public static final class DisjointMethods {
        @FunctionName("Reader")
        public HttpResponseMessage a(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.GET},
                                route = "things/{id}",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }

        @FunctionName("Writer")
        public HttpResponseMessage b(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.PUT},
                                route = "things/{id}",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }
    }

    /** An optional parameter: valid ASP.NET Core syntax, but none of the app's routes uses it. */
    public static final class UnsupportedSyntax {
        @FunctionName("Optional")
        public HttpResponseMessage f(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.GET},
                                route = "items/{name?}",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }
    }

    public static final class CatchAllNotLast {
        @FunctionName("Middle")
        public HttpResponseMessage f(
                @HttpTrigger(
                                name = "req",
                                methods = {HttpMethod.GET},
                                route = "images/{*name}/json",
                                authLevel = AuthorizationLevel.FUNCTION)
                        HttpRequestMessage<Optional<String>> request) {
            return null;
        }
    }
}
