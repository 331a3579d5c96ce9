package dev.sockerless.aca.follow;

import dev.sockerless.aca.logs.ContainerLogsKql;
import dev.sockerless.aca.logs.FollowRow;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one poll asks Log Analytics: every followed execution of the workspace in ONE query (the query rate limit is
 * per identity, so the number of queries must not grow with followers or readers). Each item is an execution's
 * main container and the ingestion time its rows are wanted from (null: all of it, the first poll). The rows come
 * back tagged with replica and container and are fanned out with {@link #owner}.
 *
 * @param notBefore rows with an older {@code TimeGenerated} are not looked at (bounds the scan)
 */
public record FollowPlan(List<Item> items, Instant notBefore) {

    /** One followed execution. */
    public record Item(
            String key, LogTarget target, @Nullable Instant ingestedFrom) {
        public Item {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(target, "target");
        }
    }

    public FollowPlan {
        items = List.copyOf(items);
        Objects.requireNonNull(notBefore, "notBefore");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one item");
        }
        items.forEach(i -> ContainerLogsKql.checkNames(i.target()));
    }

    /** The poll query: rows of all items, oldest ingestion first, at most {@code limit}. */
    public String kql(LogTable table, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        String scan =
                "\n| where TimeGenerated >= " + ContainerLogsKql.datetime(ContainerLogsKql.floorToTick(notBefore));
        StringBuilder where = new StringBuilder("\n| where ");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (i > 0) {
                where.append("\n    or ");
            }
            where.append("(").append(ContainerLogsKql.ofTarget(item.target()));
            Instant ingestedFrom = item.ingestedFrom();
            if (ingestedFrom != null) {
                where.append(" and ")
                        .append(ContainerLogsKql.INGESTED)
                        .append(" >= ")
                        .append(ContainerLogsKql.datetime(ContainerLogsKql.floorToTick(ingestedFrom)));
            }
            where.append(")");
        }
        return ContainerLogsKql.rows(table, scan) + where
                + "\n| order by " + ContainerLogsKql.INGESTED + " asc, " + ContainerLogsKql.TS + " asc, "
                + ContainerLogsKql.REPLICA + " asc"
                + "\n| take " + limit;
    }

    /** The rows of each item, by item key, in result order; rows matching no item are dropped. */
    public Map<String, List<FollowRow>> fanOut(List<FollowRow> rows) {
        Map<String, List<FollowRow>> out = new HashMap<>();
        items.forEach(i -> out.put(i.key(), new ArrayList<>()));
        for (FollowRow row : rows) {
            owner(row)
                    .ifPresent(i ->
                            out.computeIfAbsent(i.key(), k -> new ArrayList<>()).add(row)); // present: put above
        }
        return out;
    }

    /** The item a row belongs to: a replica of its execution ({@link ContainerLogsKql#isReplicaOf}), its main container. */
    public Optional<Item> owner(FollowRow row) {
        for (Item i : items) {
            LogTarget t = i.target();
            if (ContainerLogsKql.isReplicaOf(row.replica(), t.executionName())
                    && t.containerName().equals(row.container())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
