package io.statetree.core.backend;

import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory copy of {@link CachingBackend} on its own: only complete subtrees answer,
 * absence is remembered, invalidation forgets completeness upwards, and a value read before an
 * invalidation is never installed.
 */
class CacheTreeTest {

	final CacheTree tree = new CacheTree();

	static @Nullable Object json(String text) {
		return AbstractBackendContractTest.json(text);
	}

	static StatePath p(String path) {
		return StatePath.of(path);
	}

	@Test
	void anEmptyCopyKnowsNothing() {
		assertThat(this.tree.lookup(p("/"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.lookup(p("/a/b"))).isSameAs(CacheTree.MISS);
	}

	@Test
	void aCompleteSubtreeAnswersItsDescendantsAndTheirAbsenceButNotItsParent() {
		this.tree.install(p("/a"), json("{'b':{'c':1}}"), this.tree.generation());
		assertThat(this.tree.lookup(p("/a"))).isEqualTo(json("{'b':{'c':1}}"));
		assertThat(this.tree.lookup(p("/a/b/c"))).isEqualTo(json("1"));
		assertThat(this.tree.lookup(p("/a/x"))).isNull();
		assertThat(this.tree.lookup(p("/a/b/c/d"))).isNull();
		assertThat(this.tree.lookup(p("/"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.lookup(p("/z"))).isSameAs(CacheTree.MISS);
	}

	@Test
	void anAbsentPathIsRememberedAsAbsent() {
		this.tree.install(p("/gone"), null, this.tree.generation());
		assertThat(this.tree.lookup(p("/gone"))).isNull();
		assertThat(this.tree.lookup(p("/gone/below"))).isNull();
	}

	@Test
	void aValueReadBeforeAnInvalidationIsNotInstalled() {
		long seen = this.tree.generation();
		this.tree.invalidate(p("/elsewhere"));
		this.tree.install(p("/a"), json("1"), seen);
		assertThat(this.tree.lookup(p("/a"))).isSameAs(CacheTree.MISS);
		this.tree.install(p("/a"), json("1"), this.tree.generation());
		assertThat(this.tree.lookup(p("/a"))).isEqualTo(json("1"));
	}

	@Test
	void invalidatingForgetsTheSubtreeAndTheCompletenessOfItsAncestorsOnly() {
		this.tree.install(p("/"), json("{'a':{'b':1,'c':2},'d':3}"), this.tree.generation());
		this.tree.invalidate(p("/a/b"));
		assertThat(this.tree.lookup(p("/a/b"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.lookup(p("/a"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.lookup(p("/"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.lookup(p("/a/c"))).isEqualTo(json("2"));
		assertThat(this.tree.lookup(p("/d"))).isEqualTo(json("3"));
		this.tree.invalidateAll();
		assertThat(this.tree.lookup(p("/d"))).isSameAs(CacheTree.MISS);
	}

	@Test
	void applyingWritesInstallsThemAsCompleteSubtreesOnlyWhenAsked() {
		List<Write> writes = List.of(Write.of(p("/a/b"), json("1")), Write.of(p("/a/c"), json("2")));
		assertThat(this.tree.apply(writes, false)).isFalse();
		assertThat(this.tree.lookup(p("/a/b"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.apply(writes, true)).isTrue();
		assertThat(this.tree.lookup(p("/a/b"))).isEqualTo(json("1"));
		assertThat(this.tree.lookup(p("/a/c"))).isEqualTo(json("2"));
		assertThat(this.tree.lookup(p("/a"))).isSameAs(CacheTree.MISS);
	}

	@Test
	void aWriteBelowAKnownLeafIsRefusedBeforeAnythingChanges() {
		this.tree.install(p("/leaf"), json("5"), this.tree.generation());
		List<Write> writes = List.of(Write.of(p("/other"), json("1")), Write.of(p("/leaf/x"), json("2")));
		assertThatThrownBy(() -> this.tree.apply(writes, true)).isInstanceOf(StateWriteException.class);
		assertThat(this.tree.lookup(p("/other"))).isSameAs(CacheTree.MISS);
		assertThat(this.tree.lookup(p("/leaf"))).isEqualTo(json("5"));
	}

}
