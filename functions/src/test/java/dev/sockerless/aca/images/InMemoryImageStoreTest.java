package dev.sockerless.aca.images;

class InMemoryImageStoreTest extends ImageStoreContract {

    @Override
    protected ImageStore createStore() {
        return new InMemoryImageStore();
    }
}
