package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.ImageReference;

/** {@code SOCKERLESS_STAGING_REGISTRY}: {@code host[:port][/namespace]}. */
record Staging(String registry, String namespace) {

    static Staging parse(String text) {
        String value = text == null ? "" : text.trim();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        int slash = value.indexOf('/');
        String registry = slash < 0 ? value : value.substring(0, slash);
        String namespace = slash < 0 ? "" : value.substring(slash + 1);
        if (registry.isEmpty()) {
            throw DockerApiException.system("configuration: the staging registry is not set", null);
        }
        Staging staging = new Staging(registry, namespace);
        try {
            ImageReference probe = ImageReference.parse(
                    staging.path("probe").isEmpty() ? registry : registry + "/" + staging.path("probe"));
            if (!probe.registry().equalsIgnoreCase(registry)) {
                throw new IllegalArgumentException(registry + " is not a registry host");
            }
        } catch (RuntimeException e) {
            throw DockerApiException.system(
                    "configuration: the staging registry " + text + " is not host[:port][/namespace]", e);
        }
        return staging;
    }

    private String path(String repository) {
        return namespace.isEmpty() ? repository : namespace + "/" + repository;
    }

    /** {@code <staging>/<repository path of name>}. */
    ImageReference repositoryFor(ImageReference name) {
        ImageReference ref = ImageReference.parse(registry + "/" + path(name.repository()));
        return ref.repositoryOnly();
    }

    ImageReference untagged() {
        return ImageReference.parse(registry + "/" + path(ImageLoader.UNTAGGED_REPOSITORY))
                .repositoryOnly();
    }
}
