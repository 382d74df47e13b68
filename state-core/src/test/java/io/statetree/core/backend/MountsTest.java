package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mount table of {@link HybridBackend} on its own: which backend owns a path, overlap
 * refusals, and tables that never change once made.
 */
class MountsTest {

	final InMemoryBackend root = new InMemoryBackend();

	final InMemoryBackend users = new InMemoryBackend();

	final InMemoryBackend cache = new InMemoryBackend();

	static StatePath p(String path) {
		return StatePath.of(path);
	}

	@Test
	void aPathIsOwnedByTheMountAtOrAboveItTheRootBesideMountsAndNoneAboveOne() {
		Mounts mounts = Mounts.of(this.root).with(p("/users"), this.users).with(p("/tmp/cache"), this.cache);
		assertThat(mounts.owner(p("/users"))).isSameAs(this.users);
		assertThat(mounts.owner(p("/users/1/name"))).isSameAs(this.users);
		assertThat(mounts.owner(p("/tmp/cache/x"))).isSameAs(this.cache);
		assertThat(mounts.owner(p("/usersx"))).isSameAs(this.root);
		assertThat(mounts.owner(p("/tmp/other"))).isSameAs(this.root);
		assertThat(mounts.owner(p("/tmp"))).isNull();
		assertThat(mounts.owner(p("/"))).isNull();
		assertThat(mounts.all()).containsExactly(this.root, this.cache, this.users);
	}

	@Test
	void aMountAtAboveOrBelowAnotherIsRefusedNamingBoth() {
		Mounts mounts = Mounts.of(this.root).with(p("/a/b"), this.users);
		assertThatThrownBy(() -> mounts.with(p("/a/b"), this.cache)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/a/b is already a mount point");
		assertThatThrownBy(() -> mounts.with(p("/a"), this.cache)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/a")
			.hasMessageContaining("overlaps the mount point /a/b");
		assertThatThrownBy(() -> mounts.with(p("/a/b/c"), this.cache)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/a/b/c")
			.hasMessageContaining("overlaps the mount point /a/b");
		assertThat(mounts.with(p("/a/c"), this.cache).points()).containsOnlyKeys(p("/a/b"), p("/a/c"));
	}

	@Test
	void mountingAndUnmountingMakeNewTables() {
		Mounts empty = Mounts.of(this.root);
		Mounts one = empty.with(p("/users"), this.users);
		assertThat(empty.points()).isEmpty();
		assertThat(one.points()).containsOnlyKeys(p("/users"));
		assertThat(one.without(p("/other"))).isNull();
		Mounts none = one.without(p("/users"));
		assertThat(none).isNotNull();
		assertThat(none.points()).isEmpty();
		assertThat(one.points()).containsOnlyKeys(p("/users"));
		assertThatThrownBy(() -> one.points().clear()).isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void theTableIsSharedWhenTheRootOrAnyMountIs() {
		ForwardingBackend shared = new ForwardingBackend(true);
		assertThat(Mounts.of(this.root).with(p("/users"), this.users).isShared()).isFalse();
		assertThat(Mounts.of(this.root).with(p("/users"), shared).isShared()).isTrue();
		assertThat(Mounts.of(shared).isShared()).isTrue();
	}

}
