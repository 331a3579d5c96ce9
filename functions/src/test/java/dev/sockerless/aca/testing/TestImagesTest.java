package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestImages.Platform;
import java.io.ByteArrayInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class TestImagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fixturesAreDeterministic() {
        TestImage a = TestImages.rich(Format.OCI, Platform.LINUX_ARM64);
        TestImage b = TestImages.rich(Format.OCI, Platform.LINUX_ARM64);
        assertThat(a.manifest()).isEqualTo(b.manifest());
        assertThat(a.config()).isEqualTo(b.config());
        assertThat(TestImages.multiArch(Format.DOCKER, true, Platform.LINUX_AMD64, Platform.LINUX_ARM64)
                        .index())
                .isEqualTo(TestImages.multiArch(Format.DOCKER, true, Platform.LINUX_AMD64, Platform.LINUX_ARM64)
                        .index());
    }

    @Test
    void layerDigestsMatchTheirBytes() throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, Platform.LINUX_AMD64);
        TestImages.Layer layer = image.layers().get(0);
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(layer.blob().bytes())).readAllBytes();
        assertThat(tar).isEqualTo(layer.tar());
        assertThat(Blob.sha256(tar)).isEqualTo(layer.diffId());
        assertThat(layer.blob().bytes()[4]).isZero(); // gzip MTIME = 0
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("app/hello");
            assertThat(e.getModTime().getTime()).isZero();
            assertThat(e.getMode() & 0777).isEqualTo(0644);
            assertThat(in.getNextEntry().getName()).isEqualTo("etc/os-release");
        }
    }

    @Test
    void configAndManifestReferenceEachOther() throws Exception {
        TestImage image = TestImages.rich(Format.OCI, Platform.LINUX_ARM64);
        JsonNode config = JSON.readTree(image.config().bytes());
        assertThat(config.get("architecture").asText()).isEqualTo("arm64");
        assertThat(config.get("variant").asText()).isEqualTo("v8");
        assertThat(config.at("/config/Entrypoint/0").asText()).isEqualTo("/app/hello");
        assertThat(config.at("/config/ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.at("/rootfs/diff_ids/1").asText())
                .isEqualTo(image.diffIds().get(1));
        assertThat(config.get("history")).hasSize(2);

        JsonNode manifest = JSON.readTree(image.manifest().bytes());
        assertThat(manifest.get("mediaType").asText()).isEqualTo(TestImages.OCI_MANIFEST);
        assertThat(manifest.at("/config/digest").asText()).isEqualTo(image.imageId());
        assertThat(manifest.at("/config/size").asLong())
                .isEqualTo(image.config().size());
        assertThat(manifest.at("/layers/0/mediaType").asText()).isEqualTo(TestImages.OCI_LAYER_GZIP);
        assertThat(manifest.at("/layers/1/digest").asText())
                .isEqualTo(image.layerBlobs().get(1).digest());
    }

    @Test
    void indexListsPlatformsAndAttestation() throws Exception {
        TestIndex index = TestImages.multiArch(Format.OCI, true, Platform.LINUX_AMD64, Platform.LINUX_ARM_V7);
        JsonNode json = JSON.readTree(index.index().bytes());
        assertThat(json.get("manifests")).hasSize(3);
        assertThat(json.at("/manifests/1/platform/variant").asText()).isEqualTo("v7");
        assertThat(json.at("/manifests/2/platform/os").asText()).isEqualTo("unknown");
        assertThat(json.at("/manifests/2/annotations/vnd.docker.reference.type").asText())
                .isEqualTo("attestation-manifest");
        assertThat(json.at("/manifests/2/annotations/vnd.docker.reference.digest")
                        .asText())
                .isEqualTo(index.images().get(0).manifest().digest());
        assertThat(index.image("linux", "arm", "v7").manifest().digest())
                .isEqualTo(json.at("/manifests/1/digest").asText());
    }
}
