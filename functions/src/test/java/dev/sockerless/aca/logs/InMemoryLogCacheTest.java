package dev.sockerless.aca.logs;

class InMemoryLogCacheTest extends LogCacheContract {

    private final InMemoryLogCache cache = new InMemoryLogCache();

    @Override
    protected LogCache cache() {
        return cache;
    }
}
