package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.testing.Blob;
import dev.sockerless.aca.testing.CountingProxy;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TokenServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The push flow against a token-auth registry (scope {@code pull,push}) and an anonymous one behind a proxy. */
class RegistryPushIT {

    static TokenServer tokens;
    static RegistryServer secured;
    static CountingProxy proxy;
    static Registries registries;

    @BeforeAll
    static void start() {
        tokens = TokenServer.builder()
                .service("staging")
                .issuer("staging-issuer")
                .user("ci", "secret")
                .privateRepository("staging/app", "ci")
                .privateRepository("staging/other", "ci")
                .start();
        secured = RegistryServer.tokenAuth(tokens);
        proxy = new CountingProxy(
                dev.sockerless.aca.testing.SharedServices.anonymousRegistry().baseUrl());
        Duration timeout = Duration.ofSeconds(10);
        registries = new Registries(
                new RegistryTransport(RegistryTransport.newHttpClient(timeout), timeout),
                new RegistryEndpoints(Map.of(), List.of(secured.hostPort(), proxy.hostPort())),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        secured.close();
        tokens.close();
    }

    static void pushImage(RegistryPush push, TestImage image, String from) {
        for (Blob b : image.blobs()) {
            Digest d = Digest.parse(b.digest());
            if (!push.blobExists(d)) {
                push.mountOrUpload(d, b.size(), BlobSource.of(b.bytes()), from);
            }
        }
    }

    @Test
    void pushesWithABearerTokenForPullAndPushThenMounts() {
        TestImage image = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        RegistryCredentials ci = new RegistryCredentials.Basic("ci", "secret");
        RegistryPush app = registries.forPush(ImageReference.parse(secured.hostPort() + "/staging/app"), ci);
        pushImage(app, image, null);
        Digest digest =
                app.putManifest("v1", image.manifest().bytes(), image.manifest().mediaType());
        assertThat(digest.toString()).isEqualTo(image.manifest().digest());
        assertThat(tokens.requests()).anyMatch(r -> r.scopes().contains("repository:staging/app:pull,push"));

        RegistryPusher reader = new RegistryPusher(secured.baseUrl(), "ci", "secret");
        assertThat(reader.getManifest("staging/app", "v1").body())
                .isEqualTo(image.manifest().bytes());
        for (Blob b : image.blobs()) {
            assertThat(reader.getBlob("staging/app", b.digest()).body()).isEqualTo(b.bytes());
        }
        // Another repository: every blob is mounted, with a token for both repositories.
        tokens.reset();
        RegistryPush other = registries.forPush(ImageReference.parse(secured.hostPort() + "/staging/other"), ci);
        pushImage(other, image, "staging/app");
        other.putManifest(
                image.manifest().digest(),
                image.manifest().bytes(),
                image.manifest().mediaType());
        assertThat(reader.getManifest("staging/other", image.manifest().digest())
                        .statusCode())
                .isEqualTo(200);
        assertThat(tokens.requests())
                .anyMatch(r -> r.scopes()
                        .equals(List.of("repository:staging/other:pull,push", "repository:staging/app:pull")));
    }

    @Test
    void aRefusedMountFallsBackToAnUpload() {
        TestImage image = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_AMD64);
        RegistryCredentials ci = new RegistryCredentials.Basic("ci", "secret");
        RegistryPush app = registries.forPush(ImageReference.parse(secured.hostPort() + "/staging/app"), ci);
        // "forbidden/repo" is not ci's: the mount is refused and the blobs are uploaded instead.
        pushImage(app, image, "forbidden/repo");
        for (Blob b : image.blobs()) {
            assertThat(app.blobExists(Digest.parse(b.digest()))).isTrue();
        }
    }

    @Test
    void anonymousPushIsRefusedOnAPrivateRepository() {
        RegistryPush app = registries.forPush(
                ImageReference.parse(secured.hostPort() + "/staging/app"), RegistryCredentials.ANONYMOUS);
        Blob b = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_AMD64).config();
        assertThatThrownBy(() -> app.mountOrUpload(Digest.parse(b.digest()), b.size(), BlobSource.of(b.bytes()), null))
                .isInstanceOf(RegistryException.class);
    }

    @Test
    void monolithicUploadKeepsTheLocationQueryAndMountsAcrossRepositories() {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        String a = "pushtest/a" + COUNTER.incrementAndGet();
        String b = "pushtest/b" + COUNTER.incrementAndGet();
        RegistryPush pa =
                registries.forPush(ImageReference.parse(proxy.hostPort() + "/" + a), RegistryCredentials.ANONYMOUS);
        proxy.reset();
        pushImage(pa, image, null);
        awaitExchanges(6);
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PUT"))
                .allSatisfy(e -> assertThat(e.path()).contains("_state=").contains("&digest=sha256%3A"))
                .hasSize(2);
        RegistryPush pb =
                registries.forPush(ImageReference.parse(proxy.hostPort() + "/" + b), RegistryCredentials.ANONYMOUS);
        proxy.reset();
        pushImage(pb, image, a);
        awaitExchanges(4); // 2 HEAD + 2 POST; the proxy records an exchange just after answering it
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("POST"))
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(201))
                .hasSize(2);
        assertThat(proxy.exchanges()).noneMatch(e -> e.method().equals("PUT"));
        assertThat(pb.blobExists(Digest.parse(image.config().digest()))).isTrue();
    }

    @Test
    void aWrongDigestIsRefusedByTheRegistry() {
        RegistryPush p = registries.forPush(
                ImageReference.parse(proxy.hostPort() + "/pushtest/bad"), RegistryCredentials.ANONYMOUS);
        byte[] bytes = "content".getBytes();
        Digest wrong = Digest.of("other".getBytes());
        assertThatThrownBy(() -> p.mountOrUpload(wrong, bytes.length, BlobSource.of(bytes), null))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.failure()).isEqualTo(RegistryException.Failure.RESPONSE);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("DIGEST_INVALID");
                });
    }

    @Test
    void relativeLocationsResolveAndQueriesAreKept() {
        RegistryTransport.Response r = new RegistryTransport.Response(
                202,
                java.net.http.HttpHeaders.of(
                        Map.of("Location", List.of("/v2/x/blobs/uploads/u1?_state=a%2Bb%3D")), (k, v) -> true),
                new byte[0],
                URI.create("http://h:5000/v2/x/blobs/uploads/"));
        URI location = OciRegistryPusher.location(r, "test");
        assertThat(location.toString()).isEqualTo("http://h:5000/v2/x/blobs/uploads/u1?_state=a%2Bb%3D");
        assertThat(OciRegistryPusher.withQuery(location, "digest=sha256%3Aab").toString())
                .isEqualTo("http://h:5000/v2/x/blobs/uploads/u1?_state=a%2Bb%3D&digest=sha256%3Aab");
        assertThat(OciRegistryPusher.withQuery(URI.create("http://h/v2/x/blobs/uploads/u2"), "digest=d")
                        .toString())
                .isEqualTo("http://h/v2/x/blobs/uploads/u2?digest=d");
    }

    static void awaitExchanges(int n) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (proxy.exchanges().size() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    static final AtomicInteger COUNTER = new AtomicInteger();
}
