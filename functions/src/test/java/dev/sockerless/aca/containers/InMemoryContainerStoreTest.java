package dev.sockerless.aca.containers;

class InMemoryContainerStoreTest extends ContainerStoreContract {

    @Override
    protected ContainerStore createStore() {
        return new InMemoryContainerStore();
    }
}
