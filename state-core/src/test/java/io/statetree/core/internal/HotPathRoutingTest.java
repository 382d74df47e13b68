package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.Subscription;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener lookup of a path written again is memoised ({@link PatternIndex#prefixCursors}):
 * every subscribe and unsubscribe between two writes of the same path must be seen by the next
 * write, whoever wrote the path before.
 */
class HotPathRoutingTest {

	@Test
	void aSubscriptionMadeBetweenTwoWritesOfOnePathHearsTheSecondAndAClosedOneDoesNot() {
		try (StateController controller = StateController.create()) {
			StatePath leaf = StatePath.of("/a/b/c");
			List<Object> early = new CopyOnWriteArrayList<>();
			controller.subscribe("/a/b/c", (e) -> early.add(e.newValue()));
			controller.set(leaf, 1);
			controller.set(leaf, 2);
			List<Object> late = new CopyOnWriteArrayList<>();
			Subscription lateOne = controller.subscribe("/a/**", (e) -> late.add(e.newValue()));
			controller.set(leaf, 3);
			lateOne.close();
			controller.set(StatePath.of("/a/b/c"), 4); // an equal path, another instance
			Subscription wildcard = controller.subscribe("/a/*/c", (e) -> late.add("w" + e.newValue()));
			controller.set(leaf, 5);
			wildcard.close();
			controller.set(leaf, 6);
			assertThat(early).containsExactly(1, 2, 3, 4, 5, 6);
			assertThat(late).containsExactly(3, "w5");
		}
	}

	@Test
	void theMemoisedWalkFollowsEveryChangeOfTheTrie() {
		PatternIndex<String> index = new PatternIndex<>();
		StatePath path = StatePath.of("/x/y");
		assertThat(index.prefixCursors(path)[0].isDead()).isTrue();
		index.add(PathPattern.compile("/x/y"), "one", 1);
		PatternIndex.Cursor<String>[] first = index.prefixCursors(path);
		assertThat(first[2].matches()).extracting(PatternIndex.Entry::value).containsExactly("one");
		assertThat(index.prefixCursors(StatePath.of("/x/y"))).isSameAs(first);
		index.add(PathPattern.compile("/x/*"), "two", 2);
		assertThat(index.prefixCursors(path)[2].matches()).extracting(PatternIndex.Entry::value)
			.containsExactly("one", "two");
		index.remove(PathPattern.compile("/x/y"), "one");
		assertThat(index.prefixCursors(path)[2].matches()).extracting(PatternIndex.Entry::value)
			.containsExactly("two");
		assertThat(index.prefixCursors(StatePath.of("/x/z"))[2].matches()).extracting(PatternIndex.Entry::value)
			.containsExactly("two");
	}

}
