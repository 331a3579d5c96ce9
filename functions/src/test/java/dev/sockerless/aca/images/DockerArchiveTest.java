package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.testing.TestArchives;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveTest {

    @TempDir
    Path temp;

    DockerArchive open(byte[] body) {
        return DockerArchive.open(body, 16L << 20, temp, Platform.LINUX_AMD64);
    }

    @Test
    void normalizesNamesAndRefusesTraversal() {
        assertThat(ArchiveTar.normalize("./a//b/./c")).isEqualTo("a/b/c");
        assertThatThrownBy(() -> ArchiveTar.normalize("a/../../b")).hasMessageContaining("path traversal");
        assertThatThrownBy(() -> ArchiveTar.normalize("/a")).hasMessageContaining("absolute path");
        assertThat(ArchiveTar.joinInside("x/y", "../z/layer.tar", "l")).isEqualTo("x/z/layer.tar");
        assertThatThrownBy(() -> ArchiveTar.joinInside("x", "../../z", "l")).hasMessageContaining("outside");
    }

    @Test
    void legacyArchiveFollowsSymlinksAndHardLinks() throws Exception {
        TestImage image = TestImages.repeatedLayer();
        try (DockerArchive archive = open(TestArchives.legacy(image, List.of("alpine:latest")))) {
            assertThat(archive.isOciLayout()).isFalse();
            assertThat(archive.compression()).isEqualTo(Compression.NONE);
            ArchiveImage a = archive.images().get(0);
            assertThat(a.repoTags()).containsExactly("alpine:latest");
            assertThat(a.names().get(0).toString()).isEqualTo("docker.io/library/alpine:latest");
            assertThat(a.layers()).hasSize(3);
            assertThat(a.layers().get(2).path()).isEqualTo(a.layers().get(0).path());
            try (InputStream in = a.layers().get(2).openUncompressed(1 << 20)) {
                assertThat(in.readAllBytes()).isEqualTo(image.layers().get(0).tar());
            }
        }
        TestImage simple = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        String cfg = TestArchives.hex(simple.config().digest()) + ".json";
        byte[] hard = new TestArchives.Tar()
                .file("real.tar", simple.layers().get(0).tar())
                .hardlink("l/layer.tar", "real.tar")
                .file(cfg, simple.config().bytes())
                .file(
                        "manifest.json",
                        new String(
                                TestImages.json(List.of(TestImages.obj(
                                        "Config", cfg, "RepoTags", List.of(), "Layers", List.of("l/layer.tar")))),
                                StandardCharsets.UTF_8))
                .build();
        try (DockerArchive archive = open(hard)) {
            assertThat(archive.images().get(0).layers().get(0).path()).isEqualTo("real.tar");
            assertThat(archive.images().get(0).names()).isEmpty();
        }
    }

    @Test
    void filesAreIndexedInPlaceOrDecompressedToATemporaryFile() throws Exception {
        TestImage image = TestImages.repeatedLayer();
        byte[] tar = TestArchives.legacy(image, List.of("alpine:latest"));
        Path plain = java.nio.file.Files.write(temp.resolve("plain.tar"), tar);
        Path gzip = java.nio.file.Files.write(temp.resolve("archive.tar.gz"), TestArchives.gzip(tar));
        Path spool = java.nio.file.Files.createDirectory(temp.resolve("spool"));
        for (Path file : List.of(plain, gzip)) {
            try (DockerArchive archive = DockerArchive.open(file, 16L << 20, spool, Platform.LINUX_AMD64)) {
                assertThat(archive.compression()).isEqualTo(file == plain ? Compression.NONE : Compression.GZIP);
                try (var listing = java.nio.file.Files.list(spool)) {
                    assertThat(listing.count()).isEqualTo(file == plain ? 0 : 1); // only the gzip is spooled
                }
                ArchiveImage a = archive.images().get(0);
                assertThat(a.repoTags()).containsExactly("alpine:latest");
                try (InputStream in = a.layers().get(2).openUncompressed(1 << 20)) {
                    assertThat(in.readAllBytes())
                            .isEqualTo(image.layers().get(0).tar());
                }
            }
            assertThat(spool).isEmptyDirectory();
            assertThat(file).exists(); // the caller's file is left alone
        }
        java.nio.file.Files.write(plain, new byte[1024]);
        assertThatThrownBy(() -> DockerArchive.open(plain, 16L << 20, spool, Platform.LINUX_AMD64))
                .hasMessageStartingWith("invalid archive:");
        assertThat(spool).isEmptyDirectory();
    }

    @Test
    void docker25PrefersTheOciLayoutAndTakesRepoTags() {
        TestImage image = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        try (DockerArchive archive = open(TestArchives.zstd(
                TestArchives.docker25(image, List.of("docker.io/library/app:1"), List.of("app:1"))))) {
            assertThat(archive.compression()).isEqualTo(Compression.ZSTD);
            assertThat(archive.isOciLayout()).isTrue();
            ArchiveImage a = archive.images().get(0);
            assertThat(a.configDigest().toString()).isEqualTo(image.imageId());
            assertThat(a.repoTags()).containsExactly("app:1");
            assertThat(a.layers()).allSatisfy(l -> assertThat(l.compression()).isEqualTo(Compression.NONE));
            assertThat(a.sourceManifest()).isNotNull();
        }
    }

    @Test
    void containerdNamesComeFromTheAnnotationWhenManifestJsonIsAbsent() {
        TestImage amd = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_AMD64);
        TestImage arm = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_ARM64);
        byte[] tar = TestArchives.containerd(
                amd, arm, TestImages.index(Format.OCI, List.of(arm, amd), null, null), "example.com/team/multi:v1");
        try (DockerArchive archive = open(tar)) {
            ArchiveImage a = archive.images().get(0);
            assertThat(a.configDigest().toString()).isEqualTo(amd.imageId());
            assertThat(a.layers().get(0).compression()).isEqualTo(Compression.GZIP);
            assertThat(a.names().get(0).toString()).isEqualTo("example.com/team/multi:v1");
        }
    }

    @Test
    void emptyOrForeignTarsAreRefused() {
        byte[] empty = new TestArchives.Tar().build();
        assertThatThrownBy(() -> open(empty))
                .isInstanceOfSatisfying(
                        DockerApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        byte[] foreign = new TestArchives.Tar().file("README", "hi").build();
        assertThatThrownBy(() -> open(foreign)).hasMessageContaining("not a docker save archive");
        byte[] v1 = new TestArchives.Tar().file("repositories", "{}").build();
        assertThatThrownBy(() -> open(v1)).hasMessageContaining("legacy v1 format");
    }
}
