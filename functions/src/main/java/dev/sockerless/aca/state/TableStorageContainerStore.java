package dev.sockerless.aca.state;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import dev.sockerless.aca.containers.ContainerNames;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The container table in Azure Table Storage: one table, one partition, two kinds of row — {@code id-<hex>} with
 * the container and {@code name-<name>} holding the ID that owns a name. Both rows are written (and deleted) in one
 * entity-group transaction, so a name is taken atomically: a second create of the same name fails with 409
 * {@code EntityAlreadyExists} and writes nothing. Names only contain {@code [a-zA-Z0-9_.-]}, all legal in keys.
 */
public final class TableStorageContainerStore implements ContainerStore {

    public static final String CONTAINERS = "containers";
    static final String PARTITION = "c";
    static final String ID_ROW = "id-";
    static final String NAME_ROW = "name-";
    /** String properties hold at most 32K UTF-16 units; longer JSON is split across numbered properties. */
    static final int TEXT_PART = 32_000;

    private final TableClient table;

    public TableStorageContainerStore(TableServiceClient service) {
        this.table = Tables.ensure(service, CONTAINERS);
    }

    @Override
    public void create(ContainerRecord c) {
        TableEntity container = toEntity(c);
        TableEntity name = new TableEntity(PARTITION, NAME_ROW + c.name()).addProperty("ContainerId", c.id());
        try {
            table.submitTransaction(List.of(
                    new TableTransactionAction(TableTransactionActionType.CREATE, container),
                    new TableTransactionAction(TableTransactionActionType.CREATE, name)));
        } catch (TableTransactionFailedException e) {
            if (e.getFailedTransactionActionIndex() != null && e.getFailedTransactionActionIndex() == 1) {
                String holder = Tables.get(table, PARTITION, NAME_ROW + c.name())
                        .map(n -> (String) n.getProperty("ContainerId"))
                        .orElse("");
                throw ContainerNames.conflict(c.name(), holder);
            }
            throw Tables.unavailable(e);
        } catch (RuntimeException e) {
            throw Tables.unavailable(e);
        }
    }

    @Override
    public Optional<ContainerRecord> find(String id) {
        return Tables.get(table, PARTITION, ID_ROW + id).map(TableStorageContainerStore::toRecord);
    }

    @Override
    public Optional<ContainerRecord> findByName(String name) {
        return Tables.get(table, PARTITION, NAME_ROW + name).flatMap(n -> find((String) n.getProperty("ContainerId")));
    }

    @Override
    public List<ContainerRecord> findByIdPrefix(String hexPrefix) {
        if (!hexPrefix.matches("[a-f0-9]{1,64}")) {
            return List.of();
        }
        return query("RowKey ge " + Tables.literal(ID_ROW + hexPrefix) + " and RowKey lt "
                + Tables.literal(ID_ROW + hexPrefix + "~"));
    }

    @Override
    public List<ContainerRecord> list() {
        return query("RowKey ge " + Tables.literal(ID_ROW) + " and RowKey lt " + Tables.literal("id."));
    }

    /** Runs between the read and the conditional write of {@link #saveExecution} (tests race it). */
    Runnable beforeExecutionWrite = () -> {};

    static final int EXECUTION_WRITE_TRIES = 5;

    /**
     * Read, check ({@link Execution#checkSuccessor}), write with If-Match on the ETag read: a concurrent write in
     * between makes the write fail (412) and the whole step run again on what is there now, so two writers never
     * interleave and a finished status never goes back to running.
     */
    @Override
    public ContainerRecord saveExecution(String id, Execution e) {
        for (int attempt = 1; ; attempt++) {
            TableEntity current = Tables.get(table, PARTITION, ID_ROW + id)
                    .orElseThrow(() -> DockerApiException.notFound("No such container: " + id));
            Execution.checkSuccessor(toRecord(current).execution(), e);
            putExecution(current, e);
            beforeExecutionWrite.run();
            try {
                table.updateEntityWithResponse(current, TableEntityUpdateMode.MERGE, true, null, Context.NONE);
                return toRecord(current);
            } catch (TableServiceException ex) {
                int status = ex.getResponse() == null ? 0 : ex.getResponse().getStatusCode();
                if (status == 404) {
                    throw DockerApiException.notFound("No such container: " + id);
                }
                if (status != 412) {
                    throw Tables.unavailable(ex);
                }
                if (attempt >= EXECUTION_WRITE_TRIES) {
                    throw DockerApiException.unavailable(
                            StorageDeadlinePolicy.STATE + ": container " + id
                                    + " kept changing while its execution was written (" + attempt + " tries)",
                            null);
                }
            } catch (RuntimeException ex) {
                throw Tables.unavailable(ex);
            }
        }
    }

