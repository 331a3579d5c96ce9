package dev.sockerless.aca.registry;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A normalised image reference {@code registry/repository[:tag][@digest]}, following the grammar and the Docker
 * Hub normalisation of distribution/reference ({@code ParseNormalizedNamed}): {@code alpine} is
 * {@code docker.io/library/alpine}, {@code index.docker.io} is rewritten to {@code docker.io}.
 *
 * @param registry   registry name as written in references ({@code docker.io}, {@code myreg:5000})
 * @param repository path inside the registry ({@code library/alpine})
 * @param tag        tag, or {@code null}
 * @param digest     digest, or {@code null}
 */
public record ImageReference(
        String registry,
        String repository,
        @Nullable String tag,
        @Nullable Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final int NAME_TOTAL_LENGTH_MAX = 255;

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN =
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])" + "(?::[0-9]+)?";
    private static final Pattern PATH = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
    private static final Pattern DOMAIN_PATTERN = Pattern.compile(DOMAIN);
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern ANCHORED_ID = Pattern.compile("[a-f0-9]{64}");

    public ImageReference {
        if (registry == null || registry.isEmpty() || repository == null || repository.isEmpty()) {
            throw new IllegalArgumentException("registry and repository are required");
        }
    }

    /**
     * Parses a reference the way Docker does; neither tag nor digest is defaulted. Errors use Docker's texts
     * ({@code invalid reference format: ...}).
     */
    public static ImageReference parse(String input) {
        if (input == null || input.isEmpty()) {
            throw invalidFormat(String.valueOf(input));
        }
        if (ANCHORED_ID.matcher(input).matches()) {
            throw RegistryException.invalidInput(
                    "invalid repository name (" + input + "), cannot specify 64-byte hexadecimal strings");
        }
        // Split off the digest, then the tag (a ':' after the last '/').
        String rest = input;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String digestText = rest.substring(at + 1);
            if (!Digest.isDigest(digestText)) {
                throw invalidFormat(input);
            }
            digest = Digest.parse(digestText);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalidFormat(input);
            }
        }
        String name = rest;
        String registry;
        String remainder;
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        if (slash < 0
                || (!first.contains(".")
                        && !first.contains(":")
                        && !first.equals("localhost")
                        && first.toLowerCase(Locale.ROOT).equals(first))) {
            registry = DOCKER_HUB;
            remainder = name;
        } else {
            registry = first;
            remainder = name.substring(slash + 1);
            if (!DOMAIN_PATTERN.matcher(registry).matches()) {
                throw invalidFormat(input);
            }
        }
        if ("index.docker.io".equalsIgnoreCase(registry)) {
            registry = DOCKER_HUB;
        }
        if (DOCKER_HUB.equals(registry) && remainder.indexOf('/') < 0) {
            remainder = "library/" + remainder;
        }
        if (!remainder.toLowerCase(Locale.ROOT).equals(remainder)) {
            throw RegistryException.invalidInput(
                    "invalid reference format: repository name (" + remainder + ") must be lowercase");
        }
        if (!PATH.matcher(remainder).matches()) {
            throw invalidFormat(input);
        }
        if (registry.length() + 1 + remainder.length() > NAME_TOTAL_LENGTH_MAX) {
            throw RegistryException.invalidInput("invalid reference format: repository name must not be more than "
                    + NAME_TOTAL_LENGTH_MAX + " characters");
        }
        return new ImageReference(registry, remainder, tag, digest);
    }

    /** {@link #parse} and, when neither tag nor digest is given, the tag {@code latest}. */
    public static ImageReference parseWithDefaultTag(String input) {
        ImageReference ref = parse(input);
        return ref.tag == null && ref.digest == null ? ref.withTag(DEFAULT_TAG) : ref;
    }

    /** Validates a tag as Docker does ({@code [\w][\w.-]{0,127}}). */
    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    static RegistryException invalidFormat(String input) {
        return RegistryException.invalidInput("invalid reference format: " + input);
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    /** The repository without tag or digest. */
    public ImageReference repositoryOnly() {
        return new ImageReference(registry, repository, null, null);
    }

    /** What to ask the registry for: the digest when present, else the tag. */
    public String identifier() {
        return digest != null ? digest.toString() : tag != null ? tag : DEFAULT_TAG;
    }

    /** Fully qualified name without tag or digest: {@code docker.io/library/alpine}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** Familiar name: {@code alpine}, {@code user/app}, {@code myreg:5000/team/app}. */
    public String familiarName() {
        if (DOCKER_HUB.equals(registry)) {
            if (repository.startsWith("library/") && repository.indexOf('/', 8) < 0) {
                return repository.substring(8);
            }
            return repository;
        }
        return name();
    }

    /** Familiar form with tag and digest: {@code alpine:latest}, {@code alpine@sha256:...}. */
    public String familiar() {
        return familiarName() + suffix();
    }

    private String suffix() {
        return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** Token scope for this repository ({@code repository:library/alpine:pull}). */
    public String scope(String actions) {
        return "repository:" + repository + ":" + actions;
    }

    /** Fully qualified form: {@code docker.io/library/alpine:latest}. */
    @Override
    public String toString() {
        return name() + suffix();
    }
}
