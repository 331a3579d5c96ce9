package dev.sockerless.aca.state;

import com.azure.core.http.rest.PagedIterable;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.GzippedLayer;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.images.ImageSummary;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The image table in Azure Table Storage. Three tables: {@value #IMAGES} (one entity per image ID), {@value
 * #IMAGE_REFS} (one entity per reference, keyed by the URL-safe Base64 of the reference: '/' and '?' are not
 * allowed in keys) and {@value #IMAGE_CONFIGS} (configs too large to sit in the image entity, in 704 KiB pieces).
 * Configs are stored as binary properties of at most 64 KiB each and verified against the image ID when read.
 */
public final class TableStorageImageStore implements ImageStore {

    public static final String IMAGES = "images";
    public static final String IMAGE_REFS = "imagerefs";
    public static final String IMAGE_CONFIGS = "imageconfigs";
    static final String IMAGE_PARTITION = "image";
    static final String REF_PARTITION = "ref";
    /** Partition of {@value #IMAGES} holding what gzipping a layer gave, by {@link GzippedLayer#key}. */
    static final String GZIP_PARTITION = "gzip";
    /** The largest binary property the service accepts. */
    static final int PART_BYTES = 64 * 1024;
    /**
     * Parts kept in one entity. Entities are limited to 1 MiB, and Azurite measures that on the JSON request body,
     * where binary values travel as Base64 (4/3 larger): 11 parts are 961,224 bytes of Base64, 12 would be over.
     */
    static final int PARTS_PER_ENTITY = 11;

    private static final int MAX_ETAG_RETRIES = 50;
    static final String CREATED_SECONDS = "CreatedSeconds";
    static final String LABELS = "Labels";
    /** String properties hold at most 32K UTF-16 units. */
    static final int MAX_LABELS_CHARS = 32_000;

    static final List<String> SUMMARY_COLUMNS = List.of("RowKey", "Size", "StoredAt", "CreatedSeconds", "Labels");

    private final TableClient images;
    private final TableClient refs;
    private final TableClient configs;

    public TableStorageImageStore(TableServiceClient service) {
        this.images = Tables.ensure(service, IMAGES);
        this.refs = Tables.ensure(service, IMAGE_REFS);
        this.configs = Tables.ensure(service, IMAGE_CONFIGS);
    }

    @Override
    public Optional<ImageRecord> findImage(Digest id) {
        return Tables.get(images, IMAGE_PARTITION, id.hex()).map(this::toImage);
    }

    @Override
    public List<ImageRecord> findImagesByIdPrefix(String hexPrefix) {
        if (!hexPrefix.matches("[a-f0-9]{1,64}")) {
            return List.of();
        }
        String filter = "PartitionKey eq " + Tables.literal(IMAGE_PARTITION) + " and RowKey ge "
                + Tables.literal(hexPrefix) + " and RowKey lt " + Tables.literal(hexPrefix + "~");
        return query(images, filter).stream().map(this::toImage).toList();
    }

    @Override
    public List<ImageRecord> listImages() {
        return query(images, "PartitionKey eq " + Tables.literal(IMAGE_PARTITION)).stream()
                .map(this::toImage)
                .toList();
    }

    /**
     * Reads only the summary columns ({@code CreatedSeconds}, {@code Labels}, {@code Size}, {@code StoredAt}) that
     * {@link #saveImage} writes; an image stored before they existed is read whole once here.
     */
    @Override
    public List<ImageSummary> listSummaries() {
        List<TableEntity> rows = Tables.call(() -> {
            List<TableEntity> out = new ArrayList<>();
            images.listEntities(
                            new ListEntitiesOptions()
                                    .setFilter("PartitionKey eq " + Tables.literal(IMAGE_PARTITION))
                                    .setSelect(SUMMARY_COLUMNS),
                            null,
                            Context.NONE)
                    .forEach(out::add);
            return out;
        });
        List<ImageSummary> out = new ArrayList<>();
        for (TableEntity e : rows) {
            Digest id = new Digest(e.getRowKey());
            Object created = e.getProperty(CREATED_SECONDS);
            if (created instanceof Number n) {
                Object size = e.getProperty("Size");
                out.add(new ImageSummary(
                        id,
                        n.longValue(),
                        (String) e.getProperty(LABELS),
                        size instanceof Number s ? s.longValue() : 0,
                        toInstant(e.getProperty("StoredAt"))));
            } else {
                findImage(id).map(ImageSummary::of).ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public void saveImage(ImageRecord image) {
        byte[] config = image.config();
        if (config.length > MAX_CONFIG_BYTES) {
            throw DockerApiException.invalid(
                    "image config is " + config.length + " bytes, over the limit of " + MAX_CONFIG_BYTES);
        }
        TableEntity entity = new TableEntity(IMAGE_PARTITION, image.id().hex());
        List<byte[]> parts = split(config);
        if (parts.size() <= PARTS_PER_ENTITY) {
            putParts(entity, parts);
            entity.addProperty("ConfigEntities", 0);
        } else {
            int entities = 0;
            for (int i = 0; i < parts.size(); i += PARTS_PER_ENTITY) {
                TableEntity chunk = new TableEntity(image.id().hex(), String.format("%05d", entities++));
                putParts(chunk, parts.subList(i, Math.min(parts.size(), i + PARTS_PER_ENTITY)));
                Tables.call(() -> configs.upsertEntity(chunk));
            }
            entity.addProperty("ConfigEntities", entities);
        }
        entity.addProperty("ConfigSize", (long) config.length);
        ImageSummary summary = ImageSummary.of(image);
        entity.addProperty(CREATED_SECONDS, summary.created());
        if (summary.labels() != null && summary.labels().length() <= MAX_LABELS_CHARS) {
            entity.addProperty(LABELS, summary.labels());
        } else if (summary.labels() != null) {
            entity.getProperties().remove(CREATED_SECONDS); // too many labels for a property: listed from the config
        }
        putIfNotNull(
                entity,
                "ManifestDigest",
                image.manifestDigest() == null ? null : image.manifestDigest().toString());
        putIfNotNull(entity, "ManifestMediaType", image.manifestMediaType());
        putIfNotNull(
                entity,
                "Platform",
                image.platform() == null ? null : image.platform().toString());
        entity.addProperty("Size", image.size());
        putIfNotNull(entity, "Location", image.location());
        if (image.lastTagTime() != null) {
            entity.addProperty("LastTagTime", image.lastTagTime().atOffset(ZoneOffset.UTC));
        }
        if (image.storedAt() != null) {
            entity.addProperty("StoredAt", image.storedAt().atOffset(ZoneOffset.UTC));
        }
        try {
            images.createEntity(entity);
        } catch (TableServiceException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 409) {
                throw Tables.unavailable(e);
            }
            // Already stored (same ID, so the same config): merge the rest, keeping the first StoredAt and, when
            // this record has none, the LastTagTime a concurrent tag may have just written.
            entity.getProperties().remove("StoredAt");
            Tables.call(() ->
                    images.updateEntityWithResponse(entity, TableEntityUpdateMode.MERGE, false, null, Context.NONE));
        }
    }

    @Override
    public Optional<ImageRef> findRef(String fullyQualifiedReference) {
        return Tables.get(refs, REF_PARTITION, refKey(fullyQualifiedReference)).map(TableStorageImageStore::toRef);
    }

    @Override
    public List<ImageRef> listRefs() {
        return query(refs, "PartitionKey eq " + Tables.literal(REF_PARTITION)).stream()
                .map(TableStorageImageStore::toRef)
                .toList();
    }

    /** Filtered by the table service: only the image's own references cross the wire. */
    @Override
    public List<ImageRef> refsOf(Digest imageId) {
        return query(
                        refs,
                        "PartitionKey eq " + Tables.literal(REF_PARTITION) + " and ImageId eq "
                                + Tables.literal(imageId.toString()))
                .stream()
                .map(TableStorageImageStore::toRef)
                .toList();
    }

    @Override
    public void saveRef(ImageRef ref) {
        TableEntity entity = new TableEntity(REF_PARTITION, refKey(ref.key()));
        entity.addProperty("Reference", ref.key());
        entity.addProperty("ImageId", ref.imageId().toString());
        putIfNotNull(
                entity,
                "ResolvedDigest",
                ref.resolvedDigest() == null ? null : ref.resolvedDigest().toString());
        putIfNotNull(entity, "Platform", ref.platform());
        if (ref.updatedAt() != null) {
            entity.addProperty("UpdatedAt", ref.updatedAt().atOffset(ZoneOffset.UTC));
        }
        Tables.call(() -> refs.upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, Context.NONE));
    }

    @Override
    public boolean deleteRef(String fullyQualifiedReference) {
        String row = refKey(fullyQualifiedReference);
        if (Tables.get(refs, REF_PARTITION, row, List.of("Reference")).isEmpty()) {
            return false;
        }
        Tables.call(() -> refs.deleteEntity(REF_PARTITION, row));
        return true;
    }

    @Override
    public boolean deleteImage(Digest id) {
        Optional<TableEntity> entity = Tables.get(images, IMAGE_PARTITION, id.hex(), List.of("ConfigEntities"));
        if (entity.isEmpty()) {
            return false;
        }
        Object chunks = entity.get().getProperty("ConfigEntities");
        for (int i = 0; chunks instanceof Number n && i < n.intValue(); i++) {
            String row = String.format("%05d", i);
            Tables.call(() -> configs.deleteEntity(id.hex(), row));
        }
        Tables.call(() -> images.deleteEntity(IMAGE_PARTITION, id.hex()));
        return true;
    }

    @Override
    public void touchLastTagTime(Digest id, Instant time) {
        for (int attempt = 0; attempt < MAX_ETAG_RETRIES; attempt++) {
            TableEntity current = Tables.get(images, IMAGE_PARTITION, id.hex(), List.of("LastTagTime"))
                    .orElseThrow(() -> DockerApiException.notFound("No such image: " + id));
            Instant previous = toInstant(current.getProperty("LastTagTime"));
            if (previous != null && !previous.isBefore(time)) {
                return;
            }
            // A conditional merge of the one property, with the ETag read: 412 if anyone wrote the entity since.
            TableEntity update = new TableEntity(IMAGE_PARTITION, id.hex())
                    .addProperty("LastTagTime", time.atOffset(ZoneOffset.UTC))
                    .addProperty("odata.etag", current.getETag());
            try {
                images.updateEntityWithResponse(update, TableEntityUpdateMode.MERGE, true, null, Context.NONE);
                return;
            } catch (TableServiceException e) {
                if (e.getResponse() == null || e.getResponse().getStatusCode() != 412) {
                    throw Tables.unavailable(e);
                }
                // Someone else wrote the entity since we read it: read again and retry.
            }
        }
        throw DockerApiException.unavailable("table storage: too much contention updating image " + id, null);
    }

    static String refKey(String reference) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(reference.getBytes(StandardCharsets.UTF_8));
    }

    private ImageRecord toImage(TableEntity e) {
        Digest id = new Digest(e.getRowKey());
        int chunkEntities = ((Number) e.getProperties().getOrDefault("ConfigEntities", 0)).intValue();
        ByteArrayOutputStream config = new ByteArrayOutputStream();
        if (chunkEntities == 0) {
            readParts(e, config);
        } else {
            for (TableEntity chunk : query(configs, "PartitionKey eq " + Tables.literal(id.hex()))) {
                readParts(chunk, config);
            }
        }
        byte[] bytes = config.toByteArray();
        if (!Digest.of(bytes).equals(id)) {
            throw DockerApiException.system("table storage: the stored config of image " + id + " is corrupt", null);
        }
        String manifestDigest = (String) e.getProperty("ManifestDigest");
        String platform = (String) e.getProperty("Platform");
        return new ImageRecord(
                id,
                bytes,
                manifestDigest == null ? null : Digest.parse(manifestDigest),
                (String) e.getProperty("ManifestMediaType"),
                platform == null ? null : Platform.parse(platform),
                ((Number) e.getProperties().getOrDefault("Size", 0L)).longValue(),
                (String) e.getProperty("Location"),
                toInstant(e.getProperty("LastTagTime")),
                toInstant(e.getProperty("StoredAt")));
    }

    private static ImageRef toRef(TableEntity e) {
        String resolved = (String) e.getProperty("ResolvedDigest");
        return new ImageRef(
                ImageReference.parse((String) e.getProperty("Reference")),
                Digest.parse((String) e.getProperty("ImageId")),
                resolved == null ? null : Digest.parse(resolved),
                (String) e.getProperty("Platform"),
                toInstant(e.getProperty("UpdatedAt")));
    }

    private static List<byte[]> split(byte[] bytes) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += PART_BYTES) {
            parts.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + PART_BYTES)));
        }
        return parts;
    }

    private static void putParts(TableEntity entity, List<byte[]> parts) {
        entity.addProperty("Parts", parts.size());
        for (int i = 0; i < parts.size(); i++) {
            entity.addProperty("Config" + i, parts.get(i));
        }
    }

    private static void readParts(TableEntity entity, ByteArrayOutputStream out) {
        int parts = ((Number) entity.getProperties().getOrDefault("Parts", 0)).intValue();
        for (int i = 0; i < parts; i++) {
            Object part = entity.getProperty("Config" + i);
            if (part instanceof byte[] bytes) {
                out.writeBytes(bytes);
            }
        }
    }

    private static void putIfNotNull(TableEntity entity, String name, @Nullable Object value) {
        if (value != null) {
            entity.addProperty(name, value);
        }
    }

    static @Nullable Instant toInstant(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        return null;
    }

    private static List<TableEntity> query(TableClient table, String filter) {
        return Tables.call(() -> {
            PagedIterable<TableEntity> pages =
                    table.listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE);
            List<TableEntity> out = new ArrayList<>();
            pages.forEach(out::add);
            return out;
        });
    }

    @Override
    public Optional<GzippedLayer> findGzippedLayer(String key) {
        return Tables.get(images, GZIP_PARTITION, key).flatMap(e -> {
            Object digest = e.getProperty("Digest");
            Object size = e.getProperty("Size");
            return digest instanceof String d && size instanceof Long n
                    ? Optional.of(new GzippedLayer(Digest.parse(d), n))
                    : Optional.empty();
        });
    }

    @Override
    public void saveGzippedLayer(String key, GzippedLayer layer) {
        Tables.call(() -> images.upsertEntity(new TableEntity(GZIP_PARTITION, key)
                .addProperty("Digest", layer.digest().toString())
                .addProperty("Size", layer.size())));
    }
}
