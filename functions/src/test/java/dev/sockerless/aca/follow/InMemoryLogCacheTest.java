package dev.sockerless.aca.follow;

class InMemoryLogCacheTest extends LogCacheContract {

    private final InMemoryLogCache cache = new InMemoryLogCache();

    @Override
    protected LogCache cache() {
        return cache;
    }
}
