package dev.sockerless.aca.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Docker's {@code jsonmessage.RFC3339NanoFixed} in UTC: {@code 2006-01-02T15:04:05.000000000Z}, always nine digits. */
public final class DockerTimestamps {

    private static final DateTimeFormatter FIXED =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private DockerTimestamps() {}

    public static String format(Instant time) {
        return FIXED.format(time);
    }
}
