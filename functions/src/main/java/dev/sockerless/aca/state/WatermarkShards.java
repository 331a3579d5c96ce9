package dev.sockerless.aca.state;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The follow watermark of {@link TableStorageLogCache}: per followed container its state's mark, in partition
 * {@value #MARKS} of the cache's table, spread over {@value #MARK_SHARDS} entities by container id (one entity would
 * hold only ~4,000), each written only when its content changed.
 */
final class WatermarkShards {

    /** Partition of the watermark ({@link #read}): rows {@value #MARK_SHARD}00 to 15, by container id. */
    static final String MARKS = "_marks";

    static final String MARK_SHARD = "s";
    static final int MARK_SHARDS = 16;
    /** The most characters of one watermark shard (~800 KB as UTF-16, under the 1 MiB entity limit). */
    static final int MARK_SHARD_CHARS = 400_000;
    /** The most characters of watermark shards in one transaction (under its 4 MiB limit). */
    static final int MARK_BATCH_CHARS = 1_600_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TableClient table;
    /** What this process last wrote to each shard: an unchanged shard is not written again. */
    private final Map<String, String> publishedShards = new ConcurrentHashMap<>();

    WatermarkShards(TableClient table) {
        this.table = table;
    }

    /** Every followed container's mark, from all shards. */
    Map<String, String> read() {
        return Tables.call(() -> {
            Map<String, String> out = new HashMap<>();
            for (TableEntity e : table.listEntities(
                    new ListEntitiesOptions()
                            .setFilter("PartitionKey eq " + Tables.literal(MARKS) + " and RowKey ge "
                                    + Tables.literal(MARK_SHARD) + " and RowKey lt " + Tables.literal("t")),
                    null,
                    Context.NONE)) {
                parse(TableStorageContainerStore.getText(e, "Json"))
                        .properties()
                        .forEach(f -> out.put(f.getKey(), f.getValue().asText()));
            }
            return out;
        });
    }

    /** The shard row of a container's mark. */
    static String markShard(String containerId) {
        return MARK_SHARD + String.format("%02d", Math.floorMod(containerId.hashCode(), MARK_SHARDS));
    }

    /**
     * Writes the shards whose content changed since this cache last wrote them (all of them the first time),
     * together in as few same-partition transactions as their size allows. A shard over
     * {@link #MARK_SHARD_CHARS} is refused before anything is written (more followed containers than the watermark
     * holds: 45,000 to 60,000, by the length of the execution names).
     */
    void publish(Map<String, String> marks) {
        Map<String, TreeMap<String, String>> shards = new TreeMap<>();
        for (int i = 0; i < MARK_SHARDS; i++) {
            shards.put(MARK_SHARD + String.format("%02d", i), new TreeMap<>());
        }
        marks.forEach((id, mark) ->
                shards.computeIfAbsent(markShard(id), k -> new TreeMap<>()).put(id, mark));
        Map<String, String> changed = new TreeMap<>();
        shards.forEach((row, entries) -> {
            ObjectNode json = MAPPER.createObjectNode();
            entries.forEach(json::put);
            String text = json.toString();
            if (text.length() > MARK_SHARD_CHARS) {
                throw DockerApiException.system(
                        "the follow watermark is full: " + marks.size() + " followed containers, " + entries.size()
                                + " in shard " + row + " (" + text.length() + " characters, at most "
                                + MARK_SHARD_CHARS + "); it holds 45,000 to 60,000, by the length of the execution"
                                + " names",
                        null);
            }
            if (!text.equals(publishedShards.get(row))) {
                changed.put(row, text);
            }
        });
        List<TableTransactionAction> batch = new ArrayList<>();
        Map<String, String> inBatch = new HashMap<>();
        int chars = 0;
        for (Map.Entry<String, String> shard : changed.entrySet()) {
            if (!batch.isEmpty() && chars + shard.getValue().length() > MARK_BATCH_CHARS) {
                submitMarks(batch, inBatch);
                batch = new ArrayList<>();
                inBatch = new HashMap<>();
                chars = 0;
            }
            TableEntity e = new TableEntity(MARKS, shard.getKey());
            TableStorageContainerStore.putText(e, "Json", shard.getValue());
            batch.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, e));
            inBatch.put(shard.getKey(), shard.getValue());
            chars += shard.getValue().length();
        }
        if (!batch.isEmpty()) {
            submitMarks(batch, inBatch);
        }
    }

    private void submitMarks(List<TableTransactionAction> batch, Map<String, String> shards) {
        try {
            Tables.call(() -> table.submitTransaction(batch));
        } catch (RuntimeException e) {
            publishedShards.clear(); // not known what the table holds now: the next publish writes every shard
            throw e;
        }
        publishedShards.putAll(shards);
    }

    private static JsonNode parse(@Nullable String json) {
        try {
            return MAPPER.readTree(json == null ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt follow watermark shard", e);
        }
    }
}
