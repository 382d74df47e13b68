package io.statetree.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code setAll} (DESIGN §15): the bad inputs fail the whole call with the synchronous
 * API's exception (wrapped for the async API) and write nothing; overlapping paths that agree are
 * fine; it joins a batch and runs derivations once. Atomicity on every backend is in
 * {@link AbstractAsyncProperties}.
 */
class SetAllTest {

	private final StateController controller = StateController.create();

	private final List<String> heard = new CopyOnWriteArrayList<>();

	private long revision;

	@BeforeEach
	void seed() {
		this.controller.set("/keep", 1);
		this.controller.subscribe("/**", (e) -> this.heard.add(e.revision() + " " + e.path()));
		this.revision = this.controller.revision();
	}

	@AfterEach
	void close() {
		this.controller.close();
	}

	private static Map<String, Object> writes(Object... pairs) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put((String) pairs[i], pairs[i + 1]);
		}
		return map;
	}

	private static int orZero(Integer value) {
		return (value != null) ? value : 0;
	}

	private void assertNothingWritten() {
		assertThat(this.controller.get("/")).isEqualTo(Map.of("keep", 1));
		assertThat(this.controller.revision()).isEqualTo(this.revision);
		assertThat(this.heard).isEmpty();
	}

	private void refusedBoth(Map<String, ?> writes, Class<? extends Throwable> type) {
		assertThatThrownBy(() -> this.controller.setAll(writes)).isInstanceOf(type);
		assertNothingWritten();
		assertThatThrownBy(() -> this.controller.async().setAll(writes).join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(type);
		assertNothingWritten();
	}

	@Test
	void anInvalidPathFailsTheWholeCall() {
		refusedBoth(writes("/a", 1, "/a//x", 2), InvalidPathException.class);
		refusedBoth(writes("/a", 1, "/b//c", 2), InvalidPathException.class);
	}

	@Test
	void aValueJacksonCannotMapFailsTheWholeCall() {
		Map<String, Object> cycle = new HashMap<>();
		cycle.put("self", cycle);
		refusedBoth(writes("/a", 1, "/b", cycle), StateValueException.class);
		refusedBoth(writes("/a", 1, "/b", Thread.currentThread()), StateValueException.class);
	}

	@Test
	void conflictingOverlapsFailTheWholeCall() {
		refusedBoth(writes("/a", 5, "/a/b", 1), StateWriteException.class);
		refusedBoth(writes("/a/b", 1, "/a", 5), StateWriteException.class);
		refusedBoth(writes("/a", Map.of("b", 2), "/a/b", 1), StateWriteException.class);
		refusedBoth(writes("/a", null, "/a/b", 1), StateWriteException.class);
		refusedBoth(writes("/a", 1, "/keep/below", 1), StateWriteException.class);
		refusedBoth(writes("/", 5), StateWriteException.class);
	}

	@Test
	void nullsAreRefusedAsTheSyncApiRefusesThem() {
		assertThatThrownBy(() -> this.controller.setAll(null)).isInstanceOf(NullPointerException.class);
		assertThatThrownBy(() -> this.controller.async().setAll(null).join()).isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(NullPointerException.class);
		refusedBoth(writes("/a", 1, null, 2), InvalidPathException.class);
	}

	@Test
	void agreeingOverlapsAreOneWrite() {
		assertThat(this.controller.setAll(writes("/a/b", 1, "/a", Map.of("b", 1, "c", 2), "/a/c", 2))).isTrue();
		assertThat(this.controller.get("/a")).isEqualTo(Map.of("b", 1, "c", 2));
		assertThat(this.heard).containsExactlyInAnyOrder((this.revision + 1) + " /a", (this.revision + 1) + " /a/b",
				(this.revision + 1) + " /a/c");
	}

	@Test
	void nullDeletesAndAnEqualCallChangesNothing() {
		assertThat(this.controller.setAll(writes("/keep", null, "/n", 1))).isTrue();
		assertThat(this.controller.get("/")).isEqualTo(Map.of("n", 1));
		assertThat(this.controller.setAll(writes("/keep", null, "/n", 1))).isFalse();
		assertThat(this.controller.setAll(Map.of())).isFalse();
		assertThat(this.controller.revision()).isEqualTo(this.revision + 1);
	}

	@Test
	void insideABatchItJoinsTheBatchAndARefusalLeavesTheBatchAsItWas() {
		this.controller.batch(() -> {
			this.controller.set("/x", 1);
			this.controller.setAll(writes("/y", 2, "/z", 3));
			assertThat(this.controller.get("/y")).isEqualTo(2);
			assertThatThrownBy(() -> this.controller.setAll(writes("/w", 1, "/keep/below", 1)))
				.isInstanceOf(StateWriteException.class);
			assertThat(this.controller.get("/w")).isNull();
		});
		assertThat(this.controller.get("/")).isEqualTo(Map.of("keep", 1, "x", 1, "y", 2, "z", 3));
		assertThat(this.controller.revision()).isEqualTo(this.revision + 1);
		assertThat(this.heard).hasSize(3);
	}

	@Test
	void derivationsRunInTheSameCommit() {
		this.controller.deriveMany("/sum", List.of("/p", "/q"),
				(d) -> orZero(d.get("/p", Integer.class)) + orZero(d.get("/q", Integer.class)));
		long before = this.controller.revision();
		this.heard.clear();
		assertThat(this.controller.setAll(writes("/p", 2, "/q", 3))).isTrue();
		assertThat(this.controller.get("/sum")).isEqualTo(5);
		assertThat(this.controller.revision()).isEqualTo(before + 1);
		assertThat(this.heard).containsExactlyInAnyOrder((before + 1) + " /p", (before + 1) + " /q",
				(before + 1) + " /sum");
	}

}
