package dev.sockerless.aca.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-platform fixture: an OCI index or Docker manifest list with its child images and an optional
 * {@code unknown/unknown} attestation manifest.
 *
 * @param index       the index / manifest list bytes
 * @param images      the platform images, in index order
 * @param attestation the attestation manifest referenced from the index, or {@code null}
 */
public record TestIndex(Blob index, List<TestImage> images, TestImage attestation) {

    public TestIndex {
        images = List.copyOf(images);
    }

    /** Every child manifest (platform images, then the attestation if present), in push order. */
    public List<TestImage> children() {
        List<TestImage> all = new ArrayList<>(images);
        if (attestation != null) {
            all.add(attestation);
        }
        return all;
    }

    /** The image for {@code os/architecture[/variant]}; fails if absent. */
    public TestImage image(String os, String architecture, String variant) {
        return images.stream()
                .filter(i -> i.platform().equals(new TestImages.Platform(os, architecture, variant)))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("no image for " + os + "/" + architecture + "/" + variant));
    }
}
