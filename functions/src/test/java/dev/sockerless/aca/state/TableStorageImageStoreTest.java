package dev.sockerless.aca.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.images.ImageStoreContract;
import dev.sockerless.aca.images.ImageSummary;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.testing.SharedServices;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableStorageImageStoreTest extends ImageStoreContract {

    private TableServiceClient service;

    @Override
    protected ImageStore createStore() {
        ImageStore created = new TableStorageImageStore(
                Tables.serviceClient(SharedServices.azurite().connectionString())); // creates the tables
        service = SharedServices.emptiedTables(
                TableStorageImageStore.IMAGES, TableStorageImageStore.IMAGE_REFS, TableStorageImageStore.IMAGE_CONFIGS);
        return created;
    }

    private TableClient table(String name) {
        return service.getTableClient(name);
    }

    @Test
    void imagesReferencesAndTagTimesSurviveANewStoreInstance() {
        ImageRecord small = image(config("restart"));
        ImageRecord large = image(configOfSize("restart-large", 2 * 1024 * 1024 + 17));
        store.saveImage(small);
        store.saveImage(large);
        store.touchLastTagTime(small.id(), Instant.parse("2024-12-24T18:00:00Z"));
        ImageRef tag = new ImageRef(
                ImageReference.parse("myreg:5000/team/app:v1"),
                small.id(),
                large.id(),
                "linux/amd64",
                Instant.parse("2024-12-24T17:00:00Z"));
        store.saveRef(tag);

        ImageStore restarted = new TableStorageImageStore(
                Tables.serviceClient(SharedServices.azurite().connectionString()));

        assertThat(restarted.listImages())
                .containsExactlyInAnyOrder(small.withLastTagTime(Instant.parse("2024-12-24T18:00:00Z")), large);
        assertThat(restarted.findImage(large.id()).orElseThrow().config()).isEqualTo(large.config());
        assertThat(restarted.findRef("myreg:5000/team/app:v1")).contains(tag);
        assertThat(restarted.listRefs()).containsExactly(tag);
    }

    @Test
    void referencesAreKeyedByUrlSafeBase64AndKeepTheirRawText() {
        String reference = "myreg:5000/team/app@sha256:" + "a".repeat(64);
        store.saveRef(new ImageRef(
                ImageReference.parse(reference), image(config("key")).id(), null, null, null));

        TableEntity entity = table(TableStorageImageStore.IMAGE_REFS)
                .getEntity(TableStorageImageStore.REF_PARTITION, TableStorageImageStore.refKey(reference));
        assertThat(entity.getRowKey()).doesNotContain("/", "\\", "#", "?", "+", "=");
        assertThat(entity.getProperty("Reference")).isEqualTo(reference);
    }

    @Test
    void aCorruptInlineConfigIsASystemErrorNotWrongData() {
        ImageRecord image = image(config("corrupt-inline"));
        store.saveImage(image);
        TableClient images = table(TableStorageImageStore.IMAGES);
        TableEntity stored = images.getEntity(
                TableStorageImageStore.IMAGE_PARTITION, image.id().hex());
        byte[] bytes = ((byte[]) stored.getProperty("Config0")).clone();
        bytes[bytes.length / 2] ^= 0x01;
        images.updateEntity(
                new TableEntity(stored.getPartitionKey(), stored.getRowKey()).addProperty("Config0", bytes),
                TableEntityUpdateMode.MERGE);

        assertThatThrownBy(() -> store.findImage(image.id()))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.SYSTEM))
                .hasMessageContaining("corrupt");
        assertThatThrownBy(() -> store.listImages())
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.SYSTEM));
    }

    @Test
    void aCorruptOrMissingConfigPieceIsASystemErrorNotWrongData() {
        ImageRecord image = image(configOfSize("corrupt-chunked", 3 * 1024 * 1024));
        store.saveImage(image);
        TableClient configs = table(TableStorageImageStore.IMAGE_CONFIGS);
        List<TableEntity> chunks = configs
                .listEntities(
                        new ListEntitiesOptions()
                                .setFilter("PartitionKey eq '" + image.id().hex() + "'"),
                        null,
                        null)
                .stream()
                .toList();
        assertThat(chunks).hasSizeGreaterThan(1);
        TableEntity last = chunks.get(chunks.size() - 1);
        byte[] bytes = ((byte[]) last.getProperty("Config0")).clone();
        bytes[0] ^= 0x20;
        configs.updateEntity(
                new TableEntity(last.getPartitionKey(), last.getRowKey()).addProperty("Config0", bytes),
                TableEntityUpdateMode.MERGE);

        assertThatThrownBy(() -> store.findImage(image.id()))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.SYSTEM));

        configs.deleteEntity(last.getPartitionKey(), last.getRowKey());

        assertThatThrownBy(() -> store.findImage(image.id()))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.SYSTEM));
    }

    @Test
    void configsUpToTheInlineLimitStayInTheImageEntityAndLargerOnesMoveToTheConfigsTable() {
        int inlineLimit = TableStorageImageStore.PARTS_PER_ENTITY * TableStorageImageStore.PART_BYTES;
        ImageRecord inline = image(configOfSize("inline-limit", inlineLimit));
        ImageRecord chunked = image(configOfSize("inline-limit-plus-one", inlineLimit + 1));
        store.saveImage(inline);
        store.saveImage(chunked);

        TableClient images = table(TableStorageImageStore.IMAGES);
        TableClient configs = table(TableStorageImageStore.IMAGE_CONFIGS);
        assertThat(images.getEntity(
                                TableStorageImageStore.IMAGE_PARTITION,
                                inline.id().hex())
                        .getProperty("ConfigEntities"))
                .isEqualTo(0);
        assertThat(configs
                        .listEntities(
                                new ListEntitiesOptions()
                                        .setFilter("PartitionKey eq '"
                                                + inline.id().hex() + "'"),
                                null,
                                null)
                        .stream())
                .isEmpty();
        assertThat(images.getEntity(
                                TableStorageImageStore.IMAGE_PARTITION,
                                chunked.id().hex())
                        .getProperty("ConfigEntities"))
                .isEqualTo(2);
        assertThat(store.findImage(inline.id()).orElseThrow().config()).isEqualTo(inline.config());
        assertThat(store.findImage(chunked.id()).orElseThrow().config()).isEqualTo(chunked.config());
    }

    @Test
    void noStoredBinaryPropertyExceeds64KiB() {
        ImageRecord image = image(configOfSize("parts", 2 * 1024 * 1024 + 3));
        store.saveImage(image);

        for (String name : List.of(TableStorageImageStore.IMAGES, TableStorageImageStore.IMAGE_CONFIGS)) {
            table(name)
                    .listEntities()
                    .forEach(e -> e.getProperties().values().forEach(v -> {
                        if (v instanceof byte[] b) {
                            assertThat(b.length).isLessThanOrEqualTo(64 * 1024);
                        }
                    }));
        }
    }

    @Test
    void theListReadsOnlySummaryColumnsAndAnOlderEntityFromItsConfig() {
        ImageRecord old = image(("{\"created\":\"2024-01-02T03:04:05Z\",\"config\":{\"Labels\":{\"k\":\"v\"}}}")
                .getBytes(StandardCharsets.UTF_8));
        store.saveImage(old);
        TableClient images = table(TableStorageImageStore.IMAGES);
        com.azure.data.tables.models.TableEntity e =
                images.getEntity("image", old.id().hex());
        e.getProperties().remove(TableStorageImageStore.CREATED_SECONDS); // as written before summaries existed
        e.getProperties().remove(TableStorageImageStore.LABELS);
        images.upsertEntityWithResponse(
                e, com.azure.data.tables.models.TableEntityUpdateMode.REPLACE, null, com.azure.core.util.Context.NONE);
        ImageSummary s = store.listSummaries().get(0);
        assertThat(s.created()).isEqualTo(Instant.parse("2024-01-02T03:04:05Z").getEpochSecond());
        assertThat(s.labels()).isEqualTo("{\"k\":\"v\"}");

        // a current entity is listed from its summary columns alone: its config is not even read
        store.saveImage(old); // rewrites the summary columns
        com.azure.data.tables.models.TableEntity current =
                images.getEntity("image", old.id().hex());
        current.getProperties().keySet().removeIf(k -> k.startsWith("Config"));
        images.upsertEntityWithResponse(
                current,
                com.azure.data.tables.models.TableEntityUpdateMode.REPLACE,
                null,
                com.azure.core.util.Context.NONE);
        assertThat(store.listSummaries()).containsExactly(s);
    }
}
