package dev.sockerless.aca.images;

/** Receives the progress of a load ({@code Loading layer} per layer id, as Docker's non-quiet mode). */
@FunctionalInterface
public interface LoadProgress {

    LoadProgress NONE = (status, id) -> {};

    void status(String status, String id);
}
