package dev.sockerless.aca.logs;

/** Where container output is read from (Log Analytics in production, a list in tests). */
public interface ContainerLogSource {

    /**
     * Delivers the target's lines that match the query's streams, bounds and tail, oldest first, until the sink
     * declines one. Failures are {@link dev.sockerless.aca.errors.DockerApiException}s naming the source.
     */
    void read(LogTarget target, LogQuery query, LogSink sink);
}
