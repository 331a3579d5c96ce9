package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageRemover.Removed;
import dev.sockerless.aca.images.ImageRemover.User;
import dev.sockerless.aca.registry.Digest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRemoverTest {

    final InMemoryImageStore store = new InMemoryImageStore();
    final List<User> users = new ArrayList<>();
    final ImageRemover remover = new ImageRemover(new ImageLookup(store), store, id -> List.copyOf(users));

    ImageRecord image(String name, String... refs) {
        ImageRecord image = ImageStoreContract.image(ImageStoreContract.config(name));
        store.saveImage(image);
        for (String r : refs) {
            store.saveRef(ImageStoreContract.ref(r, image.id(), null));
        }
        return image;
    }

    static Removed untagged(String ref) {
        return new Removed(ref, null);
    }

    static Removed deleted(Digest id) {
        return new Removed(null, id.toString());
    }

    @Test
    void untagsOneOfSeveralTagsAndDeletesWithTheLastOne() {
        ImageRecord alpine = image(
                "alpine",
                "docker.io/library/alpine:latest",
                "docker.io/library/alpine:3",
                "docker.io/library/alpine@" + Digest.of("index".getBytes()));
        assertThat(remover.remove("alpine", false)).containsExactly(untagged("alpine:latest"));
        assertThat(store.findImage(alpine.id())).isPresent();
        List<Removed> last = remover.remove("alpine:3", false);
        assertThat(last)
                .containsExactly(
                        untagged("alpine:3"),
                        untagged("alpine@" + Digest.of("index".getBytes())),
                        deleted(alpine.id()));
        assertThat(store.findImage(alpine.id())).isEmpty();
        assertThat(store.listRefs()).isEmpty();
        assertThatThrownBy(() -> remover.remove("alpine:3", false)).hasMessage("No such image: alpine:3");
    }

    @Test
    void anImageAContainerUsesIsKeptAndItsLastTagNeedsForce() {
        ImageRecord app = image("app", "docker.io/library/app:1");
        users.add(new User("c0ffee000000aaaa", false));
        assertThatThrownBy(() -> remover.remove("app:1", false))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(DockerApiException.Kind.CONFLICT))
                .hasMessage("conflict: unable to remove repository reference \"app:1\" (must force) - container"
                        + " c0ffee000000 is using its referenced image "
                        + app.id().hex().substring(0, 12));
        assertThat(remover.remove("app:1", true)).containsExactly(untagged("app:1"));
        assertThat(store.findImage(app.id())).isPresent(); // dangling, still used
        assertThat(remover.prune(true, i -> false)).isEmpty();
    }

    @Test
    void byIdEveryReferenceGoesUnlessRunningOrInSeveralRepositoriesWithoutForce() {
        ImageRecord multi = image("multi", "docker.io/library/one:1", "docker.io/library/two:1");
        String shortId = multi.id().hex().substring(0, 12);
        assertThatThrownBy(() -> remover.remove(shortId, false))
                .hasMessage("conflict: unable to delete " + shortId
                        + " (must be forced) - image is referenced in multiple repositories");
        users.add(new User("abcdef0123456789", true));
        assertThatThrownBy(() -> remover.remove(multi.id().toString(), true))
                .hasMessage("conflict: unable to delete " + shortId
                        + " (cannot be forced) - image is being used by running container abcdef012345");
        users.clear();
        assertThat(remover.remove(shortId, true))
                .containsExactlyInAnyOrder(untagged("one:1"), untagged("two:1"), deleted(multi.id()));
    }

    @Test
    void pruneRemovesDanglingImagesOnlyUnlessAll() {
        ImageRecord tagged = image("tagged", "docker.io/library/tagged:1");
        ImageRecord dangling = image("dangling");
        ImageRecord kept = image("kept");
        assertThat(remover.prune(false, i -> i.id().equals(kept.id()))).containsExactly(deleted(dangling.id()));
        assertThat(store.findImage(tagged.id())).isPresent();
        assertThat(remover.prune(true, i -> false))
                .containsExactlyInAnyOrder(untagged("tagged:1"), deleted(tagged.id()), deleted(kept.id()));
        assertThat(store.listImages()).isEmpty();
    }
}
