package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformMatcherTest {

    private static Descriptor entry(int n, String platform) {
        Platform p = platform == null ? null : Platform.parse(platform);
        return new Descriptor(
                MediaType.OCI_MANIFEST, new Digest(String.valueOf(n).repeat(64).substring(0, 64)), 1, p, Map.of());
    }

    private static Descriptor attestation(int n) {
        return new Descriptor(
                MediaType.OCI_MANIFEST,
                new Digest(String.valueOf(n).repeat(64).substring(0, 64)),
                1,
                new Platform("unknown", "unknown", ""),
                Map.of("vnd.docker.reference.type", "attestation-manifest"));
    }

    @Test
    void exactPlatformWinsOverEarlierCompatibleOnes() {
        List<Descriptor> index = List.of(entry(1, "linux/386"), entry(2, "linux/arm64"), entry(3, "linux/amd64"));
        assertThat(PlatformMatcher.choose(index, Platform.LINUX_AMD64)).isEqualTo(index.get(2));
        assertThat(PlatformMatcher.choose(index, Platform.parse("linux/arm64/v8")))
                .isEqualTo(index.get(1));
    }

    @Test
    void attestationEntriesAreNeverChosen() {
        List<Descriptor> index = List.of(attestation(1), entry(2, "linux/arm64"));
        assertThatThrownBy(() -> PlatformMatcher.choose(index, Platform.LINUX_AMD64))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.NO_MATCH))
                .hasMessage("no matching manifest for linux/amd64 in the manifest list entries");
    }

    @Test
    void armFallsBackToOlderVariantsInContainerdOrder() {
        List<Descriptor> index = List.of(entry(5, "linux/arm/v5"), entry(6, "linux/arm/v6"));
        assertThat(PlatformMatcher.choose(index, Platform.parse("linux/arm/v7")))
                .isEqualTo(index.get(1));
        assertThat(PlatformMatcher.choose(index, Platform.parse("linux/arm64"))).isEqualTo(index.get(1));
    }

    @Test
    void amd64FallsBackTo386AndEntriesWithoutPlatformComeLast() {
        assertThat(PlatformMatcher.choose(List.of(entry(1, null), entry(2, "linux/386")), Platform.LINUX_AMD64)
                        .digest())
                .isEqualTo(entry(2, "linux/386").digest());
        assertThat(PlatformMatcher.choose(List.of(entry(1, null)), Platform.LINUX_AMD64)
                        .digest())
                .isEqualTo(entry(1, null).digest());
    }

    @Test
    void normalisesArchitectureSpellings() {
        assertThat(Platform.parse("linux/x86_64")).isEqualTo(Platform.LINUX_AMD64);
        assertThat(Platform.parse("linux/aarch64/v8")).isEqualTo(new Platform("linux", "arm64", ""));
        assertThat(Platform.parse("linux/arm")).isEqualTo(new Platform("linux", "arm", "v7"));
        assertThat(Platform.parse("linux/amd64/v1")).isEqualTo(Platform.LINUX_AMD64);
        assertThatThrownBy(() -> Platform.parse("linux")).isInstanceOf(RegistryException.class);
    }
}
