package dev.sockerless.aca.containers;

import dev.sockerless.aca.errors.DockerApiException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/** Container names as dockerd treats them (moby {@code daemon/names}, {@code pkg/namesgenerator}). */
public final class ContainerNames {

    static final String VALID_CHARS = "[a-zA-Z0-9][a-zA-Z0-9_.-]";
    private static final Pattern VALID = Pattern.compile("^/?" + VALID_CHARS + "+$");
    private static final List<String> LEFT = List.of(
            "admiring",
            "bold",
            "brave",
            "clever",
            "eager",
            "festive",
            "gifted",
            "happy",
            "jolly",
            "keen",
            "loving",
            "nifty",
            "quirky",
            "serene",
            "vibrant",
            "zealous");
    private static final List<String> RIGHT = List.of(
            "babbage",
            "curie",
            "darwin",
            "einstein",
            "hopper",
            "lovelace",
            "meitner",
            "noether",
            "pasteur",
            "ritchie",
            "shannon",
            "tesla",
            "thompson",
            "turing",
            "wozniak",
            "yonath");

    private ContainerNames() {}

    /** The name without its leading '/', or INVALID_PARAMETER in Docker's words. */
    public static String parse(String name) {
        if (!VALID.matcher(name).matches()) {
            throw DockerApiException.invalid(
                    "Invalid container name (" + name + "), only " + VALID_CHARS + " are allowed");
        }
        return name.startsWith("/") ? name.substring(1) : name;
    }

    /** A random {@code adjective_name}, with a digit appended on retries (as namesgenerator.GetRandomName). */
    public static String generate(Random random, int retry) {
        String name = LEFT.get(random.nextInt(LEFT.size())) + "_" + RIGHT.get(random.nextInt(RIGHT.size()));
        return retry > 0 ? name + random.nextInt(10) : name;
    }

    static String generate(int retry) {
        return generate(new SecureRandom(), retry);
    }

    /** Docker's 409 for a name another container holds. */
    public static DockerApiException conflict(String name, String holderId) {
        return DockerApiException.conflict(
                "Conflict. The container name \"/" + name + "\" is already in use by container \"" + holderId
                        + "\". You have to remove (or rename) that container to be able to reuse that name.");
    }
}
