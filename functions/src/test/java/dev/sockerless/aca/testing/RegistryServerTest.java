package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestImages.Platform;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class RegistryServerTest {

    @Test
    void anonymousRegistryStoresSingleArchImagesByteForByte() {
        RegistryServer registry = SharedServices.anonymousRegistry();
        assertThat(registry.baseUrl())
                .isEqualTo("http://" + registry.hostPort())
                .startsWith("http://127.0.0.1:");
        RegistryPusher pusher = new RegistryPusher(registry.baseUrl());
        for (Format format : Format.values()) {
            TestImage image = TestImages.rich(format, Platform.LINUX_AMD64);
            String repo = "infra/single-" + format.name().toLowerCase();
            assertThat(pusher.push(repo, "v1", image))
                    .isEqualTo(image.manifest().digest());

            HttpResponse<byte[]> byDigest =
                    pusher.getManifest(repo, image.manifest().digest());
            assertThat(byDigest.statusCode()).isEqualTo(200);
            assertThat(byDigest.body()).isEqualTo(image.manifest().bytes());
            assertThat(byDigest.headers().firstValue("Content-Type")).hasValue(format.manifestType);

            HttpResponse<byte[]> config = pusher.getBlob(repo, image.imageId());
            assertThat(config.body()).isEqualTo(image.config().bytes());
        }
    }

    @Test
    void anonymousRegistryStoresIndexesWithAttestations() {
        RegistryServer registry = SharedServices.anonymousRegistry();
        RegistryPusher pusher = new RegistryPusher(registry.baseUrl());
        for (Format format : Format.values()) {
            TestIndex index = TestImages.multiArch(format, true, Platform.LINUX_AMD64, Platform.LINUX_ARM64);
            String repo = "infra/multi-" + format.name().toLowerCase();
            assertThat(pusher.push(repo, "latest", index))
                    .isEqualTo(index.index().digest());

            HttpResponse<byte[]> byTag = pusher.getManifest(repo, "latest");
            assertThat(byTag.body()).isEqualTo(index.index().bytes());
            assertThat(byTag.headers().firstValue("Docker-Content-Digest"))
                    .hasValue(index.index().digest());
            TestImage arm = index.image("linux", "arm64", "v8");
            assertThat(pusher.getManifest(repo, arm.manifest().digest()).body())
                    .isEqualTo(arm.manifest().bytes());
        }
    }

    @Test
    void indexBeforeChildrenIsRejected() {
        RegistryPusher pusher =
                new RegistryPusher(SharedServices.anonymousRegistry().baseUrl());
        TestIndex index = TestImages.multiArch(Format.OCI, false, Platform.LINUX_ARM_V7);
        assertThatThrownBy(() -> pusher.pushManifest("infra/orphan", "latest", index.index()))
                .isInstanceOf(RegistryPusher.RegistryException.class)
                .hasMessageContaining("MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void htpasswdRegistryRejectsAnonymousAndAcceptsTestUser() {
        try (RegistryServer registry = RegistryServer.htpasswd()) {
            TestImage image = TestImages.simple(Format.DOCKER, Platform.LINUX_AMD64);

            RegistryPusher anonymous = new RegistryPusher(registry.baseUrl());
            HttpResponse<byte[]> denied = anonymous.send("GET", registry.baseUrl() + "/v2/", null, null, null);
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Basic realm=\"" + RegistryServer.HTPASSWD_REALM + "\"");
            assertThatThrownBy(() -> anonymous.push("basic/app", "v1", image))
                    .isInstanceOf(RegistryPusher.RegistryException.class);

            RegistryPusher wrong = new RegistryPusher(registry.baseUrl(), RegistryServer.HTPASSWD_USER, "nope");
            assertThat(wrong.send("GET", registry.baseUrl() + "/v2/", null, null, null)
                            .statusCode())
                    .isEqualTo(401);

            RegistryPusher user = new RegistryPusher(
                    registry.baseUrl(), RegistryServer.HTPASSWD_USER, RegistryServer.HTPASSWD_PASSWORD);
            user.push("basic/app", "v1", image);
            assertThat(user.getManifest("basic/app", "v1").body())
                    .isEqualTo(image.manifest().bytes());
        }
    }
}
