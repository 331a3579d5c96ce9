package dev.sockerless.aca.logs;

import org.jspecify.annotations.Nullable;

/** The stream of a frame, with its stdcopy header byte ({@code pkg/stdcopy}: stdin 0, stdout 1, stderr 2, system error 3). */
public enum StreamType {
    STDIN(0),
    STDOUT(1),
    STDERR(2),
    SYSTEM_ERROR(3);

    private final int headerByte;

    StreamType(int headerByte) {
        this.headerByte = headerByte;
    }

    public int headerByte() {
        return headerByte;
    }

    /**
     * The stream named by a Log Analytics {@code Stream} cell: {@code stderr} is stderr; anything else, including
     * an empty or missing value, is stdout.
     */
    public static StreamType ofColumn(@Nullable String value) {
        return value != null && value.trim().equalsIgnoreCase("stderr") ? STDERR : STDOUT;
    }
}
