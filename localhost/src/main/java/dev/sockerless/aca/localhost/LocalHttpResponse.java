package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The host's {@link HttpResponseMessage}. Unlike the library interface it exposes every header, in the order set
 * ({@link #headers()}); setting a header again replaces it (case-insensitively), as the worker does.
 */
public final class LocalHttpResponse implements HttpResponseMessage {

    private final HttpStatusType status;
    private final List<Map.Entry<String, String>> headers;
    private final @Nullable Object body;

    LocalHttpResponse(HttpStatusType status, List<Map.Entry<String, String>> headers, @Nullable Object body) {
        this.status = status;
        this.headers = Collections.unmodifiableList(new ArrayList<>(headers));
        this.body = body;
    }

    @Override
    public HttpStatusType getStatus() {
        return status;
    }

    @Override
    public int getStatusCode() {
        return status.value();
    }

    @Override
    public @Nullable String getHeader(String key) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** All headers, in the order they were first set. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    @Override
    public @Nullable Object getBody() {
        return body;
    }

    /** The builder handed out by {@link LocalHttpRequest#createResponseBuilder}. */
    public static final class Builder implements HttpResponseMessage.Builder {
        private HttpStatusType status = HttpStatus.OK;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private @Nullable Object body;

        @Override
        public Builder status(HttpStatusType status) {
            this.status = Objects.requireNonNull(status, "status");
            return this;
        }

        @Override
        public Builder header(String key, String value) {
            Objects.requireNonNull(key, "key");
            for (int i = 0; i < headers.size(); i++) {
                if (headers.get(i).getKey().equalsIgnoreCase(key)) {
                    headers.set(i, Map.entry(key, value == null ? "" : value));
                    return this;
                }
            }
            headers.add(Map.entry(key, value == null ? "" : value));
            return this;
        }

        @Override
        public Builder body(Object body) {
            this.body = body;
            return this;
        }

        @Override
        public LocalHttpResponse build() {
            return new LocalHttpResponse(status, headers, body);
        }
    }
}
