package dev.sockerless.aca.testing;

import dev.sockerless.aca.azurite.Azurite;

/**
 * JVM-wide test services started lazily on first use and stopped by a shutdown hook, so that many test classes
 * share one Azurite and one anonymous registry. Tests must not close them; use distinct repository and table
 * names per test to avoid interference.
 */
public final class SharedServices {

    private static Azurite azurite;
    private static RegistryServer anonymousRegistry;
    private static boolean hookInstalled;

    private SharedServices() {}

    /** The shared Azurite, started on first call. */
    public static synchronized Azurite azurite() {
        if (azurite == null) {
            installHook();
            azurite = Azurite.inMemory();
        }
        return azurite;
    }

    /** The shared anonymous {@link RegistryServer}, started on first call. */
    public static synchronized RegistryServer anonymousRegistry() {
        if (anonymousRegistry == null) {
            installHook();
            anonymousRegistry = RegistryServer.anonymous();
        }
        return anonymousRegistry;
    }

    private static void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(SharedServices::stopAll, "shared-services-stop"));
            hookInstalled = true;
        }
    }

    private static synchronized void stopAll() {
        if (anonymousRegistry != null) {
            anonymousRegistry.close();
            anonymousRegistry = null;
        }
        if (azurite != null) {
            azurite.close();
            azurite = null;
        }
    }
}
