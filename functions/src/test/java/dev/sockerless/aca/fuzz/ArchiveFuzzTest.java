package dev.sockerless.aca.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ArchiveImage;
import dev.sockerless.aca.images.ArchiveLayer;
import dev.sockerless.aca.images.DockerArchive;
import dev.sockerless.aca.registry.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fuzzes the {@code docker save} archive reader: any bytes give an archive or a clear 400, never a crash or a leak. */
class ArchiveFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void dockerArchive(FuzzedDataProvider data) throws IOException {
        byte[] body = data.consumeRemainingAsBytes();
        Path temp = Files.createTempDirectory("fuzz-archive");
        try {
            try (DockerArchive archive = DockerArchive.open(body, 1 << 20, temp, Platform.LINUX_AMD64)) {
                for (ArchiveImage image : archive.images()) {
                    for (ArchiveLayer layer : image.layers()) {
                        try (InputStream in = layer.openUncompressed(1 << 20)) {
                            in.transferTo(OutputStream.nullOutputStream());
                        }
                    }
                }
            } catch (DockerApiException expected) {
                assertThat(expected.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
            } catch (IOException expected) {
                // a layer that is not what its magic bytes claim: the loader reports it as an invalid archive
            }
            try (var left = Files.list(temp)) {
                assertThat(left).as("temporary files left behind").isEmpty();
            }
        } finally {
            try (var left = Files.list(temp)) {
                left.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(temp);
        }
    }
}
