package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One discovered HTTP-triggered function: a public method annotated {@code @FunctionName} with an {@code @HttpTrigger}
 * parameter.
 *
 * @param name      the function name ({@code @FunctionName})
 * @param type      the declaring class (instantiated per invocation with its no-arg constructor)
 * @param method    the function method
 * @param route     the parsed route template (the function name when the trigger declares no route)
 * @param methods   allowed HTTP methods in upper case; empty means every method
 * @param authLevel the trigger's {@code authLevel} (what key, if any, a request needs)
 * @param dataType  the trigger's {@code dataType} ("" when not set); ignored for HTTP, as the host and the worker
 *                  ignore it (see {@link RequestBody})
 * @param params    how to bind each method parameter, in order
 */
public record HttpFunction(
        String name,
        Class<?> type,
        Method method,
        RouteTemplate route,
        Set<String> methods,
        AuthorizationLevel authLevel,
        String dataType,
        List<Param> params) {

    /** What a method parameter receives. */
    /** DURABLE_CLIENT: a Durable client binding, passed as null (the app runs its orchestration in process). */
    public enum ParamKind {
        REQUEST,
        CONTEXT,
        BINDING,
        DURABLE_CLIENT
    }

    /**
     * Binding of one parameter.
     *
     * @param kind        request, execution context or a {@code @BindingName} value
     * @param bindingName the {@code @BindingName} value (BINDING only)
     * @param type        the parameter's raw type
     * @param bodyType    for REQUEST: {@code byte[].class}, {@code String.class}, or null (untyped: the value as the
     *                    host forwarded it)
     * @param optionalBody for REQUEST: whether the body is wrapped in {@code Optional}
     */
    public record Param(
            ParamKind kind,
            @Nullable String bindingName,
            Class<?> type,
            @Nullable Class<?> bodyType,
            boolean optionalBody) {}

    /** Whether the function accepts the given HTTP method. */
    public boolean allows(String httpMethod) {
        return methods.isEmpty() || methods.contains(httpMethod.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return (methods.isEmpty() ? "*" : String.join(",", methods)) + " /" + route.text() + " -> " + name;
    }
}