    @Override
    public boolean delete(String id) {
        Optional<ContainerRecord> existing = find(id);
        if (existing.isEmpty()) {
            return false;
        }
        try {
            table.submitTransaction(List.of(
                    new TableTransactionAction(
                            TableTransactionActionType.DELETE, new TableEntity(PARTITION, ID_ROW + id)),
                    new TableTransactionAction(
                            TableTransactionActionType.DELETE,
                            new TableEntity(PARTITION, NAME_ROW + existing.get().name()))));
            return true;
        } catch (TableTransactionFailedException e) {
            if (e.getValue() != null
                    && "ResourceNotFound".equals(String.valueOf(e.getValue().getErrorCode()))) {
                return false; // removed concurrently
            }
            throw Tables.unavailable(e);
        } catch (RuntimeException e) {
            throw Tables.unavailable(e);
        }
    }

    private List<ContainerRecord> query(String rowFilter) {
        return Tables.call(() -> {
            List<ContainerRecord> out = new ArrayList<>();
            table.listEntities(
                            new ListEntitiesOptions()
                                    .setFilter("PartitionKey eq " + Tables.literal(PARTITION) + " and " + rowFilter),
                            null,
                            Context.NONE)
                    .forEach(e -> out.add(toRecord(e)));
            return out;
        });
    }

    static TableEntity toEntity(ContainerRecord c) {
        TableEntity e = new TableEntity(PARTITION, ID_ROW + c.id());
        e.addProperty("Name", c.name());
        e.addProperty("Created", c.created().atOffset(ZoneOffset.UTC));
        e.addProperty("Image", c.image());
        e.addProperty("ImageId", c.imageId().toString());
        e.addProperty("RunImage", c.runImage());
        putText(e, "UserConfig", c.userConfig());
        putText(e, "Config", c.config());
        putText(e, "HostConfig", c.hostConfig());
        e.addProperty("JobName", c.jobName());
        e.addProperty("AgentToken", c.agentToken());
        e.addProperty("AgentPort", c.agentPort());
        if (c.execution() != null) {
            putExecution(e, c.execution());
        }
        return e;
    }

    private static void putExecution(TableEntity e, Execution x) {
        e.addProperty("ExecutionName", x.name());
        e.addProperty("ExecutionStatus", x.status());
        e.addProperty("ExitCode", x.exitCode() == null ? "" : x.exitCode().toString());
        e.addProperty("StartedAt", x.startedAt() == null ? "" : x.startedAt().toString());
        e.addProperty("FinishedAt", x.finishedAt() == null ? "" : x.finishedAt().toString());
    }

    static ContainerRecord toRecord(TableEntity e) {
        Execution execution = null;
        String executionName = (String) e.getProperty("ExecutionName");
        if (executionName != null) {
            String exit = (String) e.getProperty("ExitCode");
            execution = new Execution(
                    executionName,
                    (String) e.getProperty("ExecutionStatus"),
                    exit == null || exit.isEmpty() ? null : Integer.valueOf(exit),
                    instant((String) e.getProperty("StartedAt")),
                    instant((String) e.getProperty("FinishedAt")));
        }
        return new ContainerRecord(
                e.getRowKey().substring(ID_ROW.length()),
                (String) e.getProperty("Name"),
                ((OffsetDateTime) e.getProperty("Created")).toInstant(),
                (String) e.getProperty("Image"),
                Digest.parse((String) e.getProperty("ImageId")),
                (String) e.getProperty("RunImage"),
                getText(e, "UserConfig"),
                Objects.requireNonNull(getText(e, "Config"), "config"), // every stored record has one
                getText(e, "HostConfig"),
                (String) e.getProperty("JobName"),
                (String) e.getProperty("AgentToken"),
                ((Number) e.getProperty("AgentPort")).intValue(),
                execution);
    }

    private static @Nullable Instant instant(String text) {
        return text == null || text.isEmpty() ? null : Instant.parse(text);
    }

    static void putText(TableEntity e, String name, @Nullable String text) {
        if (text == null) {
            return;
        }
        int parts = Math.max(1, (text.length() + TEXT_PART - 1) / TEXT_PART);
        for (int i = 0; i < parts; i++) {
            e.addProperty(
                    i == 0 ? name : name + i,
                    text.substring(i * TEXT_PART, Math.min(text.length(), (i + 1) * TEXT_PART)));
        }
        e.addProperty(name + "Parts", parts);
    }

    static @Nullable String getText(TableEntity e, String name) {
        Object count = e.getProperty(name + "Parts");
        if (count == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ((Number) count).intValue(); i++) {
            Object part = e.getProperty(i == 0 ? name : name + i);
            if (part == null) {
                throw DockerApiException.system(
                        "container " + e.getRowKey() + " is corrupt: " + name + " part " + i + " is missing", null);
            }
            out.append(part);
        }
        return out.toString();
    }
}
