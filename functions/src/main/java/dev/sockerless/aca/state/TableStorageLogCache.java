package dev.sockerless.aca.state;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.follow.CachedLine;
import dev.sockerless.aca.follow.FollowState;
import dev.sockerless.aca.follow.LogCache;
import dev.sockerless.aca.logs.LogLine;
import dev.sockerless.aca.logs.StreamType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The follow cache in Table Storage, one table:
 * <ul>
 *   <li>partition {@value #FOLLOW}, row = container id: the followed containers, {@code LastReadAt} (readers
 *   write it; the poller deletes it conditionally on its ETag, so a reader's fresh mark is never lost);</li>
 *   <li>partition = container id, row {@value #STATE}: the poller's {@link FollowState} (JSON) and
 *   {@code UpdatedAt} (epoch ms, for the retention purge);</li>
 *   <li>partition = container id, rows {@code l:<execution>:<first seq, 19 digits>}: chunks of up to
 *   {@value #CHUNK_LINES} lines as JSON {@code [[epochSecond, nano, "o"|"e", text], ...]}, so row keys sort in
 *   line order.</li>
 *   <li>partition {@value WatermarkShards#MARKS}, rows {@code s00} to {@code s15}: the watermark, per followed container its
 *   state's mark, spread over {@value WatermarkShards#MARK_SHARDS} entities by container id (one entity would hold only ~4,000).</li>
 * </ul>
 * Lines and the state are written with same-partition entity-group transactions, the state in the last one, so a
 * reader (which never reads past the state's {@code nextSeq}) sees whole polls only.
 */
public final class TableStorageLogCache implements LogCache {

    public static final String TABLE = "logcache";
    static final String FOLLOW = "_follow";
    static final String STATE = "state";
    static final int CHUNK_LINES = 500;
    /**
     * The most characters of serialized JSON in one chunk. Strings are stored as UTF-16 (2 bytes a character), so a
     * chunk is at most ~800 KB, under the 1 MiB entity limit with room for the property names. It counts the JSON as
     * written, not the text: an escaped control character (ANSI escapes, binary bytes: {@code \u001b}) takes six.
     */
    static final int CHUNK_CHARS = 400_000;

    static final int BATCH_ENTITIES = 3; // 3 × ~800 KB + state stays under the 4 MiB transaction limit
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TableClient table;
    private final WatermarkShards watermark;

    public TableStorageLogCache(TableServiceClient service) {
        this.table = Tables.ensure(service, TABLE);
        this.watermark = new WatermarkShards(table);
    }

    @Override
    public void markRead(String containerId, Instant at) {
        Tables.call(() ->
                table.upsertEntity(new TableEntity(FOLLOW, containerId).addProperty("LastReadAt", at.toString())));
    }

    @Override
    public List<Follower> followers() {
        return Tables.call(() -> {
            List<Follower> out = new ArrayList<>();
            for (TableEntity e : table.listEntities(
                    new ListEntitiesOptions().setFilter("PartitionKey eq " + Tables.literal(FOLLOW)),
                    null,
                    Context.NONE)) {
                out.add(new Follower(e.getRowKey(), Instant.parse((String) e.getProperty("LastReadAt"))));
            }
            return out;
        });
    }

    @Override
    public boolean unfollow(Follower seen) {
        Optional<TableEntity> current = Tables.get(table, FOLLOW, seen.containerId());
        if (current.isEmpty()) {
            return true;
        }
        if (!seen.lastReadAt().toString().equals(current.get().getProperty("LastReadAt"))) {
            return false;
        }
        try {
            table.deleteEntityWithResponse(current.get(), true, null, Context.NONE);
            return true;
        } catch (TableServiceException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            if (status == 404) {
                return true;
            }
            if (status == 412) {
                return false; // a reader marked it meanwhile
            }
            throw Tables.unavailable(e);
        } catch (RuntimeException e) {
            throw Tables.unavailable(e);
        }
    }

    /**
     * The ETag each state was read with, so that {@link #append} writes If-Match without reading it again (the
     * states are the keys: gone once the poll that read them is).
     */
    private final Map<FollowState, String> readEtags = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public Optional<FollowState> state(String containerId) {
        return Tables.get(table, containerId, STATE).map(e -> {
            FollowState s = FollowState.fromJson(TableStorageContainerStore.getText(e, "Json"));
            readEtags.put(s, e.getETag());
            return s;
        });
    }

    @Override
    public void append(String containerId, List<CachedLine> lines, @Nullable FollowState expected, FollowState state) {
        List<TableEntity> chunks = new ArrayList<>();
        String execution = state.execution();
        int i = 0;
        while (i < lines.size()) {
            long first = lines.get(i).seq();
            ArrayNode array = MAPPER.createArrayNode();
            int chars = 2;
            int n = 0;
            // a chunk never crosses a multiple of CHUNK_LINES, so the chunk holding seq s starts after s - CHUNK_LINES
            while (i < lines.size()
                    && n < CHUNK_LINES
                    && (n == 0 || lines.get(i).seq() % CHUNK_LINES != 0)) {
                ArrayNode row = row(lines.get(i).line());
                int size = row.toString().length() + 1;
                if (n > 0 && chars + size > CHUNK_CHARS) {
                    break;
                }
                array.add(row);
                chars += size;
                n++;
                i++;
            }
            TableEntity e = new TableEntity(containerId, lineKey(execution, first))
                    .addProperty("First", first)
                    .addProperty("Count", n);
            TableStorageContainerStore.putText(e, "Lines", array.toString());
            chunks.add(e);
        }
        // Every transaction carries a conditional write of the state (If-Match the ETag it was read with; created
        // when there was none), so a concurrent writer (a duplicated poll) fails a whole transaction, chunks
        // included, instead of interleaving with this one.
        String etag = expected == null ? null : readEtags.get(expected);
        FollowState storedState = expected;
        if (expected != null && etag == null) { // not read here: compare with what is stored now
            Optional<TableEntity> stored = Tables.get(table, containerId, STATE);
            storedState = stored.map(e -> FollowState.fromJson(TableStorageContainerStore.getText(e, "Json")))
                    .orElse(null);
            if (!Objects.equals(storedState, expected)) {
                throw changed(containerId);
            }
            etag = stored.map(TableEntity::getETag).orElse(null);
        }
        List<TableTransactionAction> batch = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            batch.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, chunks.get(c)));
            if (batch.size() == BATCH_ENTITIES && c < chunks.size() - 1) {
                // meanwhile the stored state stays what it was (a new one: not primed, so readers ignore it)
                etag = submit(
                        containerId,
                        batch,
                        stateEntity(
                                containerId,
                                storedState != null
                                        ? storedState
                                        : FollowState.start(state.execution(), state.updatedAt())),
                        etag,
                        false);
                batch = new ArrayList<>();
            }
        }
        submit(containerId, batch, stateEntity(containerId, state), etag, true);
    }

    /**
     * A line as stored: {@code [epochSecond, nano, "o"|"e", text]}. A line whose JSON alone would not fit in a chunk
     * is cut to fit, and says so at its end (one log line of ~400,000 characters, or of ~65,000 escaped bytes).
     */
    static ArrayNode row(LogLine l) {
        String text = l.text();
        ArrayNode row = row(l, text);
        int size = row.toString().length();
        int keep = text.length();
        while (size > CHUNK_CHARS - 2 && keep > 0) { // an escaped character takes at most 6: a few rounds
            keep = Math.max(0, keep - (size - (CHUNK_CHARS - 200)) / 6 - 1);
            if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
                keep--;
            }
            row = row(
                    l,
                    text.substring(0, keep) + " [sockerless: line cut, " + (text.length() - keep)
                            + " more characters]");
            size = row.toString().length();
        }
        return row;
    }

    private static ArrayNode row(LogLine l, String text) {
        Instant time = l.time();
        return MAPPER.createArrayNode()
                .add(time.getEpochSecond())
                .add(time.getNano())
                .add(l.stream() == StreamType.STDERR ? "e" : "o")
                .add(text);
    }

    private static TableEntity stateEntity(String containerId, FollowState state) {
        TableEntity e = new TableEntity(containerId, STATE)
                .addProperty(
                        "UpdatedAt",
                        state.updatedAt() == null ? 0L : state.updatedAt().toEpochMilli());
        TableStorageContainerStore.putText(e, "Json", state.toJson());
        return e;
    }

    /**
     * Submits the batch with a conditional write of the state last: created when {@code etag} is null (409 when
     * another writer created it), else replaced If-Match {@code etag} (412 when another wrote it). For a batch that
     * is not the last, returns the state's new ETag: read back and taken only when the state still carries this
     * batch's token (a transaction's sub-responses carry no ETag); a writer that came in between fails this append.
     */
    private @Nullable String submit(
            String containerId,
            List<TableTransactionAction> batch,
            TableEntity stateEntity,
            @Nullable String etag,
            boolean last) {
        String token = java.util.UUID.randomUUID().toString();
        stateEntity.addProperty("Writer", token);
        if (etag == null) {
            batch.add(new TableTransactionAction(TableTransactionActionType.CREATE, stateEntity));
        } else {
            stateEntity.addProperty("odata.etag", etag);
            batch.add(new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, stateEntity, true));
        }
        try {
            table.submitTransaction(batch);
        } catch (TableTransactionFailedException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            String code =
                    e.getValue() == null ? "" : String.valueOf(e.getValue().getErrorCode());
            if (status == 412
                    || status == 409
                    || code.contains("UpdateConditionNotSatisfied")
                    || code.contains("EntityAlreadyExists")) {
                throw changed(containerId);
            }
            throw Tables.unavailable(e);
        } catch (RuntimeException e) {
            throw Tables.unavailable(e);
        }
        if (last) {
            return null;
        }
        TableEntity now =
                Tables.get(table, containerId, STATE, List.of("Writer")).orElseThrow(() -> changed(containerId));
        if (!token.equals(now.getProperty("Writer"))) {
            throw changed(containerId);
        }
        return now.getETag();
    }

    private static DockerApiException changed(String containerId) {
        return DockerApiException.conflict("the follow state of container " + containerId
                + " changed since this poll read it (another poll wrote it); this poll's lines were not written");
    }

    static String lineKey(String execution, long first) {
        return "l:" + execution + ":" + String.format("%019d", first);
    }

    @Override
    public List<CachedLine> read(String containerId, String execution, long fromSeq, int max) {
        return Tables.call(() -> {
            long start = Math.max(0, fromSeq - CHUNK_LINES + 1);
            String filter = "PartitionKey eq " + Tables.literal(containerId) + " and RowKey ge "
                    + Tables.literal(lineKey(execution, start)) + " and RowKey lt "
                    + Tables.literal("l:" + execution + ";");
            List<CachedLine> out = new ArrayList<>();
            for (TableEntity e : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE)) {
                long seq = ((Number) e.getProperty("First")).longValue();
                JsonNode array = parse(TableStorageContainerStore.getText(e, "Lines"));
                for (JsonNode l : array) {
                    if (seq >= fromSeq) {
                        out.add(new CachedLine(
                                seq,
                                new LogLine(
                                        Instant.ofEpochSecond(
                                                l.get(0).asLong(), l.get(1).asLong()),
                                        "e".equals(l.get(2).asText()) ? StreamType.STDERR : StreamType.STDOUT,
                                        l.get(3).asText())));
                        if (out.size() >= max) {
                            return out;
                        }
                    }
                    seq++;
                }
            }
            return out;
        });
    }

    private static JsonNode parse(@Nullable String json) {
        try {
            return MAPPER.readTree(json == null ? "[]" : json);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt log cache chunk", e);
        }
    }

    @Override
    public Map<String, String> marks() {
        return watermark.read();
    }

    @Override
    public void publishMarks(Map<String, String> marks) {
        watermark.publish(marks);
    }

    @Override
    public void delete(String containerId) {
        Tables.call(() -> {
            List<TableTransactionAction> batch = new ArrayList<>();
            for (TableEntity e : table.listEntities(
                    new ListEntitiesOptions()
                            .setFilter("PartitionKey eq " + Tables.literal(containerId))
                            .setSelect(List.of("PartitionKey", "RowKey")),
                    null,
                    Context.NONE)) {
                batch.add(new TableTransactionAction(TableTransactionActionType.DELETE, e));
                if (batch.size() == 100) {
                    table.submitTransaction(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                table.submitTransaction(batch);
            }
            try {
                table.deleteEntity(FOLLOW, containerId);
            } catch (TableServiceException e) {
                if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                    throw e;
                }
            }
        });
    }

    @Override
    public int purge(Instant cutoff) {
        return Tables.call(() -> {
            List<String> stale = new ArrayList<>();
            for (TableEntity e : table.listEntities(
                    new ListEntitiesOptions()
                            .setFilter("RowKey eq " + Tables.literal(STATE) + " and UpdatedAt lt "
                                    + cutoff.toEpochMilli() + "L")
                            .setSelect(List.of("PartitionKey", "RowKey")),
                    null,
                    Context.NONE)) {
                stale.add(e.getPartitionKey());
            }
            stale.forEach(this::delete);
            return stale.size();
        });
    }
}
