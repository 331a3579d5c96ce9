package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Invokes one function the way the Java worker does: a new instance per invocation (public no-arg constructor), the
 * request, the {@link ExecutionContext} and {@code @BindingName} values (route values win over query parameters) as
 * arguments. Returns what the function returned, normalised to an {@link HttpResponseMessage}.
 */
public final class FunctionInvoker {

    private FunctionInvoker() {}

    /** A function threw (or could not be constructed); {@code getCause()} is the function's exception. */
    public static final class InvocationFailure extends Exception {
        private static final long serialVersionUID = 1L;

        InvocationFailure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Invokes {@code f}.
     *
     * @param body what the host forwarded of the body ({@link RequestBody#forwarded}): {@code byte[]}, {@code String},
     *             or {@code null} for none
     * @throws InvocationFailure when the binding fails (before the function runs) or the function throws
     */
    public static HttpResponseMessage invoke(
            HttpFunction f,
            Map<String, String> routeValues,
            URI uri,
            HttpMethod method,
            Map<String, String> headers,
            Map<String, String> query,
            @Nullable Object body)
            throws InvocationFailure {
        LocalHttpRequest<Object> request = null;
        LocalExecutionContext context = new LocalExecutionContext(f.name());
        Map<String, String> bindingData = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        bindingData.putAll(query);
        bindingData.putAll(routeValues);
        List<HttpFunction.Param> params = f.params();
        Object[] args = new Object[params.size()];
        for (int i = 0; i < args.length; i++) {
            HttpFunction.Param p = params.get(i);
            switch (p.kind()) {
                case REQUEST -> {
                    if (request == null) {
                        Object value;
                        try {
                            value = RequestBody.convert(body, p.bodyType());
                        } catch (RequestBody.BindingFailure e) {
                            throw new InvocationFailure(e);
                        }
                        Object wrapped = p.optionalBody() ? Optional.ofNullable(value) : value;
                        request = new LocalHttpRequest<>(uri, method, headers, query, wrapped);
                    }
                    args[i] = request;
                }
                case CONTEXT -> args[i] = context;
                case DURABLE_CLIENT -> args[i] = null;
                case BINDING -> {
                    try {
                        args[i] = ValueConverter.convert(bindingData.get(p.bindingName()), p.type());
                    } catch (IllegalArgumentException e) {
                        throw new InvocationFailure(new IllegalArgumentException(
                                "invalid value for binding '" + p.bindingName() + "': " + e.getMessage(), e));
                    }
                }
                default -> throw new IllegalStateException(p.kind().toString());
            }
        }
        Object result;
        try {
            Object target = Modifier.isStatic(f.method().getModifiers())
                    ? null
                    : f.type().getConstructor().newInstance();
            result = f.method().invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new InvocationFailure(e.getCause() != null ? e.getCause() : e);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new InvocationFailure(e);
        }
        return toResponse(result);
    }

    static HttpResponseMessage toResponse(@Nullable Object result) {
        if (result instanceof HttpResponseMessage m) {
            return m;
        }
        LocalHttpResponse.Builder b = new LocalHttpResponse.Builder();
        if (result == null) {
            return b.status(HttpStatus.NO_CONTENT).build();
        }
        return b.status(HttpStatus.OK).body(result).build();
    }
}
