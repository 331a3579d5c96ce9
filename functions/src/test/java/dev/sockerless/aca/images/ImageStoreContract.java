package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviours every {@link ImageStore} must have. Subclasses give a fresh, empty store per test.
 */
public abstract class ImageStoreContract {

    protected static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    protected static final Instant STORED_AT = Instant.parse("2024-05-06T07:08:09.123456Z");

    protected ImageStore store;

    /** A new, empty store. */
    protected abstract ImageStore createStore();

    @BeforeEach
    void createFreshStore() {
        store = createStore();
    }

    // ---------------------------------------------------------------- fixtures

    /** Image config JSON of exactly {@code size} bytes (at least 24), padded with position-dependent letters. */
    public static byte[] configOfSize(String name, int size) {
        String head = "{\"name\":\"" + name + "\",\"pad\":\"";
        String tail = "\"}";
        int pad = size - head.length() - tail.length();
        if (pad < 0) {
            throw new IllegalArgumentException("size too small: " + size);
        }
        byte[] out = new byte[size];
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(h, 0, out, 0, h.length);
        long x = name.hashCode() * 2654435761L + 12345;
        for (int i = 0; i < pad; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            out[h.length + i] = (byte) ('a' + (int) ((x >>> 33) % 26));
        }
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, out, size - t.length, t.length);
        return out;
    }

    public static byte[] config(String name) {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/" + name + "\"]},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A record with every field set; its ID is the digest of {@code config}. */
    public static ImageRecord image(byte[] config) {
        return new ImageRecord(
                Digest.of(config),
                config,
                Digest.of(("manifest of " + Digest.of(config)).getBytes(StandardCharsets.UTF_8)),
                MANIFEST_MEDIA_TYPE,
                Platform.of("linux", "arm", "v7"),
                1234567L,
                "docker.io/library/alpine",
                null,
                STORED_AT);
    }

    protected static ImageRef ref(String reference, Digest imageId, Digest resolved) {
        return new ImageRef(
                ImageReference.parse(reference),
                imageId,
                resolved,
                "linux/amd64",
                Instant.parse("2024-06-01T10:00:00.5Z"));
    }

    /** Two configs whose image IDs share their first two hex digits and differ at the third. */
    protected static List<byte[]> twoConfigsSharingAPrefix() {
        java.util.Map<String, byte[]> byPrefix = new java.util.HashMap<>();
        for (int i = 0; ; i++) {
            byte[] c = config("prefix-" + i);
            String hex = Digest.of(c).hex();
            byte[] other = byPrefix.get(hex.substring(0, 2));
            if (other != null && Digest.of(other).hex().charAt(2) != hex.charAt(2)) {
                return List.of(other, c);
            }
            byPrefix.putIfAbsent(hex.substring(0, 2), c);
        }
    }

    private static DockerApiException.Kind kindOf(Throwable t) {
        return ((DockerApiException) t).kind();
    }

    // ---------------------------------------------------------------- the gzip memo of loads

    @Test
    void aGzippedLayerIsRememberedByItsKeyAndListsNoImage() {
        Digest diffId = Digest.of("layer".getBytes(StandardCharsets.UTF_8));
        String key = GzippedLayer.key(diffId, new GzipMethod(1, false));
        assertThat(store.findGzippedLayer(key)).isEmpty();
        GzippedLayer gzip = new GzippedLayer(Digest.of("gzip".getBytes(StandardCharsets.UTF_8)), 123_456_789_012L);
        store.saveGzippedLayer(key, gzip);
        assertThat(store.findGzippedLayer(key)).contains(gzip);
        assertThat(store.findGzippedLayer(GzippedLayer.key(diffId, new GzipMethod(6, false))))
                .as("another level")
                .isEmpty();
        assertThat(store.listImages()).isEmpty();
        assertThat(store.listSummaries()).isEmpty();
        assertThat(store.findImagesByIdPrefix("")).isEmpty();
    }

    // ---------------------------------------------------------------- images

    @Test
    void aSavedImageIsFoundWithEveryFieldAndTheIdenticalConfigBytes() {
        byte[] config = config("round-trip");
        ImageRecord saved = image(config).withLastTagTime(Instant.parse("2024-07-08T09:10:11.1234567Z"));
        store.saveImage(saved);

        ImageRecord found = store.findImage(saved.id()).orElseThrow();
        assertThat(found.config()).isEqualTo(config);
        assertThat(found.id()).isEqualTo(saved.id());
        assertThat(found.manifestDigest()).isEqualTo(saved.manifestDigest());
        assertThat(found.manifestMediaType()).isEqualTo(MANIFEST_MEDIA_TYPE);
        assertThat(found.platform()).isEqualTo(Platform.of("linux", "arm", "v7"));
        assertThat(found.size()).isEqualTo(1234567L);
        assertThat(found.location()).isEqualTo("docker.io/library/alpine");
        assertThat(found.lastTagTime()).isEqualTo(Instant.parse("2024-07-08T09:10:11.1234567Z"));
        assertThat(found.storedAt()).isEqualTo(STORED_AT);
        assertThat(found).isEqualTo(saved);
    }

    @Test
    void anImageWithoutOptionalFieldsRoundTripsWithNulls() {
        byte[] config = config("bare");
        ImageRecord bare = new ImageRecord(Digest.of(config), config, null, null, null, 0, null, null, null);
        store.saveImage(bare);

        assertThat(store.findImage(bare.id())).contains(bare);
    }

    @Test
    void aMissingImageIsNotFound() {
        assertThat(store.findImage(Digest.of(config("never-saved")))).isEmpty();
    }

    @Test
    void findImagesByIdPrefixFindsByOneCharTwelveCharsAndTheFullHex() {
        ImageRecord image = image(config("prefix-one"));
        store.saveImage(image);
        store.saveImage(image(config("prefix-other")));
        String hex = image.id().hex();

        assertThat(store.findImagesByIdPrefix(hex.substring(0, 12))).containsExactly(image);
        assertThat(store.findImagesByIdPrefix(hex)).containsExactly(image);
        assertThat(store.findImagesByIdPrefix(hex.substring(0, 1))).contains(image);
    }

    @Test
    void findImagesByIdPrefixFindsNothingForAPrefixNoImageHas() {
        ImageRecord image = image(config("prefix-none"));
        store.saveImage(image);
        String hex = image.id().hex();
        String otherFirst = hex.charAt(0) == 'f' ? "0" : "f";

        assertThat(store.findImagesByIdPrefix(otherFirst + hex.substring(1, 12)))
                .isEmpty();
        assertThat(store.findImagesByIdPrefix(hex.substring(0, 63) + (hex.charAt(63) == 'f' ? "0" : "f")))
                .isEmpty();
        assertThat(store.findImagesByIdPrefix("not-hex")).isEmpty();
        assertThat(store.findImagesByIdPrefix("")).isEmpty();
    }

    @Test
    void findImagesByIdPrefixReturnsBothImagesSharingAPrefixAndOneForALongerPrefix() {
        List<byte[]> configs = twoConfigsSharingAPrefix();
        ImageRecord a = image(configs.get(0));
        ImageRecord b = image(configs.get(1));
        store.saveImage(a);
        store.saveImage(b);

        assertThat(store.findImagesByIdPrefix(a.id().hex().substring(0, 2))).containsExactlyInAnyOrder(a, b);
        assertThat(store.findImagesByIdPrefix(a.id().hex().substring(0, 1))).contains(a, b);
        assertThat(store.findImagesByIdPrefix(a.id().hex().substring(0, 3))).containsExactly(a);
        assertThat(store.findImagesByIdPrefix(b.id().hex().substring(0, 3))).containsExactly(b);
    }

    @Test
    void listImagesReturnsEverySavedImageOnce() {
        ImageRecord a = image(config("list-a"));
        ImageRecord b = image(config("list-b"));
        ImageRecord c = image(config("list-c"));
        assertThat(store.listImages()).isEmpty();
        store.saveImage(a);
        store.saveImage(b);
        store.saveImage(c);
        store.saveImage(b);

        assertThat(store.listImages()).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void savingAnImageWithoutLastTagTimeKeepsTheExistingOne() {
        ImageRecord image = image(config("keep-tag-time"));
        Instant tagged = Instant.parse("2024-08-01T00:00:01Z");
        store.saveImage(image.withLastTagTime(tagged));

        store.saveImage(image.withLastTagTime(null));

        assertThat(store.findImage(image.id()).orElseThrow().lastTagTime()).isEqualTo(tagged);
    }

    @Test
    void savingAnImageWithALastTagTimeReplacesTheExistingOne() {
        ImageRecord image = image(config("replace-tag-time"));
        store.saveImage(image.withLastTagTime(Instant.parse("2024-08-01T00:00:01Z")));

        store.saveImage(image.withLastTagTime(Instant.parse("2024-09-01T00:00:02Z")));

        assertThat(store.findImage(image.id()).orElseThrow().lastTagTime())
                .isEqualTo(Instant.parse("2024-09-01T00:00:02Z"));
    }

    @Test
    void rewritingAnImageUpdatesItsFieldsButKeepsTheFirstStoredAt() {
        byte[] config = config("rewrite");
        store.saveImage(image(config));
        ImageRecord rewrite = new ImageRecord(
                Digest.of(config),
                config,
                Digest.of("other manifest".getBytes(StandardCharsets.UTF_8)),
                "application/vnd.docker.distribution.manifest.v2+json",
                Platform.LINUX_AMD64,
                42L,
                "myreg:5000/team/app",
                null,
                Instant.parse("2030-01-01T00:00:00Z"));
        store.saveImage(rewrite);

        ImageRecord found = store.findImage(rewrite.id()).orElseThrow();
        assertThat(found.manifestDigest()).isEqualTo(rewrite.manifestDigest());
        assertThat(found.manifestMediaType()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(found.platform()).isEqualTo(Platform.LINUX_AMD64);
        assertThat(found.size()).isEqualTo(42L);
        assertThat(found.location()).isEqualTo("myreg:5000/team/app");
        assertThat(found.storedAt()).isEqualTo(STORED_AT);
        assertThat(store.listImages()).hasSize(1);
    }

    @Test
    void aConfigOverTheLimitIsRefusedAsInvalid() {
        byte[] config = configOfSize("too-big", (int) ImageStore.MAX_CONFIG_BYTES + 1);
        ImageRecord image = image(config);

        assertThatThrownBy(() -> store.saveImage(image))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        assertThat(store.findImage(image.id())).isEmpty();
    }

    @ParameterizedTest(name = "a config of {0} bytes round-trips byte for byte")
    @ValueSource(
            ints = {
                1,
                64 * 1024,
                64 * 1024 + 1,
                14 * 64 * 1024,
                14 * 64 * 1024 + 1,
                900 * 1024,
                1024 * 1024,
                8 * 1024 * 1024
            })
    void configsOfAnyAllowedSizeRoundTripByteForByte(int size) {
        byte[] config = size == 1 ? new byte[] {'7'} : configOfSize("size-" + size, size);
        ImageRecord image = image(config);
        store.saveImage(image);

        ImageRecord found = store.findImage(image.id()).orElseThrow();
        assertThat(found.config()).hasSize(size);
        assertThat(Digest.of(found.config())).isEqualTo(image.id());
        assertThat(found.config()).isEqualTo(config);
        assertThat(store.listImages()).containsExactly(image);
    }

    // ---------------------------------------------------------------- references

    @Test
    void savedReferencesAreFoundByTheirFullyQualifiedText() {
        Digest imageId = Digest.of(config("refs"));
        Digest resolved = Digest.of("index".getBytes(StandardCharsets.UTF_8));
        List<ImageRef> refs = List.of(
                ref("docker.io/library/alpine:latest", imageId, resolved),
                ref("myreg:5000/team/sub/app:v1.2-rc_3", imageId, resolved),
                ref("docker.io/library/alpine@" + resolved, imageId, resolved),
                ref("ghcr.io/owner/repo/image@" + imageId, imageId, null),
                new ImageRef(ImageReference.parse("localhost/loaded:dev"), imageId, null, null, null));
        refs.forEach(store::saveRef);

        for (ImageRef r : refs) {
            assertThat(store.findRef(r.key())).as(r.key()).contains(r);
        }
        assertThat(store.listRefs()).containsExactlyInAnyOrderElementsOf(refs);
        assertThat(store.findRef("docker.io/library/alpine:3.19")).isEmpty();
        assertThat(store.findRef("docker.io/library/alpine")).isEmpty();
    }

    @Test
    void anImagesReferencesAreExactlyThoseThatPointAtIt() {
        Digest mine = Digest.of(config("mine"));
        Digest other = Digest.of(config("other"));
        ImageRef a = ref("docker.io/library/alpine:latest", mine, null);
        ImageRef b = ref("myreg:5000/team/app:v1", mine, null);
        ImageRef c = ref("docker.io/library/busybox:latest", other, null);
        List.of(a, b, c).forEach(store::saveRef);

        assertThat(store.refsOf(mine)).containsExactlyInAnyOrder(a, b);
        assertThat(store.refsOf(other)).containsExactly(c);
        assertThat(store.refsOf(Digest.of(config("none")))).isEmpty();
        store.saveRef(ref("myreg:5000/team/app:v1", other, null)); // retagged: it leaves the first image's list
        assertThat(store.refsOf(mine)).containsExactly(a);
    }

    @Test
    void savingAReferenceAgainReplacesWhatItPointedAt() {
        Digest first = Digest.of(config("first"));
        Digest second = Digest.of(config("second"));
        store.saveRef(ref("docker.io/library/alpine:latest", first, Digest.of("r1".getBytes(StandardCharsets.UTF_8))));
        ImageRef replacement = new ImageRef(
                ImageReference.parse("docker.io/library/alpine:latest"),
                second,
                null,
                "linux/arm64",
                Instant.parse("2025-01-01T00:00:00Z"));

        store.saveRef(replacement);

        assertThat(store.findRef("docker.io/library/alpine:latest")).contains(replacement);
        assertThat(store.listRefs()).containsExactly(replacement);
    }

    // ---------------------------------------------------------------- last tag time

    @Test
    void touchLastTagTimeSetsTheTimeAndKeepsTheRestOfTheImage() {
        ImageRecord image = image(config("touch"));
        store.saveImage(image);
        Instant time = Instant.parse("2024-10-11T12:13:14.5Z");

        store.touchLastTagTime(image.id(), time);

        assertThat(store.findImage(image.id())).contains(image.withLastTagTime(time));
    }

    @Test
    void touchLastTagTimeOfAMissingImageIsNotFound() {
        Digest missing = Digest.of(config("missing"));

        assertThatThrownBy(() -> store.touchLastTagTime(missing, Instant.parse("2024-01-01T00:00:00Z")))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.NOT_FOUND));
        assertThat(store.findImage(missing)).isEmpty();
    }

    @Test
    void concurrentTouchesFromTwentyThreadsLeaveTheLatestTime() throws Exception {
        ImageRecord image = image(config("concurrent"));
        store.saveImage(image);
        Instant base = Instant.parse("2024-11-01T00:00:00Z");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(7));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i : order) {
                futures.add(pool.submit(() -> {
                    start.await();
                    store.touchLastTagTime(image.id(), base.plusSeconds(i));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.findImage(image.id())).contains(image.withLastTagTime(base.plusSeconds(19)));
    }

    // ---------------------------------------------------------------- removal

    @Test
    void deletedReferencesAndImagesAreGoneAndDeletingTwiceSaysSo() {
        ImageRecord small = image(config("removed"));
        ImageRecord large = image(configOfSize("removed-large", 2 * 1024 * 1024)); // config in several entities
        store.saveImage(small);
        store.saveImage(large);
        store.saveRef(ref("docker.io/library/gone:1", small.id(), null));
        store.saveRef(ref("docker.io/library/kept:1", small.id(), null));

        assertThat(store.deleteRef("docker.io/library/gone:1")).isTrue();
        assertThat(store.deleteRef("docker.io/library/gone:1")).isFalse();
        assertThat(store.findRef("docker.io/library/gone:1")).isEmpty();
        assertThat(store.findRef("docker.io/library/kept:1")).isPresent();

        assertThat(store.deleteImage(large.id())).isTrue();
        assertThat(store.deleteImage(large.id())).isFalse();
        assertThat(store.findImage(large.id())).isEmpty();
        assertThat(store.listImages()).extracting(ImageRecord::id).containsExactly(small.id());
        store.saveImage(large); // stored afresh, config intact
        assertThat(store.findImage(large.id()).orElseThrow().config()).isEqualTo(large.config());
    }

    @Test
    void summariesCarryCreatedLabelsSizeAndStoredAt() {
        byte[] labelled = ("{\"created\":\"2025-02-14T03:28:36Z\",\"config\":{\"Labels\":{\"a\":\"1\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        ImageRecord withLabels = image(labelled);
        ImageRecord plain = image(config("plain"));
        store.saveImage(withLabels);
        store.saveImage(plain);
        Map<Digest, ImageSummary> byId = new java.util.HashMap<>();
        store.listSummaries().forEach(s -> byId.put(s.id(), s));
        assertThat(byId).hasSize(2);
        ImageSummary s = byId.get(withLabels.id());
        assertThat(s.created()).isEqualTo(Instant.parse("2025-02-14T03:28:36Z").getEpochSecond());
        assertThat(s.labels()).isEqualTo("{\"a\":\"1\"}");
        assertThat(s.size()).isEqualTo(withLabels.size());
        assertThat(s.storedAt()).isEqualTo(STORED_AT);
        assertThat(byId.get(plain.id())).isEqualTo(new ImageSummary(plain.id(), 0, null, plain.size(), STORED_AT));
    }
}
