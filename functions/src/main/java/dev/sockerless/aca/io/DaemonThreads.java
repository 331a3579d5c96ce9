package dev.sockerless.aca.io;

import java.util.concurrent.ThreadFactory;

/** Thread factories for the app's pools: daemon threads (none keeps the worker's JVM alive) with one name a pool. */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Daemon threads named {@code name}, as the benchmark's CPU breakdown groups them. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
