package io.statetree.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The builder's default actor is held to WriteOptions.actor's rules without failing a write. */
class HistoryDefaultActorTest {

	private static @org.jspecify.annotations.Nullable String recordedActor(String name) {
		AtomicReference<String> supplied = new AtomicReference<>(name);
		try (StateController c = StateController.builder().defaultActor(supplied::get).build()) {
			assertThat(c.set("/x", 1)).isTrue();
			List<Commit> h = c.history(0, 10);
			assertThat(h).hasSize(1);
			return h.get(0).actor();
		}
	}

	@Test
	void aLongNameIsCutTo256() {
		String name = "a".repeat(200) + "b".repeat(56) + "c".repeat(9_744);
		assertThat(recordedActor(name)).isEqualTo("a".repeat(200) + "b".repeat(56)).hasSize(256);
	}

	@Test
	void exactly256IsKept() {
		assertThat(recordedActor("z".repeat(256))).isEqualTo("z".repeat(256));
	}

	@Test
	void aSurrogatePairIsNotSplit() {
		String name = "x".repeat(255) + "\uD83D\uDE00" + "tail";
		assertThat(recordedActor(name)).isEqualTo("x".repeat(255));
	}

	@Test
	void blankOrBlankAfterTheCutRecordsNoActor() {
		assertThat(recordedActor("   ")).isNull();
		assertThat(recordedActor("")).isNull();
		assertThat(recordedActor(" ".repeat(300) + "bob")).isNull();
	}

	@Test
	void theEventCarriesTheCutName() {
		try (StateController c = StateController.builder().defaultActor(() -> "q".repeat(1_000)).build()) {
			AtomicReference<String> heard = new AtomicReference<>();
			c.subscribe("/x", (e) -> heard.set(e.actor()));
			c.set("/x", 1);
			assertThat(heard.get()).isEqualTo("q".repeat(256));
		}
	}

}
