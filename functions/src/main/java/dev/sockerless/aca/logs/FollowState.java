package dev.sockerless.aca.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The poller's cursor for one followed container (one execution), kept in the {@link LogCache}.
 * <ul>
 *   <li>{@code lastIngestion}: the newest {@code ingestion_time()} seen; the next query asks for rows ingested at or
 *   after {@code lastIngestion − overlap} (rows become visible late and {@code ingestion_time()} is approximate).</li>
 *   <li>{@code recent}: the rows already delivered inside that overlap window, as a key of (line time, replica,
 *   container, stream, text) with a count, so that two identical lines of the same tick are both delivered once and
 *   a row seen again because of the overlap is not delivered twice.</li>
 *   <li>{@code nextSeq}: the number the next cached line gets; {@code primed} once the first query (the whole
 *   execution so far) has run; {@code terminalSeenAt}: when the poller first saw the execution finished;
 *   {@code ended}: the grace period after that is over and no more lines are expected.</li>
 * </ul>
 * {@link #merge} is the pure dedupe step; everything else is plain data.
 */
public record FollowState(
        String execution,
        boolean primed,
        boolean ended,
        long nextSeq,
        Instant lastIngestion,
        Map<String, Seen> recent,
        Instant terminalSeenAt,
        Instant updatedAt) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How often a key's row was delivered, and its latest ingestion time. */
    public record Seen(int count, Instant ingested) {}

    public FollowState {
        Objects.requireNonNull(execution, "execution");
        recent = recent == null ? Map.of() : Map.copyOf(recent);
    }

    /** A new execution's state: nothing read yet. */
    public static FollowState start(String execution, Instant now) {
        return new FollowState(execution, false, false, 0, null, Map.of(), null, now);
    }

    /** The ingestion time the next query starts at (inclusive), or null for everything (not primed yet). */
    public Instant queryFrom(Duration overlap) {
        return !primed || lastIngestion == null ? null : lastIngestion.minus(overlap);
    }

    /** What a waiting reader compares: the execution, how many lines there are, whether primed and ended. */
    public String mark() {
        return execution + ":" + nextSeq + (primed ? ":p" : "") + (ended ? ":e" : "");
    }

    /** Whether this state equals {@code other} but for {@code updatedAt}. */
    public boolean sameAs(FollowState other) {
        return other != null
                && equals(new FollowState(
                        other.execution,
                        other.primed,
                        other.ended,
                        other.nextSeq,
                        other.lastIngestion,
                        other.recent,
                        other.terminalSeenAt,
                        updatedAt));
    }

    public FollowState withTerminal(Instant seen, boolean ended, Instant now) {
        return new FollowState(execution, primed, ended, nextSeq, lastIngestion, recent, seen, now);
    }

    /** The outcome of a poll for this container: the new lines in delivery order, and the state after them. */
    public record Merge(List<CachedLine> lines, FollowState state) {}

    /**
     * Takes one poll's rows of this container (any order; rows already delivered may be among them) and returns
     * the rows not delivered before, sorted by line time (then replica, container, occurrence), numbered from
     * {@link #nextSeq}, and the state that remembers them.
     */
    public Merge merge(List<FollowRow> rows, Duration overlap, Instant now) {
        Map<String, Integer> inResult = new HashMap<>();
        Map<String, Seen> seen = new HashMap<>(recent);
        record Fresh(FollowRow row, int occurrence) {}
        List<Fresh> fresh = new ArrayList<>();
        Instant newest = lastIngestion;
        for (FollowRow row : rows) {
            String key = key(row);
            int occurrence = inResult.merge(key, 1, Integer::sum);
            Seen known = seen.get(key);
            int knownCount = known == null ? 0 : known.count();
            if (occurrence > knownCount) {
                fresh.add(new Fresh(row, occurrence));
            }
            Instant ing = known == null || row.ingested().isAfter(known.ingested()) ? row.ingested() : known.ingested();
            seen.put(key, new Seen(Math.max(knownCount, occurrence), ing));
            if (newest == null || row.ingested().isAfter(newest)) {
                newest = row.ingested();
            }
        }
        fresh.sort(Comparator.comparing((Fresh f) -> f.row().time())
                .thenComparing(f -> f.row().replica())
                .thenComparing(f -> f.row().container())
                .thenComparingInt(Fresh::occurrence));
        List<CachedLine> lines = new ArrayList<>(fresh.size());
        long seq = nextSeq;
        for (Fresh f : fresh) {
            lines.add(new CachedLine(
                    seq++, new LogLine(f.row().time(), f.row().stream(), f.row().text())));
        }
        if (newest != null) {
            Instant keepFrom = newest.minus(overlap);
            seen.values().removeIf(s -> s.ingested().isBefore(keepFrom));
        }
        return new Merge(lines, new FollowState(execution, true, ended, seq, newest, seen, terminalSeenAt, now));
    }

    /** A short digest of the row's identity (line time in 100 ns ticks, replica, container, stream, text). */
    static String key(FollowRow row) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String id = row.time().getEpochSecond() + "." + row.time().getNano() / 100 + "\u0000" + row.replica()
                    + "\u0000" + row.container() + "\u0000" + row.stream().name() + "\u0000" + row.text();
            byte[] d = sha.digest(id.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- JSON (stored by the cache; instants as ISO strings, recent as {key: [count, ingested]})

    public String toJson() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("x", execution).put("p", primed).put("e", ended).put("n", nextSeq);
        put(n, "l", lastIngestion);
        put(n, "t", terminalSeenAt);
        put(n, "u", updatedAt);
        ObjectNode r = n.putObject("r");
        new TreeMap<>(recent)
                .forEach((k, v) -> r.putArray(k).add(v.count()).add(v.ingested().toString()));
        return n.toString();
    }

    public static FollowState fromJson(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            Map<String, Seen> recent = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.path("r").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                recent.put(
                        e.getKey(),
                        new Seen(
                                e.getValue().get(0).asInt(),
                                Instant.parse(e.getValue().get(1).asText())));
            }
            return new FollowState(
                    n.path("x").asText(),
                    n.path("p").asBoolean(),
                    n.path("e").asBoolean(),
                    n.path("n").asLong(),
                    instant(n, "l"),
                    recent,
                    instant(n, "t"),
                    instant(n, "u"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed follow state", e);
        }
    }

    private static void put(ObjectNode n, String field, Instant value) {
        if (value != null) {
            n.put(field, value.toString());
        }
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }
}
