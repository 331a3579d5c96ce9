package dev.sockerless.aca.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.logs.FollowRow;
import dev.sockerless.aca.logs.LogLine;
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
import org.jspecify.annotations.Nullable;

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
 *   <li>{@code floor}: null, or the ingestion time below which nothing is asked for again: when the overlap window
 *   holds more rows than {@link #RECENT_CHARS} can remember (a chatty container), the keys of the oldest ingestion
 *   times are dropped and the next query starts at the oldest one kept, so the state stays bounded and no row is
 *   delivered twice (for such a container the overlap is shorter than {@code SOCKERLESS_FOLLOW_OVERLAP_SECONDS}).</li>
 * </ul>
 * {@link #merge} is the pure dedupe step; everything else is plain data.
 */
public record FollowState(
        String execution,
        boolean primed,
        boolean ended,
        long nextSeq,
        @Nullable Instant lastIngestion,
        Map<String, Seen> recent,
        @Nullable Instant terminalSeenAt,
        @Nullable Instant updatedAt,
        @Nullable Instant floor) {

    /**
     * The most characters of {@code recent}'s JSON: as UTF-16 (how Table Storage counts a string) ~400 KB, so the
     * state stays well under the 1 MiB entity limit and fits with 3 full line chunks in one 4 MiB transaction.
     */
    public static final int RECENT_CHARS = 200_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How often a key's row was delivered, and its latest ingestion time. */
    public record Seen(int count, Instant ingested) {}

    public FollowState {
        Objects.requireNonNull(execution, "execution");
        recent = recent == null ? Map.of() : Map.copyOf(recent);
    }

    /** A new execution's state: nothing read yet. */
    public static FollowState start(String execution, @Nullable Instant now) {
        return new FollowState(execution, false, false, 0, null, Map.of(), null, now, null);
    }

    /** The ingestion time the next query starts at (inclusive), or null for everything (not primed yet). */
    public @Nullable Instant queryFrom(Duration overlap) {
        if (!primed || lastIngestion == null) {
            return null;
        }
        Instant from = lastIngestion.minus(overlap);
        return floor != null && floor.isAfter(from) ? floor : from;
    }

    /** What a waiting reader compares: the execution, how many lines there are, whether primed and ended. */
    public String mark() {
        return execution + ":" + nextSeq + (primed ? ":p" : "") + (ended ? ":e" : "");
    }

    /** Whether this state equals {@code other} but for {@code updatedAt}. */
    public boolean sameAs(@Nullable FollowState other) {
        return other != null
                && equals(new FollowState(
                        other.execution,
                        other.primed,
                        other.ended,
                        other.nextSeq,
                        other.lastIngestion,
                        other.recent,
                        other.terminalSeenAt,
                        updatedAt,
                        other.floor));
    }

    public FollowState withTerminal(Instant seen, boolean ended, Instant now) {
        return new FollowState(execution, primed, ended, nextSeq, lastIngestion, recent, seen, now, floor);
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
        Instant nextFloor = floor;
        if (newest != null) {
            Instant keepFrom = newest.minus(overlap);
            seen.values().removeIf(s -> s.ingested().isBefore(keepFrom));
            Instant cut = bound(seen, newest);
            if (cut != null && (nextFloor == null || cut.isAfter(nextFloor))) {
                nextFloor = cut;
            }
        }
        return new Merge(
                lines, new FollowState(execution, true, ended, seq, newest, seen, terminalSeenAt, now, nextFloor));
    }

    /**
     * Keeps the keys of the newest ingestion times whose JSON fits in {@link #RECENT_CHARS}, whole ingestion times
     * at a time, and drops the rest. Returns the floor the next query starts at (the oldest ingestion time kept; just
     * after {@code newest} when not even its keys fit), or null when everything fits.
     */
    private static @Nullable Instant bound(Map<String, Seen> seen, Instant newest) {
        TreeMap<Instant, Integer> chars = new TreeMap<>();
        int total = 2;
        for (Map.Entry<String, Seen> e : seen.entrySet()) {
            Instant ing = e.getValue().ingested();
            int size = entryChars(e.getKey(), e.getValue().count())
                    + (chars.containsKey(ing) ? 0 : ing.toString().length() + 5);
            chars.merge(ing, size, Integer::sum);
            total += size;
        }
        if (total <= RECENT_CHARS) {
            return null;
        }
        int kept = 2;
        Instant floor = null;
        for (Map.Entry<Instant, Integer> g : chars.descendingMap().entrySet()) {
            if (kept + g.getValue() > RECENT_CHARS) {
                break;
            }
            kept += g.getValue();
            floor = g.getKey();
        }
        Instant from = floor != null ? floor : newest.plusNanos(100); // ingestion times are in 100 ns ticks
        seen.values().removeIf(s -> s.ingested().isBefore(from));
        return from;
    }

    /** Characters of one key in the JSON: {@code "key":count,}. */
    private static int entryChars(String key, int count) {
        return key.length() + 4 + String.valueOf(count).length();
    }

    /** A short digest of the row's identity (line time in 100 ns ticks, replica, container, stream, text). */
    static String key(FollowRow row) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Instant time = row.time();
            String id = time.getEpochSecond() + "." + time.getNano() / 100 + "\u0000" + row.replica() + "\u0000"
                    + row.container() + "\u0000" + row.stream().name() + "\u0000" + row.text();
            byte[] d = sha.digest(id.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- JSON (stored by the cache; instants as ISO strings, recent grouped by ingestion time as
    // {ingested: {key: count}}; states written before the grouping have "r": {key: [count, ingested]})

    public String toJson() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("x", execution).put("p", primed).put("e", ended).put("n", nextSeq);
        put(n, "l", lastIngestion);
        put(n, "t", terminalSeenAt);
        put(n, "u", updatedAt);
        put(n, "f", floor);
        TreeMap<Instant, TreeMap<String, Integer>> groups = new TreeMap<>();
        recent.forEach((k, v) ->
                groups.computeIfAbsent(v.ingested(), i -> new TreeMap<>()).put(k, v.count()));
        ObjectNode g = n.putObject("g");
        groups.forEach((ing, keys) -> {
            ObjectNode group = g.putObject(ing.toString());
            keys.forEach(group::put);
        });
        return n.toString();
    }

    public static FollowState fromJson(@Nullable String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            Map<String, Seen> recent = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            n.path("g").properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> group = it.next();
                Instant ing = Instant.parse(group.getKey());
                group.getValue()
                        .properties()
                        .forEach(k ->
                                recent.put(k.getKey(), new Seen(k.getValue().asInt(), ing)));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            n.path("r").properties().iterator();
                    it.hasNext(); ) {
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
                    instant(n, "u"),
                    instant(n, "f"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed follow state", e);
        }
    }

    private static void put(ObjectNode n, String field, @Nullable Instant value) {
        if (value != null) {
            n.put(field, value.toString());
        }
    }

    private static @Nullable Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }
}
