package io.statetree.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The group listener suite on {@link FileSystemBackend}: progress in {@code .statetree/groups},
 * events read from the history log; and what only the filesystem promises: a group's progress and
 * dead letters outlive the controller, so events written while no member ran are handled after
 * the restart, and a dead letter parked before it is listed and redelivered after it.
 */
class FileSystemGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return FileSystemBackend.builder(scratch.resolve("state")).fsync(false).build();
	}

	private StateController reopen(Path scratch) {
		return open(builder(newBackend(scratch)));
	}

	@Test
	void eventsWrittenWhileNoMemberRanAreHandledAfterTheRestartAndHandledOnesAreNot() {
		Path scratch = scratch();
		List<Handled> handled = new CopyOnWriteArrayList<>();
		StateController first = reopen(scratch);
		first.subscribe("/users/{id}", recording("first", handled), SubscribeOptions.group("welcome"));
		first.set("/users/1", "ada");
		first.set("/users/2", "grace");
		await().atMost(WAIT).until(() -> handled.size() == 2);
		first.close();
		StateController between = reopen(scratch);
		between.set("/users/3", "linus");
		between.set("/users/1", "ada lovelace");
		long last = between.revision();
		between.close();
		StateController second = reopen(scratch);
		second.subscribe("/users/{id}", recording("second", handled), SubscribeOptions.group("welcome"));
		await().atMost(WAIT).until(() -> handled.size() == 4);
		assertThat(handled.subList(2, 4)).extracting(Handled::member, Handled::path, Handled::revision)
			.containsExactlyInAnyOrder(tuple("second", "/users/3", last - 1),
					tuple("second", "/users/1", last));
		second.set("/users/4", "barbara");
		await().atMost(WAIT).until(() -> handled.size() == 5);
		assertThat(handled.get(4).path()).isEqualTo("/users/4");
	}

	@Test
	void aDeadLetterParkedBeforeARestartIsListedAndRedeliveredAfterIt() {
		Path scratch = scratch();
		StateController first = reopen(scratch);
		first.subscribe("/users/{id}", (event) -> {
			throw new IllegalStateException("mail server down");
		}, SubscribeOptions.group("welcome"));
		first.set("/users/1", "ada");
		long revision = first.revision();
		await().atMost(WAIT).until(() -> first.deadLetters("welcome").size() == 1);
		first.close();
		StateController second = reopen(scratch);
		AtomicBoolean healthy = new AtomicBoolean();
		List<Handled> handled = new CopyOnWriteArrayList<>();
		second.subscribe("/users/{id}", (event) -> {
			if (!healthy.get()) {
				throw new IllegalStateException("still down");
			}
			handled.add(new Handled("second", event.path().toString(), event.revision(), event.newValue()));
		}, SubscribeOptions.group("welcome"));
		List<DeadLetter> letters = second.deadLetters("welcome");
		assertThat(letters).singleElement().satisfies((letter) -> {
			assertThat(letter.path()).isEqualTo(StatePath.of("/users/1"));
			assertThat(letter.revision()).isEqualTo(revision);
			assertThat(letter.attempts()).isEqualTo(3);
			assertThat(letter.error()).contains("IllegalStateException").contains("mail server down");
		});
		healthy.set(true);
		assertThat(letters.get(0).redeliver()).isTrue();
		await().atMost(WAIT).until(() -> handled.size() == 1);
		assertThat(handled.get(0)).isEqualTo(new Handled("second", "/users/1", revision, "ada"));
		assertThat(second.deadLetters("welcome")).isEmpty();
		second.close();
		assertThat(reopen(scratch).deadLetters("welcome")).isEmpty();
	}

}
