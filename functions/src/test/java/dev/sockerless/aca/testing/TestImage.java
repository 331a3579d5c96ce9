package dev.sockerless.aca.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A single-platform image fixture: config blob, layers and the manifest, all as exact bytes.
 *
 * @param platform the platform recorded in the config (and in an index entry)
 * @param config   the config blob; its digest is the image ID
 * @param layers   the layers, in rootfs order
 * @param manifest the manifest blob (OCI or Docker schema2)
 */
public record TestImage(TestImages.Platform platform, Blob config, List<TestImages.Layer> layers, Blob manifest) {

    public TestImage {
        layers = List.copyOf(layers);
    }

    /** The compressed layer blobs, in order. */
    public List<Blob> layerBlobs() {
        return layers.stream().map(TestImages.Layer::blob).toList();
    }

    /** The diffIDs ({@code sha256} of the uncompressed tars), in order. */
    public List<String> diffIds() {
        return layers.stream().map(TestImages.Layer::diffId).toList();
    }

    /** Config blob followed by the layer blobs: everything to upload before the manifest. */
    public List<Blob> blobs() {
        List<Blob> all = new ArrayList<>();
        all.add(config);
        all.addAll(layerBlobs());
        return all;
    }

    /** The image ID ({@code sha256:} of the config bytes). */
    public String imageId() {
        return config.digest();
    }
}
