package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The local host's {@link HttpRequestMessage}, shaped like the worker's: fully buffered body, headers as the host
 * forwards them (names lower-cased, repeated values joined with ','; the map is case-SENSITIVE, as the worker's is, so
 * {@code getHeaders().get("X-Registry-Auth")} is null on Azure and here), decoded query parameters without empty
 * values, and a response builder that records every header.
 *
 * @param <T> the body type ({@code Optional<byte[]>}, {@code Optional<String>}, {@code byte[]} or {@code String})
 */
public final class LocalHttpRequest<T> implements HttpRequestMessage<T> {

    private final URI uri;
    private final HttpMethod method;
    private final Map<String, String> headers;
    private final Map<String, String> query;
    private final @Nullable T body;

    public LocalHttpRequest(
            URI uri, HttpMethod method, Map<String, String> headers, Map<String, String> query, @Nullable T body) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.method = Objects.requireNonNull(method, "method");
        TreeMap<String, String> h = new TreeMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> h.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
        }
        this.headers = Collections.unmodifiableMap(h);
        this.query = query == null ? Map.of() : Collections.unmodifiableMap(query);
        this.body = body;
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return query;
    }

    @Override
    public @Nullable T getBody() {
        return body;
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new LocalHttpResponse.Builder().status(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new LocalHttpResponse.Builder().status(status);
    }

    @Override
    public String toString() {
        return method + " " + uri.getRawPath();
    }
}
