package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.RegistryCredentials;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@code docker load} stages images.
 *
 * @param stagingRegistry  {@code host[:port][/namespace]} ({@code SOCKERLESS_STAGING_REGISTRY}); loaded images are
 *                         pushed to {@code <stagingRegistry>/<repository path of their name>}
 * @param credentials      credentials for the staging registry
 * @param maxBodyBytes     largest accepted request body
 * @param maxExpandedBytes cap on the decompressed archive and on each decompressed layer (decompression bombs)
 * @param compressLayers   gzip uncompressed layers before pushing (as docker push does); false pushes them as is
 * @param gzipLevel        the fixed deflate level of that gzip (with mtime 0, so a retry produces the same digest)
 * @param gzipIsal         let ISA-L deflate at levels 1 and 2 where its native library loads ({@link GzipMethod})
 * @param tempDir          where compressed archives and gzipped layers are spooled
 * @param platform         the platform picked from an archive's multi-platform index, and assumed for configs
 *                         that do not name theirs
 */
public record LoadOptions(
        String stagingRegistry,
        RegistryCredentials credentials,
        long maxBodyBytes,
        long maxExpandedBytes,
        boolean compressLayers,
        int gzipLevel,
        boolean gzipIsal,
        Path tempDir,
        Platform platform) {

    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 30;
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 8L << 30;
    /**
     * Level 1, by measurement (README, Benchmark): with the JDK, on log-like text 158 MB/s a core for 26.8 % of the
     * size against 50 MB/s for 23.2 % at level 6, on binaries 93 against 26 MB/s for 39.7 % against 35.6 %; ISA-L's
     * level 1 is about four times the JDK's level 1 on the same text for 23.8 %.
     */
    public static final int DEFAULT_GZIP_LEVEL = 1;

    public LoadOptions {
        Objects.requireNonNull(stagingRegistry, "stagingRegistry");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(tempDir, "tempDir");
        Objects.requireNonNull(platform, "platform");
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("gzip level must be 1..9");
        }
    }

    /**
     * Defaults: anonymous, 1 GiB bodies, 8 GiB expanded, gzip level 1 (ISA-L allowed), the JVM's temp dir,
     * linux/amd64.
     */
    public static LoadOptions defaults(String stagingRegistry) {
        return new LoadOptions(
                stagingRegistry,
                RegistryCredentials.ANONYMOUS,
                DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_EXPANDED_BYTES,
                true,
                DEFAULT_GZIP_LEVEL,
                true,
                Path.of(System.getProperty("java.io.tmpdir")),
                Platform.LINUX_AMD64);
    }

    public LoadOptions withCredentials(RegistryCredentials value) {
        return new LoadOptions(
                stagingRegistry,
                value,
                maxBodyBytes,
                maxExpandedBytes,
                compressLayers,
                gzipLevel,
                gzipIsal,
                tempDir,
                platform);
    }

    public LoadOptions withMaxBodyBytes(long value) {
        return new LoadOptions(
                stagingRegistry,
                credentials,
                value,
                maxExpandedBytes,
                compressLayers,
                gzipLevel,
                gzipIsal,
                tempDir,
                platform);
    }

    public LoadOptions withMaxExpandedBytes(long value) {
        return new LoadOptions(
                stagingRegistry,
                credentials,
                maxBodyBytes,
                value,
                compressLayers,
                gzipLevel,
                gzipIsal,
                tempDir,
                platform);
    }

    public LoadOptions withCompressLayers(boolean value) {
        return new LoadOptions(
                stagingRegistry,
                credentials,
                maxBodyBytes,
                maxExpandedBytes,
                value,
                gzipLevel,
                gzipIsal,
                tempDir,
                platform);
    }

    public LoadOptions withGzipIsal(boolean value) {
        return new LoadOptions(
                stagingRegistry,
                credentials,
                maxBodyBytes,
                maxExpandedBytes,
                compressLayers,
                gzipLevel,
                value,
                tempDir,
                platform);
    }

    /** The gzip this load writes: {@link #gzipLevel}, by ISA-L if allowed and loaded here. */
    public GzipMethod gzipMethod() {
        return GzipMethod.of(gzipLevel, gzipIsal);
    }

    public LoadOptions withTempDir(Path value) {
        return new LoadOptions(
                stagingRegistry,
                credentials,
                maxBodyBytes,
                maxExpandedBytes,
                compressLayers,
                gzipLevel,
                gzipIsal,
                value,
                platform);
    }

    public LoadOptions withPlatform(Platform value) {
        return new LoadOptions(
                stagingRegistry,
                credentials,
                maxBodyBytes,
                maxExpandedBytes,
                compressLayers,
                gzipLevel,
                gzipIsal,
                tempDir,
                value);
    }
}
