package dev.sockerless.aca.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** An Engine API response: status, headers and the whole body (Java functions cannot stream). */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    public static final String JSON = "application/json";
    static final ObjectMapper MAPPER = new ObjectMapper();

    public ApiResponse {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body;
    }

    /** A JSON document; Content-Type is exactly {@code application/json}, which the docker CLI compares with ==. */
    public static ApiResponse json(int status, Object value) {
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(value);
            byte[] withNewline = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            withNewline[bytes.length] = '\n';
            return new ApiResponse(status, Map.of("Content-Type", JSON), withNewline);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }
}
