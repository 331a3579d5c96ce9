package dev.sockerless.aca.docker;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.ContainerLogSource;
import dev.sockerless.aca.logs.LogLine;
import dev.sockerless.aca.logs.LogLineFormatter;
import dev.sockerless.aca.logs.LogQuery;
import dev.sockerless.aca.logs.LogSink;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.logs.LogsParameters;
import dev.sockerless.aca.logs.MultiplexedStreamWriter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /containers/{id}/logs} without {@code follow}: reads the container's lines from the log source and
 * returns them as one body, multiplexed (stdcopy frames) or raw for a TTY container. The body is bounded by
 * {@code maxResponseBytes} ({@code SOCKERLESS_LOGS_MAX_RESPONSE_BYTES}); a body that reaches it ends with a
 * system-error frame saying so. A source failure before any line is an error response naming the source; after
 * some lines, a system-error frame (as dockerd reports late errors).
 */
public final class LogsHandler {

    public static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
    public static final String RAW = "application/vnd.docker.raw-stream";

    private final ContainerLogSource source;
    private final long maxResponseBytes;

    public LogsHandler(ContainerLogSource source, long maxResponseBytes) {
        this.source = source;
        this.maxResponseBytes = maxResponseBytes;
    }

    public ApiResponse logs(ApiRequest request, LogTarget target) {
        LogQuery query = LogsParameters.parse(request.query());
        MultiplexedStreamWriter writer = new MultiplexedStreamWriter(target.tty(), maxResponseBytes);
        LogLineFormatter formatter = new LogLineFormatter(query.timestamps(), query.details(), target.labels());
        Collector collector = new Collector(writer, formatter);
        try {
            source.read(target, query, collector);
        } catch (DockerApiException e) {
            if (collector.lines == 0) {
                throw e;
            }
            collector.truncated(e.getMessage());
        }
        if (collector.note != null) {
            writer.systemError(collector.note);
        }
        // dockerd: raw for a TTY, and for every container before API 1.42
        String type = target.tty() || request.version().below(1, 42) ? RAW : MULTIPLEXED;
        return new ApiResponse(200, Map.of("Content-Type", type), writer.toByteArray());
    }

    private final class Collector implements LogSink {
        private final MultiplexedStreamWriter writer;
        private final LogLineFormatter formatter;
        int lines;

        @Nullable
        String note;

        Collector(MultiplexedStreamWriter writer, LogLineFormatter formatter) {
            this.writer = writer;
            this.formatter = formatter;
        }

        @Override
        public boolean accept(LogLine line) {
            if (note != null) {
                return false;
            }
            if (!writer.write(line.stream(), formatter.format(line))) {
                note = "the log output exceeds the response size limit of " + maxResponseBytes
                        + " bytes (SOCKERLESS_LOGS_MAX_RESPONSE_BYTES); narrow it with --since, --until or --tail";
                return false;
            }
            lines++;
            return true;
        }

        @Override
        public void truncated(@Nullable String message) {
            if (note == null) {
                note = message;
            }
        }
    }
}
