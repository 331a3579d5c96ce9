package dev.sockerless.aca.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.LogLine;
import dev.sockerless.aca.logs.LogQuery;
import dev.sockerless.aca.logs.StreamType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The reader's position in a followed log, sent as {@code Sockerless-Logs-Cursor} and back as {@code ?cursor=}:
 * base64url JSON, opaque to clients. It names the container and execution, the next cached line ({@code -1}
 * before the first batch, which applies {@code since}/{@code tail}), and the request's stream and {@code until}
 * choices, so later calls continue exactly where the previous batch ended with the same filter, and whether the
 * container has a TTY (the body's type of an answer given without reading the container: the storage was slow).
 */
public record FollowCursor(
        String containerId,
        @Nullable String execution,
        long next,
        boolean stdout,
        boolean stderr,
        Optional<Instant> since,
        Optional<Instant> until,
        int tail,
        boolean tty) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int VERSION = 1;

    public FollowCursor {
        Objects.requireNonNull(containerId, "containerId");
        since = since == null ? Optional.empty() : since;
        until = until == null ? Optional.empty() : until;
    }

    /** The first call's cursor: no execution bound yet, nothing delivered. */
    public static FollowCursor first(String containerId, LogQuery q, boolean tty) {
        return new FollowCursor(containerId, null, -1, q.stdout(), q.stderr(), q.since(), q.until(), q.tail(), tty);
    }

    public boolean started() {
        return next >= 0;
    }

    public FollowCursor at(String execution, long next) {
        return new FollowCursor(containerId, execution, next, stdout, stderr, since, until, tail, tty);
    }

    /** Whether the line passes the stream and {@code until} filter. */
    public boolean wants(LogLine line) {
        boolean stream = line.stream() == StreamType.STDERR ? stderr : stdout;
        return stream && until.map(u -> !line.time().isAfter(u)).orElse(true);
    }

    public String encode() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("v", VERSION).put("c", containerId);
        if (execution != null) {
            n.put("x", execution);
        }
        n.put("n", next).put("o", stdout).put("e", stderr);
        since.ifPresent(s -> n.put("s", s.toString()));
        until.ifPresent(u -> n.put("u", u.toString()));
        n.put("t", tail);
        if (tty) {
            n.put("y", true);
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor; anything malformed (or of another version) is a 400. */
    public static FollowCursor decode(String text) {
        try {
            JsonNode n =
                    MAPPER.readTree(new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8));
            if (n == null || n.path("v").asInt() != VERSION || !n.path("c").isTextual()) {
                throw new IllegalArgumentException("version");
            }
            return new FollowCursor(
                    n.get("c").asText(),
                    n.hasNonNull("x") ? n.get("x").asText() : null,
                    n.path("n").asLong(-1),
                    n.path("o").asBoolean(true),
                    n.path("e").asBoolean(true),
                    Optional.ofNullable(n.get("s")).map(v -> Instant.parse(v.asText())),
                    Optional.ofNullable(n.get("u")).map(v -> Instant.parse(v.asText())),
                    n.path("t").asInt(LogQuery.ALL),
                    n.path("y").asBoolean(false));
        } catch (Exception e) {
            throw DockerApiException.invalid(
                    "invalid logs cursor (pass back the Sockerless-Logs-Cursor header value unchanged)");
        }
    }
}
